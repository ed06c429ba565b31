export * from './links.ts';
export * from './outbound-notifier.ts';
export * from './transports.ts';
export * from './webhook-delivery.ts';

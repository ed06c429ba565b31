export * from './delivery-kick.ts';
export * from './links.ts';
export * from './outbound-notifier.ts';
export * from './transports.ts';
export * from './webhook-delivery.ts';

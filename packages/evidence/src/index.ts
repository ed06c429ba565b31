export * from './ensure-bucket.ts';
export * from './evidence-keys.ts';
export * from './health.ts';
export * from './lazy-s3-client.ts';
export * from './photo-store.ts';
export * from './register-files.ts';
export * from './s3-client.ts';

export * from './caller-county.ts';
export * from './user-admin-app.ts';
export * from './user-admin-runtime.ts';

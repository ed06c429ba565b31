export * from './app.ts';
export type * from './app-deps.ts';
export type * from './app-env.ts';
export * from './county-status.ts';
export * from './person-cache.ts';
export * from './platform/index.ts';
export * from './runtime-deps.ts';

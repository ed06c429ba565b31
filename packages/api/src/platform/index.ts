export * from './county-lifecycle.ts';
export * from './deploy-commands.ts';
export * from './initial-password.ts';
export * from './onboarding.ts';
export * from './platform-app.ts';
export type * from './platform-deps.ts';
export * from './platform-identity.ts';
export * from './platform-runtime-deps.ts';
export * from './platform-schemas.ts';

export * from './errors.ts';
export * from './ids.ts';
export * from './principal.ts';
export * from './tenant.ts';
export * from './token-claims.ts';
export * from './logger.ts';
export * from './credit-code.ts';
export * from './csv.ts';

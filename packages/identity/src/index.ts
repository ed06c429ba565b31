export * from './access-token-verifier.ts';
export * from './identity-provider.ts';
export * from './totp.ts';

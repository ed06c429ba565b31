export * from './access-token-verifier.ts';
export * from './identity-provider.ts';
export * from './no-password-directory.ts';
export * from './sha256.ts';
export * from './totp.ts';
export * from './user-administration-client.ts';
export * from './user-administration-protocol.ts';

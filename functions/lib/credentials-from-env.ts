import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (an esbuild alias in
 * scripts/bundle-functions.ts; nothing imports this file directly). Lambda always puts the function role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which the default chain would
 * also read first; the rest of that chain (SSO, INI files, STS web identity, IMDS, processes) never runs on
 * Lambda but costs about 130 KB of bundle and its import time. Locally (tsx, tests) nothing is bundled and the
 * SDK's full default chain applies.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);

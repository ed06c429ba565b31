import type { Logger } from '@gridsafe/core';
import { createCognitoIdentityProvider } from '@gridsafe/identity';
import type { CountyCallerPolicy } from './caller-county.ts';
import type { UserAdminDeps } from './user-admin-app.ts';

export interface UserAdminRuntimeConfig {
  userPoolId: string;
  userPoolClientId: string;
  region?: string;
  /** The local Cognito-protocol issuer; absent in AWS. */
  cognitoEndpoint?: string;
  callers: CountyCallerPolicy;
  logger: Logger;
}

/** The service's clients, built once per process (Lambda init, or the local front). */
export function createUserAdminRuntimeDeps(config: UserAdminRuntimeConfig): UserAdminDeps {
  return {
    directory: createCognitoIdentityProvider({
      userPoolId: config.userPoolId,
      clientId: config.userPoolClientId,
      ...(config.region !== undefined ? { region: config.region } : {}),
      ...(config.cognitoEndpoint !== undefined ? { endpoint: config.cognitoEndpoint } : {}),
    }),
    callers: config.callers,
    logger: config.logger,
  };
}

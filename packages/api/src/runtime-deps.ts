import { type Clock, type IdSource, type Logger, systemClock, ulidSource } from '@gridsafe/core';
import { checkTableReachable, createDocumentClient } from '@gridsafe/db';
import { checkBucketReachable, lazyS3Client } from '@gridsafe/evidence';
import {
  createCognitoIdentityProvider,
  createJwksVerifier,
  createUserAdministrationClient,
  type IdentityProvider,
  type UserAdministrationClientOptions,
} from '@gridsafe/identity';
import type { AppDeps } from './app-deps.ts';

/** Everything needed to reach the outside world; Lambda reads it from env, the local stack from its ports. */
export interface RuntimeConfig {
  tableName: string;
  evidenceBucket: string;
  region?: string;
  dynamoEndpoint?: string;
  s3Endpoint?: string;
  /** The user directory: Cognito in AWS, the local issuer's address locally. */
  userPoolId: string;
  userPoolClientId: string;
  cognitoEndpoint?: string;
  authIssuer: string;
  authJwksUrl: string;
  /**
   * The cell's user-administration service (USER_ADMIN_URL). When set, creating people, passwords and
   * enabling go through it, signed with the county's credentials; the county API then needs no Cognito right.
   */
  userAdministration?: Omit<UserAdministrationClientOptions, 'region'> & { region?: string };
  servesTenant: AppDeps['servesTenant'];
  logger: Logger;
  clock?: Clock;
  ids?: IdSource;
}

/**
 * Builds the clients once per process. Lambda calls this at init (outside the handler) so warm invocations
 * reuse connections and the cached JWKS.
 */
export function createRuntimeDeps(config: RuntimeConfig): AppDeps & {
  documentClient: ReturnType<typeof createDocumentClient>;
  /** The user pool with direct admin calls: for the control plane and seeding, never for a county API. */
  cellDirectory: IdentityProvider;
} {
  const documentClient = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  // Built at the first photo or health request, not here: most cold starts serve neither.
  const s3 = lazyS3Client({ region: config.region, endpoint: config.s3Endpoint });
  const cellDirectory = createCognitoIdentityProvider({
    userPoolId: config.userPoolId,
    clientId: config.userPoolClientId,
    region: config.region,
    endpoint: config.cognitoEndpoint,
  });
  const userAdministration = config.userAdministration;
  return {
    documentClient,
    cellDirectory,
    servesTenant: config.servesTenant,
    data: { client: documentClient, tableName: config.tableName },
    evidence: { client: s3, bucket: config.evidenceBucket },
    tokens: createJwksVerifier({
      issuer: config.authIssuer,
      jwksUrl: config.authJwksUrl,
      clientId: config.userPoolClientId,
    }),
    // Logins stay with the pool (InitiateAuth is public); account administration goes to the cell's service.
    identity: userAdministration
      ? {
          ...cellDirectory,
          ...createUserAdministrationClient({
            ...userAdministration,
            region: userAdministration.region ?? config.region ?? 'cn-north-1',
          }),
        }
      : cellDirectory,
    healthChecks: {
      database: (tenant) => checkTableReachable(documentClient, config.tableName, tenant),
      evidence: (tenant) => checkBucketReachable(s3, config.evidenceBucket, tenant),
      tokenIssuer: async () => {
        const response = await fetch(config.authJwksUrl, { signal: AbortSignal.timeout(3_000) });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      },
    },
    clock: config.clock ?? systemClock,
    ids: config.ids ?? ulidSource,
    logger: config.logger,
  };
}

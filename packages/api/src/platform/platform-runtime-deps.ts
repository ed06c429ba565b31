import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Clock,
  COUNTY_DIRECTORY_PROVIDER_ID,
  DEFAULT_PROVIDER_ID,
  type IdSource,
  type Logger,
  systemClock,
  ulidSource,
} from '@gridsafe/core';
import { createDocumentClient, DirectoryRepository, platformKey, TenantStore } from '@gridsafe/db';
import {
  type AccessTokenVerifier,
  createCognitoIdentityProvider,
  createCountyDirectoryProvider,
  createJwksVerifier,
  type IdentityProvider,
} from '@gridsafe/identity';
import type { PlatformDeps } from './platform-deps.ts';

/**
 * The control plane's dependency checks. The table check reads a `P#` key: the only kind of read the
 * platform role may make.
 */
export function platformHealthChecks(client: DynamoDBDocumentClient, tableName: string, jwksUrl: string) {
  return {
    database: async () => {
      await client.send(
        new GetCommand({ TableName: tableName, Key: { pk: platformKey('HEALTH'), sk: 'HEALTH' } }),
      );
    },
    tokenIssuer: async () => {
      const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    },
  };
}

/** Control-plane deps around clients that already exist (the local stack shares the county app's). */
export function createPlatformDeps(options: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  tokens: AccessTokenVerifier;
  operatorProvider?: string;
  identity: IdentityProvider;
  /** Absent: the default provider of a cell without AUTH_PROVIDERS (`cognito`). */
  countyPasswordProvider?: string;
  operatorDirectory?: IdentityProvider;
  countyAccounts?: PlatformDeps['countyAccounts'];
  authJwksUrl: string;
  cells: PlatformDeps['cells'];
  logger: Logger;
  clock?: Clock;
  ids?: IdSource;
  onCountyStatusChanged?: (tenant: string) => void;
}): PlatformDeps {
  return {
    data: { client: options.documentClient, tableName: options.tableName },
    tokens: options.tokens,
    ...(options.operatorProvider ? { operatorProvider: options.operatorProvider } : {}),
    identity: options.identity,
    countyPasswordProvider: options.countyPasswordProvider ?? DEFAULT_PROVIDER_ID,
    ...(options.operatorDirectory ? { operatorDirectory: options.operatorDirectory } : {}),
    ...(options.countyAccounts ? { countyAccounts: options.countyAccounts } : {}),
    cells: options.cells,
    healthChecks: platformHealthChecks(options.documentClient, options.tableName, options.authJwksUrl),
    clock: options.clock ?? systemClock,
    ids: options.ids ?? ulidSource,
    logger: options.logger,
    ...(options.onCountyStatusChanged ? { onCountyStatusChanged: options.onCountyStatusChanged } : {}),
  };
}

export interface PlatformRuntimeConfig {
  tableName: string;
  region?: string;
  dynamoEndpoint?: string;
  /** The cell's pool, which holds the counties' users; absent in a cell of county directories. */
  userPoolId?: string;
  userPoolClientId: string;
  /** The operators' pool and its app client; `authIssuer` and `authJwksUrl` are that pool's. */
  operatorPoolId: string;
  operatorClientId: string;
  cognitoEndpoint?: string;
  authIssuer: string;
  authJwksUrl: string;
  cells: PlatformDeps['cells'];
  logger: Logger;
}

/** Builds the clients once per process; the platform Lambda calls this at init. */
export function createPlatformRuntimeDeps(config: PlatformRuntimeConfig): PlatformDeps {
  const documentClient = createDocumentClient({ region: config.region, endpoint: config.dynamoEndpoint });
  return createPlatformDeps({
    documentClient,
    tableName: config.tableName,
    tokens: createJwksVerifier({
      providers: [
        {
          id: 'operators',
          name: 'Vendor operators',
          issuer: config.authIssuer,
          clientId: config.operatorClientId,
          jwksUrl: config.authJwksUrl,
          usernameClaim: 'username',
          passwordLogin: true,
          codeFlow: false,
        },
      ],
    }),
    ...countyIdentityOf(config, documentClient),
    operatorDirectory: createCognitoIdentityProvider({
      userPoolId: config.operatorPoolId,
      clientId: config.operatorClientId,
      region: config.region,
      endpoint: config.cognitoEndpoint,
    }),
    authJwksUrl: config.authJwksUrl,
    cells: config.cells,
    logger: config.logger,
  });
}

/** The counties' directory: the cell's pool, or (no pool) each county's own, written in the county's partition. */
function countyIdentityOf(
  config: PlatformRuntimeConfig,
  client: DynamoDBDocumentClient,
): Pick<Parameters<typeof createPlatformDeps>[0], 'identity' | 'countyAccounts' | 'countyPasswordProvider'> {
  if (config.userPoolId)
    return {
      identity: createCognitoIdentityProvider({
        userPoolId: config.userPoolId,
        clientId: config.userPoolClientId,
        region: config.region,
        endpoint: config.cognitoEndpoint,
      }),
    };
  return {
    identity: createCountyDirectoryProvider({
      storeFor: (tenant) => new DirectoryRepository(new TenantStore(client, config.tableName, tenant)),
      // The control plane makes accounts and never signs a token, so it names no issuer.
      issuerBase: '',
      clientId: config.userPoolClientId,
    }),
    countyAccounts: 'county-directory',
    countyPasswordProvider: COUNTY_DIRECTORY_PROVIDER_ID,
  };
}

import {
  type AuthProvider,
  type AuthProvidersConfig,
  acceptedProviders,
  type Clock,
  COUNTY_DIRECTORY_PROVIDER_ID,
  DEFAULT_PROVIDER_ID,
  type IdSource,
  type Logger,
  systemClock,
  ulidSource,
} from '@gridsafe/core';
import {
  type CursorSecretSource,
  checkTableReachable,
  createDocumentClient,
  PageCursors,
} from '@gridsafe/db';
import { checkBucketReachable, lazyS3Client } from '@gridsafe/evidence';
import {
  countyDirectoryIssuer,
  createCognitoIdentityProvider,
  createJwksVerifier,
  createUserAdministrationClient,
  type IdentityProvider,
  jwksUriOf,
  lazyIdentityProvider,
  noPasswordDirectory,
  type UserAdministrationClientOptions,
} from '@gridsafe/identity';
import type { AppDeps } from './app-deps.ts';
import type { countyDirectoryParts } from './county-directory-deps.ts';

/** Everything needed to reach the outside world; Lambda reads it from env, the local stack from its ports. */
export interface RuntimeConfig {
  tableName: string;
  evidenceBucket: string;
  region?: string;
  dynamoEndpoint?: string;
  s3Endpoint?: string;
  /** The user directory: Cognito in AWS, the local issuer's address locally. */
  /** The cell's county user pool; absent in a cell whose people sign in at an OpenID provider only (China). */
  userPoolId?: string;
  userPoolClientId: string;
  cognitoEndpoint?: string;
  /** The password directory's issuer and JWKS: the default provider when `authProviders` is absent. */
  authIssuer: string;
  authJwksUrl: string;
  /** The cell's providers (AUTH_PROVIDERS); absent, the directory above is the one provider every county accepts. */
  authProviders?: AuthProvidersConfig;
  /**
   * Each county's own directory (docs/decisions.md, "Identity: each county's own directory"): passwords and
   * tokens live in the county's partition, and this API issues the tokens. It replaces the user pool and the
   * user-administration service; `issuerBase` is the origin browsers reach the county API at.
   */
  countyDirectory?: {
    issuerBase: string;
    maxAccessTokenSeconds?: number;
    /** The Cognito pool the cell moves from: a person with no account yet signs in against it once. */
    formerPool?: { userPoolId: string; clientId: string; endpoint?: string };
  };
  /** The provider (one of `authProviders`) whose `@platform:` accounts are the vendor's operators (AppDeps). */
  operatorProvider?: string;
  /**
   * The cell's user-administration service (USER_ADMIN_URL). When set, creating people, passwords and
   * enabling go through it, signed with the county's credentials; the county API then needs no Cognito right.
   */
  userAdministration?: Omit<UserAdministrationClientOptions, 'region'> & { region?: string };
  servesTenant: AppDeps['servesTenant'];
  publicOrigin: string;
  /** The cell's cursor secrets; without them cursors are valid in this process only (tests, one-process tools). */
  cursorSecrets?: CursorSecretSource;
  reportDynamoCalls?: boolean;
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
  const directoryConfig = config.countyDirectory;
  // The county directory loads at its first token or login (county-directory-deps.ts), not in every cold start.
  let directoryParts: Promise<ReturnType<typeof countyDirectoryParts>> | undefined;
  const loadDirectory = (settings: NonNullable<RuntimeConfig['countyDirectory']>) => {
    directoryParts ??= import('./county-directory-deps.ts').then((m) =>
      m.countyDirectoryParts({
        client: documentClient,
        tableName: config.tableName,
        issuerBase: settings.issuerBase,
        clientId: config.userPoolClientId,
        ...(settings.maxAccessTokenSeconds ? { maxAccessTokenSeconds: settings.maxAccessTokenSeconds } : {}),
        ...(settings.formerPool
          ? {
              former: createCognitoIdentityProvider({
                userPoolId: settings.formerPool.userPoolId,
                clientId: settings.formerPool.clientId,
                region: config.region,
                ...(settings.formerPool.endpoint ? { endpoint: settings.formerPool.endpoint } : {}),
              }),
            }
          : {}),
        now: () => (config.clock ?? systemClock).now(),
      }),
    );
    return directoryParts;
  };
  const countyDirectory = directoryConfig
    ? lazyIdentityProvider(async () => (await loadDirectory(directoryConfig)).directory, ['publicJwks'])
    : undefined;
  const authProviders =
    config.authProviders ??
    (config.countyDirectory
      ? countyDirectoryProviders(config.countyDirectory.issuerBase, config.userPoolClientId)
      : defaultAuthProviders(config));
  const cellDirectory = countyDirectory
    ? countyDirectory
    : config.userPoolId
      ? createCognitoIdentityProvider({
          userPoolId: config.userPoolId,
          clientId: config.userPoolClientId,
          region: config.region,
          endpoint: config.cognitoEndpoint,
        })
      : noPasswordDirectory();
  const userAdministration = config.userAdministration;
  return {
    documentClient,
    cellDirectory,
    servesTenant: config.servesTenant,
    publicOrigin: config.publicOrigin,
    pageCursors: config.cursorSecrets ? new PageCursors(config.cursorSecrets) : PageCursors.ephemeral(),
    reportDynamoCalls: config.reportDynamoCalls ?? false,
    data: { client: documentClient, tableName: config.tableName },
    evidence: { client: s3, bucket: config.evidenceBucket },
    tokens: createJwksVerifier({
      providers: authProviders.providers,
      ...(directoryConfig
        ? {
            countyKeys: async (tenant: string, kid: string) =>
              (await loadDirectory(directoryConfig)).keys.verificationKey(tenant, kid),
          }
        : {}),
    }),
    authProviders,
    ...passwordProviderOf(authProviders),
    ...(countyDirectory && directoryConfig
      ? {
          ownTokens: {
            issuer: (tenant: string) => countyDirectoryIssuer(directoryConfig.issuerBase, tenant),
            publicKeys: async (tenant: string) =>
              (await countyDirectory.publicJwks(tenant)) as { keys: Array<{ kty: string; kid: string }> },
          },
        }
      : {}),
    ...(config.operatorProvider ? { operatorProvider: config.operatorProvider } : {}),
    // Logins stay with the pool (InitiateAuth is public); account administration goes to the cell's service.
    // A county directory is administered in the county's own partition, with the county's own role.
    identity: countyDirectory
      ? countyDirectory
      : userAdministration
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
      tokenIssuer: async (tenant) => {
        // A county's own directory has no JWKS to fetch: its keys are in the table the database check reads.
        const fetched = acceptedProviders(authProviders, tenant).filter((provider) => !provider.selfIssued);
        await Promise.all(fetched.map(checkJwksReachable));
      },
    },
    clock: config.clock ?? systemClock,
    ids: config.ids ?? ulidSource,
    logger: config.logger,
  };
}

function defaultAuthProviders(config: RuntimeConfig): AuthProvidersConfig {
  return {
    providers: [
      {
        id: DEFAULT_PROVIDER_ID,
        name: '账号密码',
        issuer: config.authIssuer,
        clientId: config.userPoolClientId,
        jwksUrl: config.authJwksUrl,
        // Cognito's access tokens carry the pool username, which only an administrator sets.
        usernameClaim: 'username',
        passwordLogin: true,
        codeFlow: false,
      },
    ],
    counties: {},
    defaultAccepted: [DEFAULT_PROVIDER_ID],
  };
}

function countyDirectoryProviders(issuerBase: string, clientId: string): AuthProvidersConfig {
  return {
    providers: [
      {
        id: COUNTY_DIRECTORY_PROVIDER_ID,
        name: '账号密码',
        issuer: issuerBase,
        clientId,
        // The directory writes `<county>:<username>` into `username` itself; no person can edit it.
        usernameClaim: 'username',
        passwordLogin: true,
        codeFlow: false,
        selfIssued: true,
      },
    ],
    counties: {},
    defaultAccepted: [COUNTY_DIRECTORY_PROVIDER_ID],
  };
}

/** The provider whose tokens `POST /session` hands out: the cell's one password provider. */
function passwordProviderOf(config: AuthProvidersConfig): { passwordProvider?: string } {
  const found = config.providers.find((provider) => provider.passwordLogin);
  return found ? { passwordProvider: found.id } : {};
}

async function checkJwksReachable(provider: AuthProvider): Promise<void> {
  const url = provider.jwksUrl ?? (await jwksUriOf(provider.issuer));
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`JWKS of ${provider.id} answered ${response.status}`);
}

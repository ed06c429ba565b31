import {
  countyStatusCacheFor,
  createApp,
  createPlatformApp,
  createPlatformDeps,
  createRuntimeDeps,
  type PlatformDeps,
} from '@gridsafe/api';
import { inProcessDeliveryKicker, timerOnlyDeliveries } from '@gridsafe/api/channels';
import {
  type AuthProvidersConfig,
  type Clock,
  DEFAULT_PROVIDER_ID,
  type Grant,
  type IdSource,
  type Role,
  silentLogger,
} from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { type CursorSecretSource, TenantRegistry } from '@gridsafe/db';
import { createS3Client } from '@gridsafe/evidence';
import { inject } from 'vitest';
import { LocalCountyKeys } from '../../scripts/local/user-admin-front.ts';
import { createPerson } from './people.ts';
import { BUCKET, localServiceDeps, TABLE } from './reliability/stack.ts';

export const TEST_PASSWORD = 'Test-password-2026';
export { BUCKET, TABLE };

/**
 * The county API's way to the user-administration service, as in AWS: each county signs with its own key,
 * checked by the local front that stands in for IAM.
 */
export function userAdministrationFor(services: ReturnType<typeof inject<'services'>>) {
  const keys = new LocalCountyKeys(services.userAdminStackSecret);
  return {
    endpoint: services.userAdminUrl,
    region: services.userAdminRegion,
    credentials: (tenant: string) => keys.forTenant(tenant),
  };
}

let counter = 0;
/** A county id of its own for each test file, so files can share one DynamoDB Local without seeing each other. */
export function uniqueTenant(prefix = 't'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`.slice(0, 32);
}

/** The web origin the test counties are configured with: absolute links must name it, whatever the Host. */
export const TEST_PUBLIC_ORIGIN = 'https://gridsafe.example.cn';

/**
 * The real app wired to the real local services, exactly as the local stack wires it. A `clock` (an
 * AdjustableClock) lets a test move time past deadlines.
 */
export async function startTestApi(options: {
  tenants: string[];
  clock?: Clock;
  reportDynamoCalls?: boolean;
  /** The cell's cursor secrets; by default a random one per app, so cursors of one app do not open in another. */
  cursorSecrets?: CursorSecretSource;
  /** The cell's providers; build it with `defaultProviderOf(services)` (test-issuers.ts) to keep the shared issuer in it. */
  authProviders?: (services: ReturnType<typeof inject<'services'>>) => AuthProvidersConfig;
  /**
   * `timer`: a write's webhook deliveries wait for the county's timer (tests of the timer itself). By default they
   * are sent in this process right after the write's answer, as on the local stack.
   */
  webhookDeliveries?: 'timer';
  /**
   * `county-directory`: every county's people in its own partition, this API issuing their tokens (the global
   * cells' identity, docs/decisions.md). By default the shared local issuer, which speaks Cognito's protocol.
   */
  identity?: 'county-directory';
  /** With `county-directory`: the shared local issuer is the Cognito pool the cell moves from. */
  formerPool?: true;
}) {
  const services = inject('services');
  const tenants = new Set(options.tenants);
  const deps = createRuntimeDeps({
    ...localServiceDeps(services),
    ...(options.identity === 'county-directory'
      ? {
          countyDirectory: {
            issuerBase: TEST_PUBLIC_ORIGIN,
            ...(options.formerPool
              ? {
                  formerPool: {
                    userPoolId: services.userPoolId,
                    clientId: services.clientId,
                    endpoint: services.issuerUrl,
                  },
                }
              : {}),
          },
        }
      : { userAdministration: userAdministrationFor(services) }),
    // The shared issuer also holds the vendor's operators, as the local stack's does.
    operatorProvider: DEFAULT_PROVIDER_ID,
    servesTenant: (tenant) => tenants.has(tenant),
    publicOrigin: TEST_PUBLIC_ORIGIN,
    reportDynamoCalls: options.reportDynamoCalls ?? false,
    ...(options.cursorSecrets ? { cursorSecrets: options.cursorSecrets } : {}),
    logger: silentLogger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.authProviders ? { authProviders: options.authProviders(services) } : {}),
  });
  const kicks = inProcessDeliveryKicker(deps);
  const app = createApp({
    ...deps,
    deliveries: options.webhookDeliveries === 'timer' ? timerOnlyDeliveries : kicks,
  });

  async function createUser(tenant: string, username: string, role: Role, grants: Grant[] = []) {
    return createPerson(deps, tenant, username, role, grants, TEST_PASSWORD);
  }

  async function login(tenant: string, username: string, password = TEST_PASSWORD): Promise<string> {
    const response = await app.request(`${countyApiBasePath(tenant)}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { accessToken: string }).accessToken;
  }

  return {
    app,
    deps,
    /** Settles once the webhook deliveries writes asked for have run. */
    deliveriesIdle: () => kicks.idle(),
    createUser,
    login,
    services,
    tableName: TABLE,
    bucket: BUCKET,
    s3: createS3Client({ endpoint: services.s3Endpoint }),
  };
}

/**
 * Seeds the demo county's shape (4 townships, 13 villages, 5 departments, 39 units, 5 users) into a county
 * of the test's own, through the same seeder `npm start` uses, and returns the ids tests need.
 */
export async function seedTestCounty(
  api: Awaited<ReturnType<typeof startTestApi>>,
  tenant: string,
  shape: 'taihe' | 'linquan' = 'taihe',
) {
  const { seedDemoCounty } = await import('../../scripts/seed/seed-demo.ts');
  const { TAIHE, LINQUAN } = await import('../../scripts/seed/demo-data.ts');
  const { demoId } = await import('../../scripts/seed/demo-ids.ts');
  const base = shape === 'taihe' ? TAIHE : LINQUAN;
  await seedDemoCounty(
    {
      client: api.deps.documentClient,
      tableName: api.tableName,
      identity: api.deps.identity,
      passwordProvider: api.deps.passwordProvider ?? DEFAULT_PROVIDER_ID,
      evidence: { client: api.s3, bucket: api.bucket },
    },
    { ...base, tenant },
  );
  const [t1, t2] = base.townships;
  return {
    tenant,
    county: demoId(tenant, 'grid:county'),
    township1: demoId(tenant, `grid:${t1!.name}`),
    township2: demoId(tenant, `grid:${t2!.name}`),
    village1: demoId(tenant, `grid:${t1!.name}/${t1!.villages[0]}`),
    village2: demoId(tenant, `grid:${t1!.name}/${t1!.villages[1]}`),
    villageInTownship2: demoId(tenant, `grid:${t2!.name}/${t2!.villages[0]}`),
    emergencyDept: demoId(tenant, 'department:emergency'),
    commerceDept: demoId(tenant, 'department:commerce'),
    unit: (serial: number) => demoId(tenant, `unit:${serial}`),
  };
}
export type SeededCounty = Awaited<ReturnType<typeof seedTestCounty>>;

export const DEMO_LOGIN_PASSWORD = 'Gridsafe-demo-2026';

/** A tiny client for one user: JSON in and out, status kept. */
export function clientFor(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  tenant: string,
  token: string,
) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.request(`${countyApiBasePath(tenant)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as any) : undefined,
      headers: response.headers,
    };
  };
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body ?? {}, headers),
    patch: (path: string, body: unknown, headers?: Record<string, string>) =>
      call('PATCH', path, body, headers),
    put: (path: string, body: unknown, headers?: Record<string, string>) => call('PUT', path, body, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
  };
}

/**
 * The county API and the vendor's control plane on the real local services, wired as the local stack wires
 * them: the county app serves every county in the registry, and both apps share one county-status cache.
 */
export async function startPlatformTestApi(
  options: {
    cells?: PlatformDeps['cells'];
    ids?: IdSource;
    countyStatusTtlMs?: number;
    /** `county-directory`: onboarding makes the first admin in the county's own directory. */
    identity?: 'county-directory';
  } = {},
) {
  const services = inject('services');
  let registry: TenantRegistry | undefined;
  const deps = createRuntimeDeps({
    ...localServiceDeps(services),
    ...(options.identity === 'county-directory'
      ? { countyDirectory: { issuerBase: TEST_PUBLIC_ORIGIN } }
      : { userAdministration: userAdministrationFor(services) }),
    servesTenant: async (tenant) => (await registry?.get(tenant)) !== undefined,
    publicOrigin: TEST_PUBLIC_ORIGIN,
    logger: silentLogger,
  });
  registry = new TenantRegistry(deps.documentClient, TABLE);
  const countyStatus = countyStatusCacheFor(
    { client: deps.documentClient, tableName: TABLE },
    options.countyStatusTtlMs,
  );
  const countyApp = createApp({ ...deps, countyStatus });
  const platformDeps = createPlatformDeps({
    documentClient: deps.documentClient,
    tableName: TABLE,
    tokens: deps.tokens,
    identity: deps.cellDirectory,
    authJwksUrl: services.jwksUrl,
    cells: options.cells ?? { known: ['test-1', 'test-2'] },
    logger: silentLogger,
    ...(options.ids ? { ids: options.ids } : {}),
    onCountyStatusChanged: (tenant) => countyStatus.forget(tenant),
  });
  const platformApp = createPlatformApp(platformDeps);
  // The county app administers people through the user-administration service; what a test reaches for as
  // `deps.identity` (seeding operators, checking any county's accounts) is the directory itself, as the
  // control plane sees it.
  return {
    countyApp,
    platformApp,
    deps: { ...deps, identity: deps.cellDirectory },
    platformDeps,
    countyStatus,
    registry,
    services,
    tableName: TABLE,
  };
}

import type { Clock } from '@gridsafe/core';
import { TenantStore } from '@gridsafe/db';
import { test as base, expect } from 'vitest';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  type SeededCounty,
  seedTestCounty,
  startTestApi,
  uniqueTenant,
} from './harness.ts';

/**
 * The county stack every integration test file starts from, as vitest fixtures: the real app on the local
 * services, the demo county seeded into a county id of the file's own, and the seeded people logged in, one
 * client per role. All of it is file-scoped: built once, on first use, and shared by the file's tests, as the
 * `beforeAll` blocks it replaces did.
 *
 * ```ts
 * const it = countyTest({ prefix: 'rp', reportDynamoCalls: true });
 * it('…', async ({ county, member, township }) => { … });
 * ```
 */
export type Client = ReturnType<typeof clientFor>;
export type TestApi = Awaited<ReturnType<typeof startTestApi>>;

type Shape = 'taihe' | 'linquan';

export interface CountyStackOptions {
  /** The start of the county id, so a file's data is recognisable in the shared table. */
  prefix: string;
  /** Which demo county's shape to seed; Taihe unless told. */
  shape?: Shape;
  /** A second county served by the same app and seeded alongside (Linquan's shape unless told). */
  neighbour?: { prefix: string; shape?: Shape };
  /** An AdjustableClock, for tests that move time past deadlines. */
  clock?: Clock;
  /** Whether answers carry the `x-dynamodb-calls` header. */
  reportDynamoCalls?: boolean;
  /** The cell's page-cursor keys, for tests of their rotation; a fresh key unless told. */
  cursorSecrets?: Parameters<typeof startTestApi>[0]['cursorSecrets'];
  /** `timer`: webhook deliveries wait for the county's timer instead of being sent right after the write. */
  webhookDeliveries?: 'timer';
  /** `county-directory`: the counties keep their own people and the API issues their tokens. */
  identity?: 'county-directory';
}

/** Starting the app and seeding a county take longer than one test may; they get a setup hook's time. */
const SETUP_TIMEOUT_MS = 180_000;

/** The app alone on the local services, for a file that seeds nothing (or seeds what it needs itself). */
export function appTest(options: Omit<CountyStackOptions, 'shape' | 'neighbour'> & { tenants?: string[] }) {
  const tenants = options.tenants ?? [uniqueTenant(options.prefix)];
  return base.extend('api', { scope: 'file' }, () =>
    startTestApi({
      tenants,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.cursorSecrets ? { cursorSecrets: options.cursorSecrets } : {}),
      ...(options.webhookDeliveries ? { webhookDeliveries: options.webhookDeliveries } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
      reportDynamoCalls: options.reportDynamoCalls ?? false,
    }),
  );
}

export function countyTest(options: CountyStackOptions) {
  const tenant = uniqueTenant(options.prefix);
  const neighbourTenant = options.neighbour ? uniqueTenant(options.neighbour.prefix) : undefined;
  const test = appTest({ ...options, tenants: neighbourTenant ? [tenant, neighbourTenant] : [tenant] })
    .extend('counties', { scope: 'file' }, ({ api }) =>
      Promise.all([
        seedTestCounty(api, tenant, options.shape ?? 'taihe'),
        ...(neighbourTenant
          ? [seedTestCounty(api, neighbourTenant, options.neighbour?.shape ?? 'linquan')]
          : []),
      ]),
    )
    .extend('county', { scope: 'file' }, ({ counties }): SeededCounty => counties[0])
    /** The county's own part of the table, for reading and writing past the API. */
    .extend(
      'store',
      { scope: 'file' },
      ({ api, county }) => new TenantStore(api.deps.documentClient, api.tableName, county.tenant),
    )
    .extend('neighbour', { scope: 'file' }, ({ counties }): SeededCounty => {
      if (!counties[1]) throw new Error('this file asked for no neighbour county: countyTest({ neighbour })');
      return counties[1];
    })
    /** A client for one of the seeded people of the file's county, logged in with the demo password. */
    .extend(
      'signIn',
      { scope: 'file' },
      ({ api, county }) =>
        async (username: string): Promise<Client> =>
          clientFor(api.app, county.tenant, await api.login(county.tenant, username, DEMO_LOGIN_PASSWORD)),
    )
    .extend('admin', { scope: 'file' }, ({ signIn }) => signIn('county.admin'))
    .extend('township', { scope: 'file' }, ({ signIn }) => signIn('township.officer'))
    .extend('department', { scope: 'file' }, ({ signIn }) => signIn('dept.officer'))
    .extend('member', { scope: 'file' }, ({ signIn }) => signIn('grid.member'))
    .extend('unitUser', { scope: 'file' }, ({ signIn }) => signIn('unit.manager'));
  test.beforeAll(async ({ counties }) => void counties, SETUP_TIMEOUT_MS);
  return test;
}

/**
 * Every item of a list endpoint, page by page, as `client` sees it. Each page must answer 200: a count built
 * on a list that did not answer proves nothing.
 */
export async function everyItem<Item = any>(client: Client, path: string): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await client.get(
      `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status, `${path}: ${JSON.stringify(page.body)}`).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/** The hazard figures of a grid node's stats, as `client` sees them. */
export async function hazardStats(client: Client, gridId: string) {
  const answer = await client.get(`/grids/${gridId}/stats`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.hazards as {
    open: number;
    overdue: number;
    closed: number;
    byLevel: { village: number; township: number; county: number };
  };
}

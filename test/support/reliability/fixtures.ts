import type { Clock } from '@gridsafe/core';
import { test as base } from 'vitest';
import { uniqueTenant } from '../harness.ts';
import { countyClient } from './client.ts';
import { injectedServices } from './services.ts';
import { buildApi } from './stack.ts';

/** Building the reliability stack and seeding its small county take longer than one test may. */
const SETUP_TIMEOUT_MS = 120_000;

/**
 * The reliability suites' county as vitest fixtures: the app built as the reliability stack builds it (its own
 * logger and clients on the shared local services), the small county seeded into a county id of the file's own,
 * and its people logged in, one client per role. File-scoped: built once, on first use, as the `beforeAll`
 * blocks it replaces did.
 */
export function reliabilityTest(options: { prefix: string; clock?: Clock }) {
  const tenant = uniqueTenant(options.prefix);
  const test = base
    .extend('api', { scope: 'file' }, () =>
      buildApi(injectedServices(), { tenants: [tenant], ...(options.clock ? { clock: options.clock } : {}) }),
    )
    .extend('county', { scope: 'file' }, ({ api }) => api.seedSmall(tenant))
    /** A client for one of the seeded people, logged in with the demo password. */
    .extend(
      'signIn',
      { scope: 'file' },
      ({ api, county }) =>
        async (username: string) =>
          countyClient(api.app, county.tenant, await api.login(county.tenant, username)),
    )
    .extend('admin', { scope: 'file' }, ({ signIn }) => signIn('county.admin'))
    .extend('township', { scope: 'file' }, ({ signIn }) => signIn('township.officer'))
    .extend('member', { scope: 'file' }, ({ signIn }) => signIn('grid.member'));
  test.beforeAll(async ({ county }) => void county, SETUP_TIMEOUT_MS);
  return test;
}

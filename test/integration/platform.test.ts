import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { CountyStatusCache, createApp, disableCountyUsers, platformPoolUsername } from '@gridsafe/api';
import { vendorKnowledgeBase } from '@gridsafe/core/vendor-knowledge';
import { countyStatusKey, platformKey, readCountyStatus, tenantKey } from '@gridsafe/db';
import { poolUsername, totpCode } from '@gridsafe/identity';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CELLS_FILE } from '../../infra/src/cells-config.ts';
import {
  addTenantToCells,
  apiTarget,
  awsCredentialsSource,
  parseCommand,
  runCommand,
  UsageError,
} from '../../scripts/onboard.ts';
import { seedPlatformOperator } from '../../scripts/seed/seed-platform.ts';
import {
  DEMO_LOGIN_PASSWORD,
  startPlatformTestApi,
  TEST_PASSWORD,
  uniqueTenant,
} from '../support/harness.ts';
import { tempDir } from '../support/temp-dirs.ts';

type Api = Awaited<ReturnType<typeof startPlatformTestApi>>;
type Answer = { status: number; body: any; headers: Headers };

let api: Api;
let vendorToken: string;
let vendorTotpSecret: string;

async function call(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await app.request(path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const platform = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
  call(api.platformApp, method, `/platform/api/v1${path}`, { token: vendorToken, ...options });
const county = (tenant: string, method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
  call(api.countyApp, method, `/t/${tenant}/api/v1${path}`, options);

function onboardBody(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: '颍泉区 · 测试',
    divisionCode: '341204',
    cell: 'test-1',
    admin: { username: 'county.admin' },
    ...overrides,
  };
}

/**
 * A county login. The onboarded admin's password is temporary: the first login answers NEW_PASSWORD_REQUIRED,
 * which this helper answers by choosing the same password again, so the tests below keep using it.
 */
async function countyLogin(
  tenant: string,
  username: string,
  password: string,
  app: Parameters<typeof call>[0] = api.countyApp,
): Promise<Answer> {
  const answer = await call(app, 'POST', `/t/${tenant}/api/v1/session`, { body: { username, password } });
  if (answer.body?.challenge !== 'NEW_PASSWORD_REQUIRED') return answer;
  return call(app, 'POST', `/t/${tenant}/api/v1/session/challenge`, {
    body: { session: answer.body.session, newPassword: password },
  });
}

async function getItem(pk: string, sk: string) {
  const { Item } = await api.deps.documentClient.send(
    new GetCommand({ TableName: api.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return Item;
}

/** The county's grid-tree items (its nodes), read from the index that lists them. */
async function gridTreeItems(tenant: string) {
  const { Items } = await api.deps.documentClient.send(
    new QueryCommand({
      TableName: api.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': tenantKey(tenant, 'GRIDTREE') },
    }),
  );
  return Items ?? [];
}

async function directoryLoginWorks(tenant: string, username: string, password: string): Promise<boolean> {
  return api.deps.identity.login(poolUsername(tenant, username), password).then(
    () => true,
    () => false,
  );
}

/** The operator's login: the password, then the TOTP code computed from the seeded secret. */
async function vendorLogin(password = DEMO_LOGIN_PASSWORD, code = () => totpCode(vendorTotpSecret)) {
  const first = await call(api.platformApp, 'POST', '/platform/api/v1/session', {
    body: { username: 'vendor.operator', password },
  });
  if (first.body?.challenge !== 'SOFTWARE_TOKEN_MFA') return first;
  return call(api.platformApp, 'POST', '/platform/api/v1/session/challenge', {
    body: { session: first.body.session, code: code() },
  });
}

beforeAll(async () => {
  api = await startPlatformTestApi();
  vendorTotpSecret = (await seedPlatformOperator(api.deps.identity)).totpSecret ?? '';
  const login = await vendorLogin();
  expect(login.status).toBe(200);
  vendorToken = login.body.accessToken;
});

describe('the vendor session', () => {
  it('asks the vendor operator for a TOTP code after the password, and refuses a wrong one', async () => {
    const first = await call(api.platformApp, 'POST', '/platform/api/v1/session', {
      body: { username: 'vendor.operator', password: DEMO_LOGIN_PASSWORD },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
    const wrong = await vendorLogin(DEMO_LOGIN_PASSWORD, () =>
      totpCode(vendorTotpSecret, new Date(Date.now() - 10 * 60_000)),
    );
    expect(wrong.status).toBe(401);
  });

  it('walks a new operator through TOTP setup before any token, then asks for a code at each login', async () => {
    await api.deps.identity.createUser(platformPoolUsername('new.operator'), TEST_PASSWORD, {});
    const login = (body: unknown) => call(api.platformApp, 'POST', '/platform/api/v1/session', { body });
    const answer = (body: unknown) =>
      call(api.platformApp, 'POST', '/platform/api/v1/session/challenge', { body });
    const setup = await login({ username: 'new.operator', password: TEST_PASSWORD });
    expect(setup.body).toMatchObject({ challenge: 'MFA_SETUP', secretCode: expect.any(String) });
    expect(setup.body.accessToken).toBeUndefined();
    const secret: string = setup.body.secretCode;
    const stale = totpCode(secret, new Date(Date.now() - 10 * 60_000));
    expect((await answer({ session: setup.body.session, code: stale })).status).toBe(401);
    const done = await answer({ session: setup.body.session, code: totpCode(secret) });
    expect(done.status).toBe(200);
    expect(done.body.user).toMatchObject({ username: 'new.operator', role: 'vendor_operator' });
    const next = await login({ username: 'new.operator', password: TEST_PASSWORD });
    expect(next.body).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
  });

  it('logs the demo vendor operator in as vendor_operator', async () => {
    const login = await vendorLogin();
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'vendor.operator', role: 'vendor_operator' });
    expect(login.body.refreshToken).toEqual(expect.any(String));
  });

  it('answers 401 problem+json for a wrong password', async () => {
    const login = await call(api.platformApp, 'POST', '/platform/api/v1/session', {
      body: { username: 'vendor.operator', password: 'Wrong-password-1' },
    });
    expect(login.status).toBe(401);
    expect(login.headers.get('content-type')).toContain('application/problem+json');
  });

  it('seeds the operator only once', async () => {
    expect(await seedPlatformOperator(api.deps.identity)).toEqual({
      username: 'vendor.operator',
      created: false,
    });
  });

  it('serves health and its OpenAPI document without a token', async () => {
    const health = await call(api.platformApp, 'GET', '/platform/api/v1/health');
    expect(health.status).toBe(200);
    expect(health.body.dependencies).toMatchObject({
      database: { status: 'ok' },
      tokenIssuer: { status: 'ok' },
    });
    const doc = await call(api.platformApp, 'GET', '/platform/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/session',
        '/tenants',
        '/tenants/{id}',
        '/tenants/{id}/suspend',
        '/tenants/{id}/resume',
        '/tenants/{id}/offboard',
      ]),
    );
  });
});

describe('onboarding', () => {
  const tenant = uniqueTenant('pa');
  let onboarded: Answer;

  beforeAll(async () => {
    onboarded = await platform('POST', '/tenants', { body: onboardBody(tenant) });
  });

  it('answers 201 with the registry record, the root grid and the admin’s one-time password', () => {
    expect(onboarded.status).toBe(201);
    expect(onboarded.headers.get('cache-control')).toBe('no-store');
    expect(onboarded.body.tenant).toMatchObject({
      id: tenant,
      name: '颍泉区 · 测试',
      divisionCode: '341204',
      cell: 'test-1',
      status: 'active',
      version: 1,
      kbVersion: vendorKnowledgeBase.version,
      adminUsername: 'county.admin',
    });
    expect(onboarded.body.rootGrid).toMatchObject({ level: 'county', name: '颍泉区 · 测试', code: '341204' });
    expect(onboarded.body.admin).toMatchObject({ username: 'county.admin', passwordGenerated: true });
    const password: string = onboarded.body.admin.temporaryPassword;
    expect(password).toHaveLength(16);
    for (const kind of [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/]) expect(password).toMatch(kind);
    expect(onboarded.body.deploy).toEqual({
      stack: `test-1/Gridsafe-Tenant-${tenant}`,
      command: `./node_modules/.bin/cdk deploy -c cell=test-1 --exclusively test-1/Gridsafe-Tenant-${tenant}`,
    });
  });

  it('writes the registry item, the status mirror, the root grid and the admin record, each with its audit event', async () => {
    const { rootGrid, admin } = onboarded.body;
    expect(await getItem(platformKey('TENANT'), tenant)).toMatchObject({ status: 'active', version: 1 });
    expect(await getItem(countyStatusKey(tenant).pk, 'STATUS')).toMatchObject({
      status: 'active',
      version: 1,
    });
    expect(await getItem(tenantKey(tenant, 'GRID', rootGrid.id), 'GRID')).toMatchObject({ level: 'county' });
    expect(await getItem(tenantKey(tenant, 'USER', admin.id), 'USER')).toMatchObject({
      role: 'county_admin',
      scope: [`grid:${rootGrid.id}`],
    });
    expect(await getItem(tenantKey(tenant, 'USERNAME', 'county.admin'), 'USERNAME')).toMatchObject({
      userId: admin.id,
    });
    for (const [type, id] of [
      ['grid', rootGrid.id],
      ['user', admin.id],
    ]) {
      expect(await getItem(tenantKey(tenant, 'AUDIT', type, id), 'EV#00000001'), type).toMatchObject({
        action: 'created',
        actor: { username: 'vendor.operator', role: 'vendor_operator' },
      });
    }
    const audit = await platform('GET', `/tenants/${tenant}/audit`);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual(['onboarded']);
    expect(audit.body.chain).toEqual({ intact: true, length: 1 });
  });

  it('hands the new admin a temporary password that must be changed at the first login', async () => {
    const first = await county(tenant, 'POST', '/session', {
      body: { username: 'county.admin', password: onboarded.body.admin.temporaryPassword },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
  });

  it('lets the new admin log in to the county API and see the county’s root grid', async () => {
    const login = await countyLogin(tenant, 'county.admin', onboarded.body.admin.temporaryPassword);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: 'county.admin', role: 'county_admin' });
    const grids = await county(tenant, 'GET', '/grids', { token: login.body.accessToken });
    expect(grids.status).toBe(200);
    expect(grids.body.items).toEqual([
      expect.objectContaining({
        id: onboarded.body.rootGrid.id,
        level: 'county',
        name: '颍泉区 · 测试',
        code: '341204',
      }),
    ]);
  });

  it('lists the county in the registry, in pages', async () => {
    const one = await platform('GET', `/tenants/${tenant}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: tenant, status: 'active' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await platform('GET', `/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((record: { id: string }) => record.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(tenant);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ['an id with capitals', { id: 'Bad-Id' }, 'id'],
    ['an id that is too short', { id: 'a' }, 'id'],
    ['a five-digit division code', { divisionCode: '34120' }, 'divisionCode'],
    ['a division code of no province', { divisionCode: '991204' }, 'divisionCode'],
    ['an unknown cell', { cell: 'nowhere-1' }, 'cell'],
    ['a weak admin password', { admin: { username: 'county.admin', password: 'short' } }, 'admin.password'],
    ['a bad admin username', { admin: { username: 'A' } }, 'admin.username'],
    ['an unknown field', { extra: true }, 'extra'],
  ])('answers 400 naming the field for %s and writes nothing', async (_what, overrides, field) => {
    const id = uniqueTenant('pb');
    const body = onboardBody(id, overrides);
    const answer = await platform('POST', '/tenants', { body });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
    for (const candidate of [id, body.id]) {
      if (!/^[a-z][a-z0-9]{1,31}$/.test(candidate)) continue;
      expect(await api.registry.get(candidate, true)).toBeUndefined();
      expect(await api.deps.identity.getUserSub(poolUsername(candidate, 'county.admin'))).toBeUndefined();
      expect(await getItem(countyStatusKey(candidate).pk, 'STATUS')).toBeUndefined();
    }
  });

  it('answers 409 to a second onboarding of the same id and changes nothing', async () => {
    const again = await platform('POST', '/tenants', {
      body: onboardBody(tenant, { name: '另一个县', admin: { username: 'second.admin' } }),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('tenant_exists');
    const record = await platform('GET', `/tenants/${tenant}`);
    expect(record.body).toMatchObject({ name: '颍泉区 · 测试', version: 1, adminUsername: 'county.admin' });
    expect(await api.deps.identity.getUserSub(poolUsername(tenant, 'second.admin'))).toBeUndefined();
    expect((await platform('GET', `/tenants/${tenant}/audit`)).body.items).toHaveLength(1);
  });

  it('leaves no registry, grid or status item when the one transaction fails, and disables the admin it made', async () => {
    const id = uniqueTenant('pc');
    // A stray item on one of the keys onboarding writes makes the transaction's condition fail.
    await api.deps.documentClient.send(
      new PutCommand({
        TableName: api.tableName,
        Item: {
          pk: tenantKey(id, 'USERNAME', 'county.admin'),
          sk: 'USERNAME',
          type: 'Username',
          userId: 'stray',
        },
      }),
    );
    const answer = await platform('POST', '/tenants', {
      body: onboardBody(id, { admin: { username: 'county.admin', password: `${TEST_PASSWORD}!` } }),
    });
    expect(answer.status).toBe(409);
    expect(await api.registry.get(id, true)).toBeUndefined();
    expect(await getItem(countyStatusKey(id).pk, 'STATUS')).toBeUndefined();
    const Items = await gridTreeItems(id);
    expect(Items).toEqual([]);
    expect(await getItem(tenantKey(id, 'USERNAME', 'county.admin'), 'USERNAME')).toMatchObject({
      userId: 'stray',
    });
    expect(await directoryLoginWorks(id, 'county.admin', `${TEST_PASSWORD}!`)).toBe(false);
  });
});

describe('who may use the control plane', () => {
  const tenant = uniqueTenant('pd');
  let countyAdminToken: string;

  beforeAll(async () => {
    const onboarded = await platform('POST', '/tenants', { body: onboardBody(tenant) });
    expect(onboarded.status).toBe(201);
    const login = await countyLogin(tenant, 'county.admin', onboarded.body.admin.temporaryPassword);
    countyAdminToken = login.body.accessToken;
  });

  const routes: [string, string, unknown?][] = [
    ['GET', '/tenants'],
    ['GET', '/tenants/taihe'],
    ['GET', '/tenants/taihe/audit'],
    ['POST', '/tenants', onboardBody('pzzzz')],
    ['POST', '/tenants/taihe/suspend', {}],
    ['POST', '/tenants/taihe/resume', {}],
    ['POST', '/tenants/taihe/offboard', {}],
  ];

  it.each(routes)('answers 401 without a token: %s %s', async (method, path, body) => {
    const answer = await call(api.platformApp, method, `/platform/api/v1${path}`, { body });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it.each(routes)('answers 403 to a county admin’s token: %s %s', async (method, path, body) => {
    const answer = await call(api.platformApp, method, `/platform/api/v1${path}`, {
      token: countyAdminToken,
      body,
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('forbidden');
  });

  it('answers 403 to a directory account outside @platform, however it was provisioned', async () => {
    await api.deps.identity.createUser(poolUsername(tenant, 'misprovisioned'), TEST_PASSWORD, {});
    const { accessToken } = await api.deps.identity.login(
      poolUsername(tenant, 'misprovisioned'),
      TEST_PASSWORD,
    );
    const answer = await call(api.platformApp, 'GET', '/platform/api/v1/tenants', { token: accessToken });
    expect(answer.status).toBe(403);
    expect(await api.registry.get('pzzzz')).toBeUndefined();
  });

  it('does not let a county user log in to the control plane', async () => {
    const login = await call(api.platformApp, 'POST', '/platform/api/v1/session', {
      body: { username: `${tenant}:county.admin`, password: TEST_PASSWORD },
    });
    expect(login.status).toBe(401);
  });

  it('refuses the vendor’s token on a county API', async () => {
    const answer = await county(tenant, 'GET', '/me', { token: vendorToken });
    expect(answer.status).toBe(403);
  });
});

describe('suspension', () => {
  const tenant = uniqueTenant('pe');
  let adminToken: string;
  let password: string;

  beforeAll(async () => {
    const onboarded = await platform('POST', '/tenants', {
      body: onboardBody(tenant, { admin: { username: 'county.admin', password: 'Suspend-test-2026' } }),
    });
    expect(onboarded.status).toBe(201);
    password = onboarded.body.admin.temporaryPassword;
    adminToken = (await countyLogin(tenant, 'county.admin', password)).body.accessToken;
  });

  it('uses the password the operator gave', () => {
    expect(password).toBe('Suspend-test-2026');
  });

  it('makes the county API answer 403 county_suspended, keeps health at 200, and resume restores it', async () => {
    expect((await county(tenant, 'GET', '/me', { token: adminToken })).status).toBe(200);

    const suspended = await platform('POST', `/tenants/${tenant}/suspend`, { body: { reason: '欠费' } });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', version: 2, statusReason: '欠费' });
    expect(await getItem(countyStatusKey(tenant).pk, 'STATUS')).toMatchObject({
      status: 'suspended',
      version: 2,
    });

    const refused = await county(tenant, 'GET', '/me', { token: adminToken });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.code).toBe('county_suspended');
    expect((await countyLogin(tenant, 'county.admin', password)).body.code).toBe('county_suspended');
    expect((await county(tenant, 'GET', '/health')).status).toBe(200);
    // Users are left alone: the directory still knows them, so resuming restores exactly what was there.
    expect(await directoryLoginWorks(tenant, 'county.admin', password)).toBe(true);

    const resumed = await platform('POST', `/tenants/${tenant}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ status: 'active', version: 3 });
    expect((await county(tenant, 'GET', '/me', { token: adminToken })).status).toBe(200);
  });

  it('answers 409 for a stale version and for a change the status does not allow', async () => {
    const current = (await platform('GET', `/tenants/${tenant}`)).body;
    const stale = await platform('POST', `/tenants/${tenant}/suspend`, {
      headers: { 'if-match': String(current.version - 1) },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    expect((await platform('POST', `/tenants/${tenant}/resume`)).body.code).toBe('wrong_state');
    const suspended = await platform('POST', `/tenants/${tenant}/suspend`, {
      body: { version: current.version },
    });
    expect(suspended.status).toBe(200);
    expect((await platform('POST', `/tenants/${tenant}/suspend`)).body.code).toBe('wrong_state');
    expect((await platform('POST', `/tenants/${tenant}/resume`)).status).toBe(200);
  });

  it('records every change in the county’s registry audit trail, hash-chained', async () => {
    const audit = await platform('GET', `/tenants/${tenant}/audit`);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'onboarded',
      'suspended',
      'resumed',
      'suspended',
      'resumed',
    ]);
    expect(audit.body.items[1]).toMatchObject({
      reason: '欠费',
      actor: { username: 'vendor.operator', role: 'vendor_operator' },
      changes: { status: { before: 'active', after: 'suspended' } },
    });
    expect(audit.body.chain).toEqual({ intact: true, length: 5 });
  });

  it('answers 404 for a county that is not registered', async () => {
    expect((await platform('POST', `/tenants/${uniqueTenant('pz')}/suspend`)).status).toBe(404);
  });
});

describe('the county API’s status cache', () => {
  it('reads the status once per period, not on every request, and sees a suspension after the period', async () => {
    const tenant = uniqueTenant('pf');
    const onboarded = await platform('POST', '/tenants', { body: onboardBody(tenant) });
    // County processes of their own (as each county's Lambda is): nobody tells their caches about changes.
    let reads = 0;
    const countingRead = (id: string) => {
      reads += 1;
      return readCountyStatus(api.deps.documentClient, api.tableName, id);
    };
    const counted = { ...api.deps, reportDynamoCalls: true };
    const cached = createApp({ ...counted, countyStatus: new CountyStatusCache(countingRead, 60_000) });
    const shortLived = createApp({ ...counted, countyStatus: new CountyStatusCache(countingRead, 50) });
    const login = await countyLogin(tenant, 'county.admin', onboarded.body.admin.temporaryPassword, cached);
    const token = login.body.accessToken;
    const gridPath = `/t/${tenant}/api/v1/grids/${onboarded.body.rootGrid.id}`;
    const [first, second] = [
      await call(cached, 'GET', gridPath, { token }),
      await call(cached, 'GET', gridPath, { token }),
    ];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(reads).toBe(1);
    // The one read is counted against the request that made it, and only that one.
    expect(Number(login.headers.get('x-dynamodb-calls'))).toBeGreaterThan(0);
    expect(second.headers.get('x-dynamodb-calls')).toBe(first.headers.get('x-dynamodb-calls'));

    expect((await call(shortLived, 'GET', `/t/${tenant}/api/v1/me`, { token })).status).toBe(200);
    expect((await platform('POST', `/tenants/${tenant}/suspend`)).status).toBe(200);
    // Within its period the long-lived cache still says active: the bound is the period, not zero.
    expect((await call(cached, 'GET', gridPath, { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const refused = await call(shortLived, 'GET', `/t/${tenant}/api/v1/me`, { token });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('county_suspended');
    expect(Number(refused.headers.get('x-dynamodb-calls'))).toBe(1);
    expect(reads).toBe(3);
  });
});

describe('offboarding', () => {
  const tenant = uniqueTenant('pg');
  const neighbour = `${tenant}x`;
  let password: string;
  let offboarded: Answer;

  beforeAll(async () => {
    const onboarded = await platform('POST', '/tenants', { body: onboardBody(tenant) });
    expect(onboarded.status).toBe(201);
    password = onboarded.body.admin.temporaryPassword;
    for (const username of ['grid.one', 'grid.two', 'grid.three']) {
      await api.deps.identity.createUser(poolUsername(tenant, username), TEST_PASSWORD, {});
    }
    // A county whose id extends this one's: the `<id>:` prefix must not reach its users.
    await api.deps.identity.createUser(poolUsername(neighbour, 'county.admin'), TEST_PASSWORD, {});
    offboarded = await platform('POST', `/tenants/${tenant}/offboard`, { body: { reason: '合同终止' } });
  });

  it('marks the county offboarded, disables all of its users and says its data is retained', () => {
    expect(offboarded.status).toBe(200);
    expect(offboarded.body.tenant).toMatchObject({ status: 'offboarded', statusReason: '合同终止' });
    expect(offboarded.body.users).toEqual({ disabled: 4, done: true });
    expect(offboarded.body.dataRetained).toBe(true);
    expect(offboarded.body.destroyCommand).toBe(
      `./node_modules/.bin/cdk destroy -c cell=test-1 --exclusively test-1/Gridsafe-Tenant-${tenant}`,
    );
  });

  it('refuses the county API with 403 county_offboarded and every login of its users', async () => {
    const login = await countyLogin(tenant, 'county.admin', password);
    expect(login.status).toBe(403);
    expect(login.body.code).toBe('county_offboarded');
    expect(await directoryLoginWorks(tenant, 'county.admin', password)).toBe(false);
    expect(await directoryLoginWorks(tenant, 'grid.one', TEST_PASSWORD)).toBe(false);
    expect(await directoryLoginWorks(neighbour, 'county.admin', TEST_PASSWORD)).toBe(true);
  });

  it('keeps the county’s data', async () => {
    const record = await platform('GET', `/tenants/${tenant}`);
    const Items = await gridTreeItems(tenant);
    expect(record.body.status).toBe('offboarded');
    expect(Items).toHaveLength(1);
  });

  it('cannot be resumed, and offboarding again only repeats the (harmless) disabling', async () => {
    expect((await platform('POST', `/tenants/${tenant}/resume`)).body.code).toBe('wrong_state');
    expect((await platform('POST', `/tenants/${tenant}/suspend`)).body.code).toBe('wrong_state');
    const again = await platform('POST', `/tenants/${tenant}/offboard`);
    expect(again.status).toBe(200);
    expect(again.body.tenant.version).toBe(offboarded.body.tenant.version);
    expect(again.body.users.done).toBe(true);
  });

  it('disables users page by page, continuing from the cursor it returns', async () => {
    const id = uniqueTenant('ph');
    for (const username of ['a.one', 'b.two', 'c.three']) {
      await api.deps.identity.createUser(poolUsername(id, username), TEST_PASSWORD, {});
    }
    const first = await disableCountyUsers(api.platformDeps, id, { pageSize: 2, budgetMs: 0 });
    expect(first).toEqual({ disabled: 2, done: false, nextCursor: expect.any(String) });
    expect(await directoryLoginWorks(id, 'c.three', TEST_PASSWORD)).toBe(true);
    const rest = await disableCountyUsers(api.platformDeps, id, { pageSize: 2, cursor: first.nextCursor });
    expect(rest).toEqual({ disabled: 1, done: true });
    expect(await directoryLoginWorks(id, 'c.three', TEST_PASSWORD)).toBe(false);
  });
});

describe('the onboarding command (scripts/onboard.ts)', () => {
  let cellsFile: string;
  let home: string;
  const original = readFileSync(DEFAULT_CELLS_FILE, 'utf8');

  beforeAll(() => {
    const dir = tempDir('gridsafe-onboard-');
    cellsFile = join(dir, 'cells.json');
    // The repository's own file with a second cell, so "listed in another cell" can be tried.
    const raw = JSON.parse(original);
    raw.cells.push({ id: 'test-2', tenants: [{ id: 'elsewhere', name: '别处县' }] });
    raw.cells[0].id = 'test-1';
    raw.platformCell = 'test-1';
    writeFileSync(cellsFile, `${JSON.stringify(raw, null, 2)}\n`);
    home = tempDir('gridsafe-home-');
  });

  const lines: string[] = [];
  const io = (env: Record<string, string | undefined> = {}, runDeploy?: (command: string) => number) => {
    lines.length = 0;
    return { log: (line: string) => lines.push(line), env, home, ...(runDeploy ? { runDeploy } : {}) };
  };
  const direct = () => ({
    mode: 'direct' as const,
    deps: api.platformDeps,
    operator: {
      userId: 'cli',
      username: 'cli:test',
      tenant: '@platform',
      role: 'vendor_operator' as const,
      grants: [],
    },
  });
  const args = (id: string, ...more: string[]) => [
    '--id',
    id,
    '--name',
    '测试县',
    '--division',
    '341226',
    '--cell',
    'test-1',
    '--admin',
    'county.admin',
    '--cells-file',
    cellsFile,
    ...more,
  ];

  it('names the flag of every bad value and needs --id', () => {
    expect(() =>
      parseCommand(['--id', 'Bad', '--division', '12', '--cell', 'test-1', '--admin', 'x']),
    ).toThrow(/--id: .*\n.*--name: .*\n.*--division: /s);
    expect(() => parseCommand(['suspend'])).toThrow('--id is required');
    expect(() => parseCommand(['pause', '--id', 'abc'])).toThrow(UsageError);
    expect(parseCommand(['offboard', '--id', 'abc', '--reason', '合同终止'], {})).toMatchObject({
      kind: 'offboard',
      id: 'abc',
      reason: '合同终止',
    });
  });

  it('adds a county to its cell as one more line of cells.json and refuses one listed in another cell', () => {
    const copy = join(tempDir('gridsafe-cells-'), 'cells.json');
    writeFileSync(copy, original);
    const cell = JSON.parse(original).cells[0].id as string;
    expect(addTenantToCells(copy, cell, { id: 'fuyang', name: '颍泉区' })).toBe(true);
    const added = readFileSync(copy, 'utf8').split('\n');
    const before = original.split('\n');
    const last = JSON.parse(original).cells[0].tenants.at(-1) as { id: string; name: string };
    // The layout stays as it was: the county before gains a comma, the new county is one more line.
    expect(added).toHaveLength(before.length + 1);
    expect(added.filter((line) => !before.includes(line))).toEqual([
      `        { "id": "${last.id}", "name": "${last.name}" },`,
      '        { "id": "fuyang", "name": "颍泉区" }',
    ]);
    expect(addTenantToCells(copy, cell, { id: 'fuyang', name: '颍泉区' })).toBe(false);
    expect(() => addTenantToCells(cellsFile, 'test-1', { id: 'elsewhere', name: 'x' })).toThrow(
      /cell "test-2"/,
    );
    expect(() => addTenantToCells(cellsFile, 'nowhere-1', { id: 'abc', name: 'x' })).toThrow(/not in/);
  });

  it('finds AWS credentials in the standard variables and the default profile, and nowhere else', () => {
    expect(awsCredentialsSource({}, home)).toBeUndefined();
    expect(awsCredentialsSource({ AWS_PROFILE: 'vendor' }, home)).toBe('profile vendor');
    expect(awsCredentialsSource({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, home)).toBe(
      'AWS_ACCESS_KEY_ID',
    );
    const withProfile = tempDir('gridsafe-home-');
    mkdirSync(join(withProfile, '.aws'));
    writeFileSync(join(withProfile, '.aws', 'config'), '[default]\nregion = cn-north-1\n');
    expect(awsCredentialsSource({}, withProfile)).toMatch(/default profile/);
  });

  it('onboards the local stack directly, adds the county to cells.json and prints the deploy command', async () => {
    const id = uniqueTenant('pi');
    const code = await runCommand(parseCommand(args(id), {}), direct(), io({ AWS_PROFILE: 'vendor' }));
    expect(code).toBe(0);
    const output = lines.join('\n');
    expect(output).toContain(`✔ Onboarded ${id} (测试县, 341226) into cell test-1`);
    const password = /Password: +(\S+)/.exec(output)?.[1] ?? '';
    expect((await countyLogin(id, 'county.admin', password)).status).toBe(200);
    // Even with AWS credentials around: a local onboarding must never deploy to AWS.
    expect(output).toContain(
      `    ./node_modules/.bin/cdk deploy -c cell=test-1 --exclusively test-1/Gridsafe-Tenant-${id}`,
    );
    expect(JSON.parse(readFileSync(cellsFile, 'utf8')).cells[0].tenants).toContainEqual({
      id,
      name: '测试县',
    });
  });

  it('writes nothing, not even cells.json, when the county cannot join its cell', async () => {
    const before = readFileSync(cellsFile, 'utf8');
    await expect(runCommand(parseCommand(args('elsewhere'), {}), direct(), io())).rejects.toThrow(
      /cell "test-2"/,
    );
    expect(await api.registry.get('elsewhere')).toBeUndefined();
    expect(readFileSync(cellsFile, 'utf8')).toBe(before);
  });

  it('goes through the deployed API as a vendor operator and deploys when AWS credentials are present', async () => {
    const fetchApp = ((input: string | URL | Request, init?: RequestInit) =>
      api.platformApp.request(String(input), init)) as typeof fetch;
    const url = 'http://platform.test/platform/api/v1';
    await expect(apiTarget(url, {}, fetchApp)).rejects.toThrow(/GRIDSAFE_VENDOR_USERNAME/);
    const login = {
      GRIDSAFE_VENDOR_USERNAME: 'vendor.operator',
      GRIDSAFE_VENDOR_PASSWORD: DEMO_LOGIN_PASSWORD,
    };
    await expect(apiTarget(url, login, fetchApp)).rejects.toThrow(/GRIDSAFE_VENDOR_TOTP_CODE/);
    const target = await apiTarget(
      url,
      { ...login, GRIDSAFE_VENDOR_TOTP_SECRET: vendorTotpSecret },
      fetchApp,
    );
    const id = uniqueTenant('pj');
    const deployed: string[] = [];
    const code = await runCommand(
      parseCommand(args(id), {}),
      target,
      io({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, (command) => {
        deployed.push(command);
        return 0;
      }),
    );
    expect(code).toBe(0);
    expect(deployed).toEqual([
      `./node_modules/.bin/cdk deploy -c cell=test-1 --exclusively test-1/Gridsafe-Tenant-${id}`,
    ]);

    const noCredentials = uniqueTenant('pk');
    await runCommand(
      parseCommand(args(noCredentials), {}),
      target,
      io({}, () => 1),
    );
    expect(lines.join('\n')).toContain('no AWS credentials found; run:');

    expect(
      await runCommand(parseCommand(['suspend', '--id', id, '--reason', '欠费'], {}), target, io()),
    ).toBe(0);
    expect(lines[0]).toBe(`✔ ${id} is suspended (registry version 2).`);
    expect(await runCommand(parseCommand(['resume', '--id', id], {}), target, io())).toBe(0);
    expect(await runCommand(parseCommand(['offboard', '--id', id], {}), target, io())).toBe(0);
    expect(lines[0]).toBe(`✔ ${id} is offboarded; 1 user(s) disabled in the user directory.`);
    expect(lines.join('\n')).toContain(
      `cdk destroy -c cell=test-1 --exclusively test-1/Gridsafe-Tenant-${id}`,
    );
    await expect(runCommand(parseCommand(['resume', '--id', id], {}), target, io())).rejects.toThrow(
      /409 wrong_state/,
    );
  });
});

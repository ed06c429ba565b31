import { ConflictError, NotFoundError } from '@gridsafe/core';
import {
  createUserAdministrationClient,
  poolUsername,
  Sha256,
  type SigningCredentials,
  USER_ADMIN_BASE_PATH,
  userAdminUserPath,
} from '@gridsafe/identity';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect } from 'vitest';
import { LocalCountyKeys } from '../../scripts/local/user-admin-front.ts';
import { appTest, type TestApi } from '../support/fixtures.ts';
import { TEST_PASSWORD, uniqueTenant } from '../support/harness.ts';

const NEW_PASSWORD = 'Changed-password-2027';

const countyA = uniqueTenant('ua');
const countyB = uniqueTenant('ub');

/** A request signed by hand, so a test can send what the client never would. */
async function signedRequest(
  api: TestApi,
  credentials: SigningCredentials,
  method: string,
  path: string,
  body?: unknown,
  options: { signedAt?: Date; bodySent?: string; region?: string } = {},
): Promise<Response> {
  const url = new URL(path, api.services.userAdminUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region ?? api.services.userAdminRegion,
    credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { body: payload } : {}),
    },
    options.signedAt ? { signingDate: options.signedAt } : {},
  );
  const { host: _host, ...headers } = signed.headers;
  const sent = options.bodySent ?? payload;
  return fetch(url, { method, headers, ...(sent !== undefined ? { body: sent } : {}) });
}

const it = appTest({ prefix: 'ua', tenants: [countyA, countyB] })
  .extend('keys', { scope: 'file' }, ({ api }) => new LocalCountyKeys(api.services.userAdminStackSecret))
  /** Everything signed with county A's key, whatever county a username names. */
  .extend('asCountyA', { scope: 'file' }, ({ api, keys }) =>
    createUserAdministrationClient({
      endpoint: api.services.userAdminUrl,
      region: api.services.userAdminRegion,
      credentials: () => keys.forTenant(countyA),
    }),
  )
  .extend(
    'canLogIn',
    { scope: 'file' },
    ({ api }) =>
      (tenant: string, username: string, password: string) =>
        api.deps.cellDirectory.login(poolUsername(tenant, username), password).then(
          () => true,
          () => false,
        ),
  )
  .extend('signedRequest', { scope: 'file' }, ({ api }) => signedRequest.bind(undefined, api));
it.beforeAll(async ({ api }) => {
  await api.createUser(countyB, 'b.admin', 'county_admin');
});

describe('user administration through the cell service, one county per calling role', () => {
  it("creates, resets, disables and enables county A's people with county A's credentials", async ({
    asCountyA,
    canLogIn,
  }) => {
    const username = poolUsername(countyA, 'zhang.wei');
    const { sub } = await asCountyA.createUser(username, TEST_PASSWORD, { displayName: '张伟' });
    expect(await asCountyA.getUserSub(username)).toBe(sub);
    expect(await canLogIn(countyA, 'zhang.wei', TEST_PASSWORD)).toBe(true);

    await asCountyA.setPassword(username, NEW_PASSWORD, { temporary: false });
    expect(await canLogIn(countyA, 'zhang.wei', TEST_PASSWORD)).toBe(false);
    expect(await canLogIn(countyA, 'zhang.wei', NEW_PASSWORD)).toBe(true);

    await asCountyA.setEnabled(username, false);
    expect(await canLogIn(countyA, 'zhang.wei', NEW_PASSWORD)).toBe(false);
    await asCountyA.setEnabled(username, true);
    expect(await canLogIn(countyA, 'zhang.wei', NEW_PASSWORD)).toBe(true);

    await expect(asCountyA.createUser(username, TEST_PASSWORD, {})).rejects.toBeInstanceOf(ConflictError);
  });

  it("cannot read, reset or disable county B's people with county A's credentials", async ({
    api,
    keys,
    asCountyA,
    canLogIn,
    signedRequest,
  }) => {
    const target = poolUsername(countyB, 'b.admin');
    expect(await api.deps.cellDirectory.getUserSub(target)).toBeDefined();

    // The service names accounts by the caller's county: B's username from A's role means A's (absent) account.
    expect(await asCountyA.getUserSub(target)).toBeUndefined();
    await expect(asCountyA.setPassword(target, NEW_PASSWORD, { temporary: false })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(asCountyA.setEnabled(target, false)).rejects.toBeInstanceOf(NotFoundError);

    const credentialsA = keys.forTenant(countyA);
    const qualified = await signedRequest(credentialsA, 'PUT', `${userAdminUserPath(target)}/enabled`, {
      enabled: false,
    });
    expect(qualified.status).toBe(400);
    const tenantInBody = await signedRequest(credentialsA, 'POST', USER_ADMIN_BASE_PATH, {
      username: 'b.admin',
      password: NEW_PASSWORD,
      temporary: false,
      tenant: countyB,
    });
    expect(tenantInBody.status).toBe(400);
    expect(await tenantInBody.json()).toMatchObject({
      errors: [{ path: 'tenant', message: 'unknown field' }],
    });

    expect(await canLogIn(countyB, 'b.admin', TEST_PASSWORD)).toBe(true);
  });

  it('answers 400 naming the field to a malformed body, and changes nothing', async ({
    keys,
    canLogIn,
    signedRequest,
  }) => {
    const credentialsB = keys.forTenant(countyB);
    const path = userAdminUserPath('b.admin');
    const cases: [string, string, unknown, string][] = [
      ['PUT', `${path}/enabled`, { enabled: 'no' }, 'enabled'],
      ['PUT', `${path}/password`, { password: 'short', temporary: false }, 'password'],
      ['PATCH', path, { role: 'county_admin' }, 'role'],
      ['POST', USER_ADMIN_BASE_PATH, { username: 'B:Admin', password: NEW_PASSWORD }, 'username'],
    ];
    for (const [method, target, body, field] of cases) {
      const response = await signedRequest(credentialsB, method, target, body);
      expect(response.status, `${method} ${target}`).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as { errors: { path: string }[] };
      expect(problem.errors.map((error) => error.path)).toContain(field);
    }
    expect(await canLogIn(countyB, 'b.admin', TEST_PASSWORD)).toBe(true);
  });

  it('answers 403 to a request that is unsigned, signed with a wrong secret, altered, or dated 6 minutes off', async ({
    api,
    keys,
    canLogIn,
    signedRequest,
  }) => {
    const path = userAdminUserPath('b.admin');
    const unsigned = await fetch(new URL(path, api.services.userAdminUrl));
    expect(unsigned.status).toBe(403);

    const wrongSecret = await signedRequest(
      { accessKeyId: keys.forTenant(countyB).accessKeyId, secretAccessKey: 'not-the-secret' },
      'GET',
      path,
    );
    expect(wrongSecret.status).toBe(403);

    const unknownKey = await signedRequest(
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      'GET',
      path,
    );
    expect(unknownKey.status).toBe(403);

    const altered = await signedRequest(
      keys.forTenant(countyB),
      'PUT',
      `${path}/enabled`,
      { enabled: true },
      { bodySent: JSON.stringify({ enabled: false }) },
    );
    expect(altered.status).toBe(403);

    const stale = await signedRequest(keys.forTenant(countyB), 'GET', path, undefined, {
      signedAt: new Date(Date.now() - 6 * 60_000),
    });
    expect(stale.status).toBe(403);

    const signedForB = await signedRequest(keys.forTenant(countyB), 'GET', path);
    expect(signedForB.status).toBe(200);
    expect(await canLogIn(countyB, 'b.admin', TEST_PASSWORD)).toBe(true);
  });

  it("lets the county API's own POST /users and PATCH /users go through the service", async ({
    api,
    canLogIn,
  }) => {
    const token = await api.login(countyB, 'b.admin');
    const created = await api.app.request(`/t/${countyB}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'li.na',
        displayName: '李娜',
        role: 'county_admin',
        password: TEST_PASSWORD,
      }),
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: string; version: number };
    expect(await canLogIn(countyB, 'li.na', TEST_PASSWORD)).toBe(true);

    const disabled = await api.app.request(`/t/${countyB}/api/v1/users/${user.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'if-match': `"${user.version}"`,
      },
      body: JSON.stringify({ enabled: false, version: user.version }),
    });
    expect(disabled.status).toBe(200);
    expect(await canLogIn(countyB, 'li.na', TEST_PASSWORD)).toBe(false);
  });
});

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DirectoryRepository, TenantStore } from '@gridsafe/db';
import { createCountyDirectoryProvider } from '@gridsafe/identity';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  startTestApi,
  TEST_PASSWORD,
  TEST_PUBLIC_ORIGIN,
  uniqueTenant,
} from '../support/harness.ts';

/**
 * Each county's own directory (docs/decisions.md, "Identity: each county's own directory"): the county's people,
 * password hashes and signing keys in its own partition, and its API issuing their tokens. The login door's
 * behaviour (lockout, temporary passwords, TOTP, idle sessions, logout) is checked on it by login-security.test.ts;
 * this file checks what only a directory of our own has to get right.
 */
const it = countyTest({
  prefix: 'cd',
  identity: 'county-directory',
  neighbour: { prefix: 'cdn', shape: 'linquan' },
})
  .extend('door', { scope: 'file' }, ({ api }) => {
    const post = async (tenant: string, path: string, body: unknown) => {
      const response = await api.app.request(`/t/${tenant}/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    return {
      post,
      login: (tenant: string, username: string, password: string) =>
        post(tenant, '/session', { username, password }),
    };
  })
  .extend('me', { scope: 'file' }, ({ api }) => async (tenant: string, token: string) => {
    const answer = await clientFor(api.app, tenant, token).get('/me');
    return { status: answer.status, code: answer.body?.code as string | undefined };
  });

describe("a county's own directory", () => {
  it("keeps a salted scrypt hash of each password in the county's partition, never the password", async ({
    api,
    county,
  }) => {
    const { Items = [] } = await api.deps.documentClient.send(
      new QueryCommand({
        TableName: api.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${county.tenant}#DIRECTORY` },
      }),
    );
    const accounts = Items.filter((item) => item.type === 'DirectoryAccount');
    expect(accounts.map((account) => account.username)).toContain(`${county.tenant}:county.admin`);
    expect(JSON.stringify(Items)).not.toContain(DEMO_LOGIN_PASSWORD);
    for (const account of accounts)
      expect(account.passwordHash).toMatch(/^[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}$/);
    // Two people with the same password do not share a hash.
    expect(new Set(accounts.map((account) => account.passwordHash)).size).toBe(accounts.length);
  });

  it('issues ES256 tokens for the county named in their issuer, signed with a key of that county', async ({
    county,
    door,
    me,
  }) => {
    const session = await door.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD);
    expect(session.status).toBe(200);
    const claims = decodeJwt(session.body.accessToken);
    expect(claims).toMatchObject({
      iss: `${TEST_PUBLIC_ORIGIN}/t/${county.tenant}/api/v1`,
      token_use: 'access',
      username: `${county.tenant}:grid.member`,
    });
    expect(decodeProtectedHeader(session.body.accessToken)).toMatchObject({
      alg: 'ES256',
      kid: expect.stringMatching(new RegExp(`^${county.tenant}\\.`)),
    });
    expect((await me(county.tenant, session.body.accessToken)).status).toBe(200);
  });

  it('publishes its issuer and public keys, and a token checks against them as API Gateway checks it', async ({
    api,
    county,
    door,
  }) => {
    const base = `/t/${county.tenant}/api/v1`;
    const discovery = await api.app.request(`${base}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const { issuer, jwks_uri } = (await discovery.json()) as { issuer: string; jwks_uri: string };
    expect(issuer).toBe(`${TEST_PUBLIC_ORIGIN}${base}`);
    expect(jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
    const keys = await api.app.request(new URL(jwks_uri).pathname);
    expect(keys.headers.get('cache-control')).toMatch(/max-age=/);
    const jwks = (await keys.json()) as { keys: Record<string, unknown>[] };
    // Public halves only.
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
    const session = await door.login(county.tenant, 'dept.officer', DEMO_LOGIN_PASSWORD);
    const { payload } = await jwtVerify(session.body.accessToken, createLocalJWKSet(jwks as never), {
      issuer,
    });
    expect(payload.username).toBe(`${county.tenant}:dept.officer`);
  });

  it("refuses one county's token at another county's door, even for a person of the same username", async ({
    counties,
    door,
    me,
  }) => {
    const [ours, theirs] = counties;
    const session = await door.login(ours.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    // The neighbour has a county.admin of its own: the username claim must not link the token there.
    expect((await door.login(theirs!.tenant, 'county.admin', DEMO_LOGIN_PASSWORD)).status).toBe(200);
    expect(await me(theirs!.tenant, session.body.accessToken)).toEqual({
      status: 401,
      code: 'provider_not_accepted',
    });
    // Nor does a refresh token of one county refresh at the other.
    const refreshed = await door.post(theirs!.tenant, '/session/refresh', {
      refreshToken: session.body.refreshToken,
    });
    expect(refreshed.status).toBe(401);
  });

  it("refuses a token signed with a key the county does not hold, even under the county's key id", async ({
    county,
    door,
    me,
  }) => {
    const session = await door.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const { kid } = decodeProtectedHeader(session.body.accessToken);
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...decodeJwt(session.body.accessToken) })
      .setProtectedHeader({ alg: 'ES256', kid: kid! })
      .sign(privateKey);
    expect((await me(county.tenant, forged)).status).toBe(401);
    expect((await me(county.tenant, session.body.accessToken)).status).toBe(200);
  });

  it("lets an access token live half the county's idle time, at most 15 minutes", async ({
    api,
    county,
    door,
  }) => {
    const first = await door.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    // The default idle time is 30 minutes.
    expect(first.body.expiresIn).toBe(900);
    const admin = clientFor(api.app, county.tenant, first.body.accessToken);
    const current = await admin.get('/settings');
    const saved = await admin.put('/settings', {
      settings: { ...current.body.settings, security: { ...current.body.settings.security, idleMinutes: 6 } },
      version: current.body.version,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // Settings are cached per process for a short while; a fresh app of the same county reads them at once.
    const fresh = await startTestApi({ tenants: [county.tenant], identity: 'county-directory' });
    const short = await fresh.app.request(`/t/${county.tenant}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grid.member', password: DEMO_LOGIN_PASSWORD }),
    });
    const body = (await short.json()) as { expiresIn: number; accessToken: string };
    expect(body.expiresIn).toBe(180);
    const claims = decodeJwt(body.accessToken);
    expect(claims.exp! - claims.iat!).toBe(180);
    const restored = await admin.put('/settings', {
      settings: current.body.settings,
      version: saved.body.version,
    });
    expect(restored.status).toBe(200);
  });

  it('runs the password hash for an unknown username exactly as for a wrong password', async ({
    api,
    county,
  }) => {
    let hashes = 0;
    const directory = createCountyDirectoryProvider({
      storeFor: (tenant) =>
        new DirectoryRepository(new TenantStore(api.deps.documentClient, api.tableName, tenant)),
      issuerBase: TEST_PUBLIC_ORIGIN,
      clientId: 'test-client',
      onPasswordHash: () => (hashes += 1),
    });
    const attempt = async (username: string, password: string) => {
      const before = hashes;
      const outcome = await directory.login(`${county.tenant}:${username}`, password).then(
        () => 'tokens',
        (error: Error) => `${error.constructor.name}: ${error.message}`,
      );
      return { outcome, hashes: hashes - before };
    };
    const wrong = await attempt('grid.member', 'wrong-password');
    expect(wrong).toEqual({ outcome: 'UnauthorizedError: Wrong username or password.', hashes: 1 });
    expect(await attempt('no.such.person', 'wrong-password')).toEqual(wrong);
    expect(await attempt('grid.member', DEMO_LOGIN_PASSWORD)).toEqual({ outcome: 'tokens', hashes: 1 });
  });

  it("makes one signing key when a county's first logins arrive together", async ({ api }) => {
    const tenant = uniqueTenant('cdk');
    const storeFor = (t: string) =>
      new DirectoryRepository(new TenantStore(api.deps.documentClient, api.tableName, t));
    // Five cold starts of the same county: five processes, each with its own key cache.
    const directories = Array.from({ length: 5 }, () =>
      createCountyDirectoryProvider({ storeFor, issuerBase: TEST_PUBLIC_ORIGIN, clientId: 'test-client' }),
    );
    await directories[0]!.createUser(`${tenant}:first`, TEST_PASSWORD, {});
    const tokens = await Promise.all(directories.map((d) => d.login(`${tenant}:first`, TEST_PASSWORD)));
    const keys = await storeFor(tenant).signingKeys();
    expect(keys).toHaveLength(1);
    expect(new Set(tokens.map((t) => decodeProtectedHeader(t.accessToken).kid))).toEqual(
      new Set([keys[0]!.kid]),
    );
  });
});

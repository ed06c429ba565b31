import { createApp, PersonCache } from '@gridsafe/api';
import { type AuthProvider, DEFAULT_PROVIDER_ID } from '@gridsafe/core';
import { readAuditTrail, TenantStore } from '@gridsafe/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFor, startTestApi, TEST_PASSWORD, uniqueTenant } from '../support/harness.ts';
import { bareCounty, defaultProviderOf, type JwksIssuer, startJwksIssuer } from '../support/test-issuers.ts';

/**
 * Who may call a county: a token proves issuer and subject, the county's own records say who that is and what
 * they may do. A second OpenID provider is played by this file: its own key pair, its JWKS served over HTTP,
 * tokens shaped like RFC 9068 JWT access tokens, verified by the real verifier.
 */
const linking = uniqueTenant('ida'); // accepts the shared issuer and the second provider
const passwordOnly = uniqueTenant('idb'); // accepts the shared issuer only
const neighbour = uniqueTenant('idc'); // accepts both, like `linking`, with people of the same usernames

const SECOND: Omit<AuthProvider, 'issuer' | 'jwksUrl'> = {
  id: 'province-idp',
  name: '省统一身份认证',
  clientId: 'gridsafe-web',
  audience: 'urn:gridsafe:county-api',
  usernameClaim: 'username',
  passwordLogin: false,
  codeFlow: true,
};

let api: Awaited<ReturnType<typeof startTestApi>>;
let second: JwksIssuer;
let secondIssuer: string;
let signSecond: JwksIssuer['sign'];
let adminToken: string;
const roots = new Map<string, string>();

beforeAll(async () => {
  second = await startJwksIssuer('second-1', SECOND);
  secondIssuer = second.issuer;
  signSecond = second.sign;
  api = await startTestApi({
    tenants: [linking, passwordOnly, neighbour],
    authProviders: (services) => ({
      providers: [defaultProviderOf(services), { ...SECOND, issuer: secondIssuer, jwksUrl: second.jwksUrl }],
      counties: {
        [linking]: [DEFAULT_PROVIDER_ID, SECOND.id],
        [neighbour]: [DEFAULT_PROVIDER_ID, SECOND.id],
      },
      defaultAccepted: [DEFAULT_PROVIDER_ID],
    }),
  });
  for (const tenant of [linking, passwordOnly, neighbour]) {
    roots.set(tenant, await bareCounty(api, tenant, { name: '测试县', code: '341222' }));
  }
  adminToken = await api.login(linking, 'county.admin');
}, 60_000);

afterAll(async () => {
  await second?.close();
});

/** A grid member created by the county admin through the API, as in production. */
async function newGridMember(tenant: string, username: string) {
  const admin = clientFor(
    api.app,
    tenant,
    tenant === linking ? adminToken : await api.login(tenant, 'county.admin'),
  );
  const grids = await admin.post('/grids', {
    name: `${username}镇`,
    level: 'township',
    parentId: roots.get(tenant),
  });
  expect(grids.status).toBe(201);
  const village = await admin.post('/grids', {
    name: `${username}组`,
    level: 'village',
    parentId: grids.body.id,
  });
  expect(village.status).toBe(201);
  const created = await admin.post('/users', {
    username,
    displayName: username,
    role: 'grid_member',
    scope: [`grid:${village.body.id}`],
    password: TEST_PASSWORD,
  });
  expect(created.status).toBe(201);
  return {
    admin,
    person: created.body as { id: string; version: number },
    townshipId: grids.body.id as string,
  };
}

const me = (tenant: string, token: string) => clientFor(api.app, tenant, token).get('/me');

describe('authorization from the county’s records', () => {
  it('refuses a disabled person’s existing token at their next request', async () => {
    const { admin, person } = await newGridMember(linking, 'gone.member');
    const token = await api.login(linking, 'gone.member');
    expect((await me(linking, token)).status).toBe(200);
    const disabled = await admin.patch(`/users/${person.id}`, { enabled: false, version: person.version });
    expect(disabled.status).toBe(200);
    const after = await me(linking, token);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('account_disabled');
    expect(after.headers.get('content-type')).toContain('application/problem+json');
  });

  it('applies a role change at the person’s next request', async () => {
    const { admin, person, townshipId } = await newGridMember(linking, 'promoted.member');
    const member = clientFor(api.app, linking, await api.login(linking, 'promoted.member'));
    expect((await member.get('/users')).status).toBe(403);
    const changed = await admin.patch(`/users/${person.id}`, {
      role: 'township_officer',
      scope: [`grid:${townshipId}`],
      version: person.version,
    });
    expect(changed.status).toBe(200);
    expect((await member.get('/me')).body).toMatchObject({
      role: 'township_officer',
      scope: [`grid:${townshipId}`],
    });
  });

  it('lets another process keep a disabled person for at most its 60-second cache, then refuses them', async () => {
    let now = Date.now();
    const otherProcess = createApp({ ...api.deps, people: new PersonCache(60_000, () => now) });
    const { admin, person } = await newGridMember(linking, 'elsewhere.member');
    const token = await api.login(linking, 'elsewhere.member');
    const there = () =>
      otherProcess.request(`/t/${linking}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await there()).status).toBe(200);
    await admin.patch(`/users/${person.id}`, { enabled: false, version: person.version });
    expect((await me(linking, token)).status).toBe(401);
    expect((await there()).status).toBe(200);
    now += 60_001;
    expect((await there()).status).toBe(401);
  });

  it('gives the session the person’s own id, not the provider’s subject', async () => {
    const { person } = await newGridMember(linking, 'id.member');
    const session = await api.app.request(`/t/${linking}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'id.member', password: TEST_PASSWORD }),
    });
    const body = (await session.json()) as { accessToken: string; user: { id: string } };
    expect(body.user.id).toBe(person.id);
    const sub = JSON.parse(Buffer.from(body.accessToken.split('.')[1]!, 'base64url').toString()).sub;
    expect(body.user.id).not.toBe(sub);
    expect((await me(linking, body.accessToken)).body.id).toBe(person.id);
  });

  it('refuses a directory account that has no person in the county, with 403 not_linked', async () => {
    await api.deps.identity.createUser(`${linking}:no.record`, TEST_PASSWORD, {});
    const { accessToken } = await api.deps.identity.login(`${linking}:no.record`, TEST_PASSWORD);
    const answer = await me(linking, accessToken);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('not_linked');
    expect(answer.body.detail).toMatch(/county administrator/);
  });
});

describe('refusals', () => {
  it('logs each refused token with the county, the provider and the subject', async () => {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      ...api.deps.logger,
      warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }),
    };
    const logged = createApp({ ...api.deps, logger });
    const token = await signSecond({ sub: 'p-logged', username: `${passwordOnly}:county.admin` });
    const answer = await logged.request(`/t/${passwordOnly}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(401);
    expect(warnings).toContainEqual({
      message: expect.stringContaining('does not accept'),
      fields: expect.objectContaining({ tenant: passwordOnly, provider: SECOND.id, sub: 'p-logged' }),
    });
  });
});

describe('several providers per county', () => {
  it('answers auth-config per county: the password form, and code-flow providers only where accepted', async () => {
    const here = await api.app.request(`/t/${linking}/api/v1/auth-config`);
    expect(here.status).toBe(200);
    expect(await here.json()).toEqual({
      passwordLogin: true,
      providers: [{ id: SECOND.id, name: SECOND.name, issuer: secondIssuer, clientId: SECOND.clientId }],
    });
    const there = await api.app.request(`/t/${passwordOnly}/api/v1/auth-config`);
    expect(await there.json()).toEqual({ passwordLogin: true, providers: [] });
  });

  it('refuses a token of a provider the county does not accept with 401', async () => {
    const token = await signSecond({ sub: 'p-untrusted', username: `${passwordOnly}:county.admin` });
    const answer = await me(passwordOnly, token);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('provider_not_accepted');
  });

  it('links a first login by the tenant-qualified username once, then knows the subject', async () => {
    const { person } = await newGridMember(linking, 'linked.member');
    const first = await me(
      linking,
      await signSecond({ sub: 'p-linked-1', username: `${linking}:linked.member` }),
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: person.id, username: 'linked.member', role: 'grid_member' });
    // Known now by its subject alone: the username claim no longer matters.
    const again = await me(linking, await signSecond({ sub: 'p-linked-1', username: 'anything' }));
    expect(again.body.id).toBe(person.id);
    const trail = await readAuditTrail(
      new TenantStore(api.deps.documentClient, api.tableName, linking),
      'user',
      person.id,
    );
    expect(trail.filter((event) => event.action === 'linked')).toHaveLength(1);
    // A second account of the same provider claiming the same person links nobody.
    const impostor = await me(
      linking,
      await signSecond({ sub: 'p-linked-2', username: `${linking}:linked.member` }),
    );
    expect(impostor.status).toBe(403);
    expect(impostor.body.code).toBe('not_linked');
  });

  it('never links by another county’s username, even where a person of that name exists', async () => {
    const token = await signSecond({ sub: 'p-foreign', username: `${linking}:county.admin` });
    const answer = await me(neighbour, token);
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('not_linked');
  });

  it('never links by a claim that is not the provider’s username claim', async () => {
    await newGridMember(linking, 'claim.member');
    const token = await signSecond({ sub: 'p-claim', preferred_username: `${linking}:claim.member` });
    expect((await me(linking, token)).body.code).toBe('not_linked');
  });

  it('never links a disabled person', async () => {
    const { admin, person } = await newGridMember(linking, 'off.member');
    await admin.patch(`/users/${person.id}`, { enabled: false, version: person.version });
    const token = await signSecond({ sub: 'p-off', username: `${linking}:off.member` });
    expect((await me(linking, token)).status).toBe(403);
  });

  it('refuses a second-provider token without its audience, or shaped as an ID token, with 401', async () => {
    await newGridMember(linking, 'aud.member');
    const claims = { sub: 'p-aud', username: `${linking}:aud.member` };
    expect((await me(linking, await signSecond({ ...claims, aud: 'another-api' }))).status).toBe(401);
    expect((await me(linking, await signSecond(claims, { typ: 'JWT' }))).status).toBe(401);
    expect((await me(linking, await signSecond({ ...claims, client_id: 'another-client' }))).status).toBe(
      401,
    );
    expect((await me(linking, await signSecond(claims))).status).toBe(200);
  });
});

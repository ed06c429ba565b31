import type { AuthProvider } from '@gridsafe/core';
import { test as base, describe, expect } from 'vitest';
import { clientFor, startTestApi, uniqueTenant } from '../support/harness.ts';
import { bareCounty, startJwksIssuer } from '../support/test-issuers.ts';

/**
 * A county of a China cell: its people sign in only at the operator's OpenID provider (played here by a key pair
 * and a JWKS served over HTTP), so the county keeps no passwords and no directory accounts. The county admin
 * creates people in the county's records; each links at the first login by the provider's username claim.
 */
const county = uniqueTenant('cn');

const PROVIDER: Omit<AuthProvider, 'issuer' | 'jwksUrl'> = {
  id: 'oidc',
  name: '统一身份认证登录',
  clientId: 'gridsafe-web',
  audience: 'urn:gridsafe:county-api',
  usernameClaim: 'gridsafe_username',
  passwordLogin: false,
  codeFlow: true,
};

/** The provider, the app that accepts only it, and the county's first admin, built once for the file. */
const it = base
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern (none).
  .extend('provider', { scope: 'file' }, async ({}, { onCleanup }) => {
    const provider = await startJwksIssuer('cn-1', PROVIDER);
    onCleanup(() => provider.close());
    return provider;
  })
  .extend('api', { scope: 'file' }, async ({ provider }) => {
    const api = await startTestApi({
      tenants: [county],
      authProviders: () => ({
        providers: [{ ...PROVIDER, issuer: provider.issuer, jwksUrl: provider.jwksUrl }],
        counties: {},
        defaultAccepted: [PROVIDER.id],
      }),
    });
    // The first admin as onboarding makes one: a record of the county (its directory account is never used).
    await bareCounty(api, county, { name: '平罗县', code: '640221' });
    return api;
  })
  /** A client for whoever the provider signs in with this subject and username. */
  .extend(
    'asSubject',
    { scope: 'file' },
    ({ api, provider }) =>
      async (sub: string, username: string) =>
        clientFor(api.app, county, await provider.sign({ sub, gridsafe_username: `${county}:${username}` })),
  );
it.beforeAll(async ({ api }) => void api, 60_000);

describe('a county that signs in only at its OpenID provider', () => {
  it('offers no password form, only the provider', async ({ api }) => {
    const config = await api.app.request(`/t/${county}/api/v1/auth-config`);
    expect(await config.json()).toMatchObject({
      passwordLogin: false,
      providers: [{ id: 'oidc', name: '统一身份认证登录' }],
    });
  });

  it('creates people in its records only, and refuses a password naming the field', async ({ asSubject }) => {
    const admin = await asSubject('cn-admin', 'county.admin');
    expect((await admin.get('/me')).status).toBe(200);

    const withPassword = await admin.post('/users', {
      username: 'li.ming',
      displayName: '李明',
      role: 'county_admin',
      password: 'Handed-over-2026',
    });
    expect(withPassword.status).toBe(400);
    expect(withPassword.body.errors.map((e: { path: string }) => e.path)).toEqual(['password']);
    expect((await admin.get('/users')).body.items.map((u: { username: string }) => u.username)).not.toContain(
      'li.ming',
    );

    const created = await admin.post('/users', {
      username: 'li.ming',
      displayName: '李明',
      role: 'county_admin',
    });
    expect(created.status).toBe(201);
    expect(created.body.identities ?? []).toEqual([]);

    // The person's provider account links at their first login, by the operator-written username claim.
    const person = await asSubject('cn-li-ming', 'li.ming');
    const me = await person.get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: created.body.id, username: 'li.ming', role: 'county_admin' });

    // Disabling needs no directory either: the record decides, at the person's next request.
    // (Linking wrote the person's record, so it is at a later version than the one created.)
    const { version } = (await admin.get(`/users/${created.body.id}`)).body;
    expect(version).toBeGreaterThan(created.body.version);
    const disabled = await admin.patch(`/users/${created.body.id}`, { enabled: false, version });
    expect(disabled.status).toBe(200);
    const refused = await person.get('/me');
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('account_disabled');
  });
});

import { DirectoryRepository, TenantStore } from '@gridsafe/db';
import { poolUsername, totpCode } from '@gridsafe/identity';
import { describe, expect, it } from 'vitest';
import { startTestApi, TEST_PASSWORD, uniqueTenant } from '../support/harness.ts';
import { createPerson, formerPoolOf } from '../support/people.ts';

/**
 * A Cognito cell moving to county directories (cells.json `identity: { kind: "directory", formerPool: true }`):
 * its people already have pool accounts and person records linked to the pool. At their first sign-in after the
 * move the county's directory asks the pool once, keeps the password the pool accepted, and never asks again.
 */
describe('a county moving from its Cognito pool to its own directory', () => {
  const tenant = uniqueTenant('cdm');

  async function setUp() {
    const api = await startTestApi({ tenants: [tenant], identity: 'county-directory', formerPool: true });
    // Made before the move: a pool account, and the county's record linked to it.
    const { pool, before } = formerPoolOf(api);
    const signIn = async (username: string, password: string) => {
      const response = await api.app.request(`/t/${tenant}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const answer = async (body: Record<string, unknown>) => {
      const response = await api.app.request(`/t/${tenant}/api/v1/session/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const accounts = new DirectoryRepository(new TenantStore(api.deps.documentClient, api.tableName, tenant));
    return { api, pool, before, signIn, answer, accounts };
  }
  const world = setUp();

  it('signs a person in with their pool password once, keeps it, and no longer needs the pool', async () => {
    const { pool, before, signIn, accounts } = await world;
    await createPerson(before, tenant, 'moved.member', 'grid_member', [], TEST_PASSWORD);
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.member'))).toBeUndefined();
    expect((await signIn('moved.member', 'Wrong-password-2026')).status).toBe(401);
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.member'))).toBeUndefined();

    const first = await signIn('moved.member', TEST_PASSWORD);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.user).toMatchObject({ username: 'moved.member', role: 'grid_member' });
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.member'))).toMatchObject({ enabled: true });
    // The pool account can go: the person's password is the county's now.
    await pool.setEnabled(poolUsername(tenant, 'moved.member'), false);
    const later = await signIn('moved.member', TEST_PASSWORD);
    expect(later.status).toBe(200);
    expect(later.body.user.id).toBe(first.body.user.id);
  });

  it('asks a person with TOTP in the pool for their code before it keeps their account', async () => {
    const { pool, before, signIn, answer, accounts } = await world;
    await createPerson(before, tenant, 'moved.totp', 'grid_member', [], TEST_PASSWORD);
    const poolTokens = await pool.login(poolUsername(tenant, 'moved.totp'), TEST_PASSWORD);
    const secret = await pool.associateSoftwareToken(poolTokens.accessToken);
    await pool.verifySoftwareToken(poolTokens.accessToken, totpCode(secret));

    const first = await signIn('moved.totp', TEST_PASSWORD);
    expect(first.body).toEqual({ challenge: 'SOFTWARE_TOKEN_MFA', session: expect.any(String) });
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.totp'))).toBeUndefined();
    const wrong = await answer({
      session: first.body.session,
      code: totpCode(secret, new Date(Date.now() - 600_000)),
    });
    expect(wrong.status).toBe(401);
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.totp'))).toBeUndefined();
    const again = await signIn('moved.totp', TEST_PASSWORD);
    const done = await answer({ session: again.body.session, code: totpCode(secret) });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(await accounts.getAccount(poolUsername(tenant, 'moved.totp'))).toMatchObject({ enabled: true });
  });

  it('keeps a handed-over pool password temporary: it must still be replaced at the first sign-in', async () => {
    const { before, signIn, answer } = await world;
    await createPerson(before, tenant, 'moved.new', 'grid_member', [], 'Handed-over-2026', {
      temporary: true,
    });
    const first = await signIn('moved.new', 'Handed-over-2026');
    expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
    const done = await answer({ session: first.body.session, newPassword: 'Chosen-by-me-2026' });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect((await signIn('moved.new', 'Handed-over-2026')).status).toBe(401);
    expect((await signIn('moved.new', 'Chosen-by-me-2026')).status).toBe(200);
  });
});

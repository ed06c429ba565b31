import { AdjustableClock } from '@gridsafe/core';
import { totpCode } from '@gridsafe/identity';
import { describe, expect } from 'vitest';
import { platformPoolUsername } from '../../packages/api/src/platform/platform-identity.ts';
import { enrolOperatorTotp } from '../../scripts/seed/seed-platform.ts';
import { countyTest, type TestApi } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD, TEST_PASSWORD } from '../support/harness.ts';
import { call } from '../support/reliability/client.ts';
import { fillPath, loadOperations } from '../support/reliability/openapi-routes.ts';

const clock = new AdjustableClock();

/** A vendor operator of the cell, logged in with its TOTP code: its access token. */
async function operatorToken(api: TestApi): Promise<string> {
  const operatorName = `op${Date.now().toString(36)}`;
  const operator = platformPoolUsername(operatorName);
  // Operators live in the cell's directory itself, which no county's user-administration path reaches.
  await api.deps.cellDirectory.createUser(operator, TEST_PASSWORD, {});
  // Operators have TOTP: enrolled as the seed does, then a login answered with a code.
  const secret = await enrolOperatorTotp(api.deps.cellDirectory, {
    username: operatorName,
    password: TEST_PASSWORD,
  });
  const step = await api.deps.cellDirectory.startLogin(operator, TEST_PASSWORD);
  if (!('challenge' in step)) throw new Error('an operator login must ask for a code');
  const answered = await api.deps.cellDirectory.answerChallenge(operator, step.challenge, step.session, {
    code: totpCode(secret ?? ''),
  });
  if (!('tokens' in answered)) throw new Error('the code did not finish the login');
  return answered.tokens.accessToken;
}

const it = countyTest({ prefix: 'va', neighbour: { prefix: 'vb', shape: 'taihe' }, clock })
  .extend('vendorToken', { scope: 'file' }, ({ api }) => operatorToken(api))
  /** The vendor operator's client in one county. */
  .extend(
    'vendorIn',
    { scope: 'file' },
    ({ api, vendorToken }) =>
      (tenant: string) =>
        clientFor(api.app, tenant, vendorToken),
  )
  .extend(
    'adminOf',
    { scope: 'file' },
    ({ api }) =>
      async (tenant: string) =>
        clientFor(api.app, tenant, await api.login(tenant, 'county.admin', DEMO_LOGIN_PASSWORD)),
  );

describe('the vendor’s access to a county', () => {
  it('is refused with 403 on every documented operation of a county that has granted nothing', async ({
    api,
    neighbour,
    vendorToken,
  }) => {
    const { operations } = await loadOperations(api.app, neighbour.tenant);
    const failures: string[] = [];
    for (const op of operations.filter((operation) => !operation.public)) {
      const params = Object.fromEntries(op.pathParams.map((name) => [name, neighbour.unit(1)]));
      const answer = await call(
        api.app,
        op.method,
        `/t/${neighbour.tenant}/api/v1${fillPath(op.path, params)}`,
        {
          token: vendorToken,
          ...(op.body && op.body.contentType === 'application/json' ? { body: {} } : {}),
        },
      );
      if (answer.status !== 403) failures.push(`${op.name}: ${answer.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('is refused before the county admin grants it', async ({ county, vendorIn }) => {
    expect((await vendorIn(county.tenant).get(`/grids/${county.county}`)).status).toBe(403);
    expect((await vendorIn(county.tenant).get('/units')).status).toBe(403);
  });

  it('reads the whole county while a grant is in force, and every read is logged in the county', async ({
    county,
    neighbour,
    vendorIn,
    adminOf,
  }) => {
    const admin = await adminOf(county.tenant);
    const granted = await admin.post('/vendor-access-grants', { hours: 2, reason: '核对隐患统计' });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ active: true, reason: '核对隐患统计', version: 1 });
    const vendor = vendorIn(county.tenant);
    expect((await vendor.get(`/grids/${county.county}/stats`)).status).toBe(200);
    expect((await vendor.get(`/units/${county.unit(13)}`)).status).toBe(200);
    expect((await vendor.get(`/grids/${county.township2}`)).status).toBe(200);
    // Reads only: no write, however harmless.
    expect((await vendor.post('/departments', { name: '供应商局', industries: [] })).status).toBe(403);
    // The county's own admin data stays the admin's.
    expect((await vendor.get('/login-events')).status).toBe(403);
    expect((await vendor.get('/vendor-access-grants')).status).toBe(403);
    // A grant of one county opens no other.
    expect((await vendorIn(neighbour.tenant).get(`/grids/${neighbour.county}`)).status).toBe(403);

    const log = await admin.get('/login-events?limit=100');
    const reads = (log.body.items as { kind: string; detail?: string }[]).filter(
      (e) => e.kind === 'vendor_read',
    );
    expect(reads.map((e) => e.detail?.split(' grant=')[0])).toEqual(
      expect.arrayContaining([
        `GET /grids/${county.county}/stats`,
        `GET /units/${county.unit(13)}`,
        `GET /grids/${county.township2}`,
      ]),
    );
  });

  it('ends when the county admin revokes the grant', async ({ county, vendorIn, adminOf }) => {
    const admin = await adminOf(county.tenant);
    const list = await admin.get('/vendor-access-grants');
    const active = list.body.items.find((grant: { active: boolean }) => grant.active);
    const revoked = await admin.delete(`/vendor-access-grants/${active.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ active: false, revokedBy: { username: 'county.admin' } });
    expect((await admin.delete(`/vendor-access-grants/${active.id}`)).status).toBe(409);
    expect((await vendorIn(county.tenant).get(`/grids/${county.county}`)).status).toBe(403);
  });

  it('ends by itself when its hours have passed', async ({ county, vendorIn, adminOf }) => {
    const admin = await adminOf(county.tenant);
    expect((await admin.post('/vendor-access-grants', { hours: 1, reason: '远程支持' })).status).toBe(201);
    expect((await vendorIn(county.tenant).get(`/grids/${county.county}`)).status).toBe(200);
    clock.advance(60 * 60_000 + 1_000);
    expect((await vendorIn(county.tenant).get(`/grids/${county.county}`)).status).toBe(403);
  });

  it('admits no county user given the vendor role by mistake, grant or not', async ({
    api,
    county,
    adminOf,
  }) => {
    const admin = await adminOf(county.tenant);
    expect((await admin.post('/vendor-access-grants', { hours: 1, reason: '误配测试' })).status).toBe(201);
    await api.createUser(county.tenant, 'misprovisioned', 'vendor_operator');
    const token = await api.login(county.tenant, 'misprovisioned', TEST_PASSWORD);
    expect((await clientFor(api.app, county.tenant, token).get(`/grids/${county.county}`)).status).toBe(403);
  });

  it('is granted and listed by the county admin only, for 1 to 72 hours with a reason', async ({
    api,
    county,
    adminOf,
  }) => {
    const admin = await adminOf(county.tenant);
    for (const body of [
      { hours: 0, reason: 'x' },
      { hours: 73, reason: 'x' },
      { hours: 2, reason: '' },
    ]) {
      const answer = await admin.post('/vendor-access-grants', body);
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0].path).toMatch(/^(hours|reason)$/);
    }
    const member = clientFor(
      api.app,
      county.tenant,
      await api.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD),
    );
    expect((await member.post('/vendor-access-grants', { hours: 2, reason: 'x' })).status).toBe(403);
    expect((await member.get('/vendor-access-grants')).status).toBe(403);
  });
});

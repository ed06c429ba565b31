import {
  CreateUnitSchema,
  makeCreditCode,
  type NotificationMessage,
  type Principal,
  type User,
  ulidSource,
} from '@gridsafe/core';
import {
  IdempotencyStore,
  migrateCountyToPersonIds,
  NotificationInbox,
  NotificationRepository,
  readAuditTrail,
  SubjectLinkRepository,
  type TenantStore,
  UserRepository,
} from '@gridsafe/db';
import { poolUsername } from '@gridsafe/identity';
import { describe, expect } from 'vitest';
import * as z from 'zod/mini';
import { countyTest, type TestApi } from '../support/fixtures.ts';
import { clientFor, type SeededCounty, TEST_PASSWORD } from '../support/harness.ts';

/**
 * A county deployed before person ids holds people with only the directory's `sub`, and data keyed by it.
 * After `npm run migrate` (migrateCountyToPersonIds) those people log in as before, under their person id,
 * and find what they had: their read marks, and the first answer to a write their phone is still retrying.
 */
const NOTICE_ID = ulidSource.next();

/**
 * A county admin as the API before person ids stored them (a `sub`, no identities, so no subject link), with a
 * notice they had read under that `sub`.
 */
async function veteranAdmin(api: TestApi, county: SeededCounty, store: TenantStore): Promise<User> {
  const { tenant } = county;
  const { sub } = await api.deps.identity.createUser(
    poolUsername(tenant, 'veteran.admin'),
    TEST_PASSWORD,
    {},
  );
  const now = new Date().toISOString();
  // The shape of a record written before person ids: `sub`, no identities, so no subject link.
  const veteran: User = {
    id: ulidSource.next(),
    username: 'veteran.admin',
    displayName: '老管理员',
    role: 'county_admin',
    scope: [`grid:${county.county}`],
    enabled: true,
    sub,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const system: Principal = {
    userId: 'system',
    username: 'old-api',
    tenant,
    role: 'county_admin',
    grants: [],
  };
  await new UserRepository(store).create(veteran, { principal: system, now: new Date() });
  const notifications = new NotificationRepository(store);
  const notice: NotificationMessage = {
    id: NOTICE_ID,
    recipient: { kind: 'grid', id: county.county },
    topic: 'hazard_escalated',
    subject: { type: 'hazard', id: ulidSource.next() },
    title: '隐患升级',
    body: '一处隐患已升级到县。',
    createdAt: '2026-11-30T08:00:00.000Z',
  };
  await store.transact(notifications.puts([notice]));
  await notifications.markRead(sub, notice, new Date());
  return veteran;
}

const it = countyTest({ prefix: 'mig', shape: 'linquan' })
  .extend('veteran', { scope: 'file' }, ({ api, county, store }) => veteranAdmin(api, county, store))
  .extend('tenant', { scope: 'file' }, ({ county }) => county.tenant);

describe('the migration to person ids', () => {
  it('links every person from their stored sub, once, audited as linked', async ({
    store,
    veteran,
    tenant,
  }) => {
    expect(
      await new SubjectLinkRepository(store).get({ provider: 'cognito', subject: veteran.sub! }),
    ).toBeUndefined();
    const first = await migrateCountyToPersonIds(store, 'cognito', new Date());
    expect(first).toMatchObject({ tenant, linked: 1, readMarks: 1 });
    const again = await migrateCountyToPersonIds(store, 'cognito', new Date());
    expect(again.linked).toBe(0);
    const link = await new SubjectLinkRepository(store).get({ provider: 'cognito', subject: veteran.sub! });
    expect(link).toMatchObject({
      userId: veteran.id,
      role: 'county_admin',
      enabled: true,
      legacySubject: veteran.sub,
    });
    const trail = await readAuditTrail(store, 'user', veteran.id);
    expect(trail.filter((event) => event.action === 'linked')).toHaveLength(1);
  });

  it('lets the person log in as before, known by their person id', async ({ api, veteran, tenant }) => {
    const token = await api.login(tenant, 'veteran.admin');
    const me = await clientFor(api.app, tenant, token).get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: veteran.id, username: 'veteran.admin', role: 'county_admin' });
  });

  it('keeps a notice read that the person had read under their sub', async ({ county, store, veteran }) => {
    const inbox = await new NotificationInbox(store).listInbox(
      veteran.id,
      [{ kind: 'grid', id: county.county }],
      { limit: 10 },
    );
    expect(inbox.items.find((item) => item.id === NOTICE_ID)?.read).toBe(true);
  });

  it('answers a write queued on a phone before the migration with its first answer, not a second unit', async ({
    api,
    county,
    store,
    veteran,
    tenant,
  }) => {
    const body = {
      name: '迁移前排队的单位',
      creditCode: makeCreditCode('91341221', 88_001),
      industry: 'gas',
      gridId: county.village1,
    };
    const firstAnswer = { id: ulidSource.next(), name: body.name, version: 1 };
    const key = 'queued-before-migration';
    // What the old API stored when it accepted the write: its idempotency record under `units:<sub>`.
    await store.transact([
      new IdempotencyStore(store).record(
        `units:${veteran.sub}`,
        key,
        // The API fingerprints the body as its validator parsed it (asynchronously, which orders keys its way).
        IdempotencyStore.fingerprint((await z.safeParseAsync(CreateUnitSchema, body)).data),
        { status: 201, body: firstAnswer },
        new Date(),
      ),
    ]);
    const admin = clientFor(api.app, tenant, await api.login(tenant, 'veteran.admin'));
    const retried = await admin.post('/units', body, { 'idempotency-key': key });
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    // The first answer, as units read today: a unit stored before the lifecycle reads as active.
    expect(retried.body).toEqual({ ...firstAnswer, status: 'active' });
    const units = await admin.get(`/units?grid=${county.village1}&limit=100`);
    expect(units.body.items.some((unit: { name: string }) => unit.name === body.name)).toBe(false);
  });
});

import { chinaDay } from '@gridsafe/core';
import { createDocumentClient } from '@gridsafe/db';
import { describe, expect, inject } from 'vitest';
import { TAIHE } from '../../scripts/seed/demo-data.ts';
import { seedCountyAtSize } from '../../scripts/seed/seed-county-at-size.ts';
import { sizedInactiveUnits } from '../../scripts/seed/taihe-size.ts';
import { countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { countyClient } from '../support/reliability/client.ts';
import { recountAgainstCounters } from '../support/reliability/consistency.ts';

/** Seeding 8,500 units, 2,800 points with photos and a quarter of hazards and patrols takes minutes under load. */
const SEED_TIMEOUT_MS = 900_000;
const ALL_TIME = `from=2020-01-01&to=${chinaDay(new Date())}`;

const base = countyTest({ prefix: 'size' });
/** The file's county taken to Taihe's size by the seeder `npm start` runs, as `npm start` runs it. */
const it = base.extend('sized', { scope: 'file' }, async ({ api, county }) => {
  const target = {
    // A seeder's client (long timeouts), as the local stack gives the seeder.
    client: createDocumentClient({
      endpoint: inject('services').dynamoEndpoint,
      requestTimeoutMs: 60_000,
      maxAttempts: 5,
    }),
    tableName: api.tableName,
    identity: api.deps.identity,
    passwordProvider: 'unused: the sized seed adds no people',
    evidence: { client: api.s3, bucket: api.bucket },
  };
  const first = await seedCountyAtSize(target, { ...TAIHE, tenant: county.tenant });
  return { target, first };
});

describe('the demo county at Taihe’s size', () => {
  it('reports upward exactly the risk points Taihe reported', { timeout: SEED_TIMEOUT_MS }, async ({
    sized,
    admin,
  }) => {
    expect(sized.first.present).toBe(false);
    const { body, status } = await admin.get(`/statistics?${ALL_TIME}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.riskPoints.filed).toMatchObject({
      red: 12,
      orange: 120,
      yellow: 489,
      blue: 1_386,
      ungraded: 377,
      total: 2_384,
    });
    expect(body.riskPoints.inReview).toBe(300);
    expect(body.summary).toContain('已上报备案风险点2684个');
    expect(body.summary).toContain('红色12个');
    // One row per township-level grid, the development zone and the demo's four included.
    expect(body.rows).toHaveLength(32);
    expect(body.rows.map((row: { name: string }) => row.name)).toEqual(
      expect.arrayContaining(['城关镇', '太和经济开发区', '皮条孙镇', '赵集乡']),
    );
    expect(body.hazards.found).toBeGreaterThanOrEqual(700);
    expect(body.hazards.rectified).toBeGreaterThan(body.hazards.found / 2);
    expect(body.patrols.done).toBeGreaterThanOrEqual(1_000);
  });

  it('has Taihe’s grids, departments and units, and every counter agrees with a recount of the records', {
    timeout: SEED_TIMEOUT_MS,
  }, async ({ sized, api, county }) => {
    void sized;
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const admin = countyClient(api.app, county.tenant, token);
    const departments = await admin.all('/departments');
    expect(departments).toHaveLength(23);
    const report = await recountAgainstCounters(admin, county.county);
    expect(report.mismatches).toEqual([]);
    // The county, 32 townships and 314 villages; 8,500 units; 2,684 reported points and the drafts.
    expect(report.nodes).toBe(1 + 32 + 314);
    expect(report.units).toBe(8_500);
    expect(report.points).toBeGreaterThan(2_684);
  });

  it('the quarter’s hazards and patrols, written in bulk, keep every step in an intact audit chain', {
    timeout: SEED_TIMEOUT_MS,
  }, async ({ sized, admin }) => {
    void sized;
    const checked: string[] = [];
    const mismatches: string[] = [];
    const verify = async (collection: 'hazards' | 'patrols', id: string, atLeast: number) => {
      const { status, body } = await admin.get(`/${collection}/${id}/audit`);
      checked.push(id);
      if (status !== 200) mismatches.push(`${collection}/${id}: audit answered ${status}`);
      else if (!body.chain.intact || body.chain.length !== body.items.length || body.items.length < atLeast) {
        mismatches.push(`${collection}/${id}: chain ${JSON.stringify(body.chain)} over ${body.items.length}`);
      }
    };
    // A closed hazard went through at least its creation, its rectification and its closing; a done patrol
    // through its scheduling and its completion.
    const closed = await admin.get('/hazards?status=closed&limit=30');
    expect(closed.status).toBe(200);
    expect(closed.body.items.length).toBeGreaterThan(0);
    for (const hazard of closed.body.items) await verify('hazards', hazard.id, 2);
    const done = await admin.get('/patrols?status=done&limit=30');
    expect(done.status).toBe(200);
    expect(done.body.items.length).toBeGreaterThan(0);
    for (const patrol of done.body.items) await verify('patrols', patrol.id, 2);
    expect(mismatches).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(2);
  });

  it('a second start adds nothing', { timeout: SEED_TIMEOUT_MS }, async ({ sized, admin, county }) => {
    const again = await seedCountyAtSize(sized.target, { ...TAIHE, tenant: county.tenant });
    expect(again.present).toBe(true);
    const { body } = await admin.get(`/grids/${county.county}/stats`);
    // Every unit but the few the sized seed suspends or closes (only active units are counted).
    const firstSized =
      TAIHE.townships.reduce((sum, t) => sum + t.villages.length, 0) * TAIHE.unitsPerVillage + 1;
    expect(body.units).toBe(8_500 - sizedInactiveUnits(firstSized));
    expect(body.riskPoints.byStatus.filed).toBe(2_384);
  });
});

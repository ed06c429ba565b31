import { CREDIT_LEVELS, DEFAULT_CREDIT_RULES, verifyAuditChain } from '@gridsafe/core';
import { readAuditTrail } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';

const it = countyTest({ prefix: 'cr', neighbour: { prefix: 'cn' } });

interface Rating {
  level: string;
  score: number;
  rulesVersion: number;
  reasons: { code: string; count: number; points: number }[];
}

async function creditOf(client: Client, unitId: string) {
  const answer = await client.get(`/units/${unitId}/credit`);
  expect(answer.status).toBe(200);
  return answer.body as { current: Rating & { version: number; patrolDays: number }; history: Rating[] };
}

/** A unit of the grid member's village (the seed's first). */
const quietUnit = (county: { unit: (serial: number) => string }) => county.unit(1);

describe('unit credit ratings', () => {
  it('rates every seeded unit and explains each rating by its reasons', async ({ admin }) => {
    const units = await everyItem(admin, '/units?include=credit');
    expect(units.length).toBeGreaterThan(10);
    expect(units.every((unit) => CREDIT_LEVELS.includes(unit.credit?.level))).toBe(true);
    const levels = new Set(units.map((unit) => unit.credit.level));
    expect(levels.size).toBeGreaterThan(1);
    for (const unit of units.slice(0, 8)) {
      const { current, history } = await creditOf(admin, unit.id);
      expect(current.level).toBe(unit.credit.level);
      // The score is 100 and the reasons' points (never outside 0–100).
      const sum = 100 + current.reasons.reduce((total, reason) => total + reason.points, 0);
      expect(current.score).toBe(Math.max(0, Math.min(100, sum)));
      if (current.level !== 'green') expect(current.reasons.length).toBeGreaterThan(0);
      expect(history[0]).toMatchObject({ level: current.level, score: current.score });
      expect(current.patrolDays).toBe(DEFAULT_CREDIT_RULES.patrolDays[current.level as 'red']);
    }
  });

  it('lowers a unit’s rating when a hazard is reported, keeps the old one and leaves the unit’s version alone', async ({
    admin,
    member,
    county,
    store,
  }) => {
    const unitId = quietUnit(county);
    const before = await creditOf(admin, unitId);
    const unitBefore = (await admin.get(`/units/${unitId}`)).body;
    const reported = await member.post('/hazards', {
      unitId,
      severity: 'major',
      title: '配电柜前堆放杂物',
    });
    expect(reported.status).toBe(201);
    const after = await creditOf(admin, unitId);
    expect(after.current.score).toBe(
      Math.max(0, before.current.score - DEFAULT_CREDIT_RULES.openHazard.major),
    );
    expect(after.current.reasons).toContainEqual(
      expect.objectContaining({ code: 'open_major_hazard', points: expect.any(Number) }),
    );
    expect(after.history).toHaveLength(before.history.length + 1);
    expect(after.history[1]).toMatchObject({ score: before.current.score, level: before.current.level });
    expect((await admin.get(`/units/${unitId}`)).body.version).toBe(unitBefore.version);
    // Every stored rating is an event on the rating's own audit chain, and the chain holds.
    const trail = await readAuditTrail(store, 'credit', unitId);
    expect(trail.length).toBe(after.history.length);
    expect(verifyAuditChain(trail).intact).toBe(true);
  });

  it('lists the units of one credit level, each with its badge', async ({ admin, township, county }) => {
    const all = await everyItem(admin, '/units?include=credit');
    for (const level of CREDIT_LEVELS) {
      const expected = all.filter((unit) => unit.credit.level === level).map((unit) => unit.id);
      const listed = await everyItem(admin, `/units?credit=${level}`);
      expect(listed.map((unit) => unit.id).sort()).toEqual(expected.sort());
      expect(listed.every((unit) => unit.credit.level === level)).toBe(true);
    }
    // A township officer's filter stays inside the township.
    const red = all.find((unit) => unit.credit.level !== 'green')!;
    const theirs = await everyItem(township, `/units?credit=${red.credit.level}`);
    expect(theirs.every((unit) => unit.gridPath.includes(county.township1))).toBe(true);
    expect((await admin.get('/units?credit=purple')).status).toBe(400);
  });

  it('answers each unit’s credit level on the map when asked', async ({ admin }) => {
    const points = await admin.get('/map/points?kind=unit&include=credit');
    expect(points.status).toBe(200);
    expect(points.body.items.length).toBeGreaterThan(0);
    expect(
      points.body.items.every((point: { credit?: string }) => CREDIT_LEVELS.includes(point.credit as 'red')),
    ).toBe(true);
    const plain = await admin.get('/map/points?kind=unit');
    expect(plain.body.items.every((point: { credit?: string }) => point.credit === undefined)).toBe(true);
  });

  it('shows a unit’s people their own rating, and nobody a rating outside their area or county', async ({
    unitUser,
    township,
    member,
    county,
    neighbour,
  }) => {
    const own = (await unitUser.get('/units')).body.items[0];
    expect((await unitUser.get(`/units/${own.id}/credit`)).status).toBe(200);
    expect((await unitUser.get(`/units/${county.unit(5)}/credit`)).status).toBe(403);
    const elsewhere = (await everyItem(township, '/units')).length;
    expect(elsewhere).toBeGreaterThan(0);
    expect((await member.get(`/units/${neighbour.unit(1)}/credit`)).status).toBe(404);
  });

  it('versions the county’s credit rules and rates by the new version at the next change', async ({
    admin,
    member,
    county,
  }) => {
    const current = (await admin.get('/settings/credit-rules')).body;
    expect(current).toMatchObject({ rules: DEFAULT_CREDIT_RULES, version: 0 });
    const bad = await admin.put('/settings/credit-rules', {
      rules: { ...current.rules, bands: { green: 60, blue: 75, yellow: 50 } },
      version: 0,
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('rules.bands.green');
    expect((await admin.get('/settings/credit-rules')).body.version).toBe(0);
    // Strict: every rule must mean something.
    expect((await member.put('/settings/credit-rules', { rules: current.rules })).status).toBe(403);

    const strict = { ...current.rules, openHazard: { general: 30, major: 45 } };
    const saved = await admin.put('/settings/credit-rules', { rules: strict, version: 0 });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(1);
    const stale = await admin.put('/settings/credit-rules', { rules: strict, version: 0 });
    expect(stale.status).toBe(409);

    const unitId = county.unit(2);
    const reported = await member.post('/hazards', { unitId, severity: 'general', title: '灭火器过期' });
    expect(reported.status).toBe(201);
    const { current: rating } = await creditOf(admin, unitId);
    expect(rating.rulesVersion).toBe(1);
    expect(rating.reasons).toContainEqual({
      code: 'open_general_hazard',
      count: expect.any(Number),
      points: expect.any(Number),
    });
    const general = rating.reasons.find((reason) => reason.code === 'open_general_hazard')!;
    expect(general.points).toBe(-30 * general.count);
  });
});

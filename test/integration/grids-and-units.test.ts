import { makeCreditCode } from '@gridsafe/core';
import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { clientFor } from '../support/harness.ts';

const it = countyTest({ prefix: 'gu', neighbour: { prefix: 'go' }, reportDynamoCalls: true });
let creditSerial = 5000;
const nextCreditCode = () => makeCreditCode('91341222', creditSerial++);

describe('grid tree', () => {
  it('lists a township’s villages as its children', async ({ county, admin }) => {
    const { status, body } = await admin.get(`/grids?parent=${county.township1}`);
    expect(status).toBe(200);
    expect(body.items.map((n: { name: string }) => n.name).sort()).toEqual(
      ['东关社区', '北关村', '南关村', '西关社区'].sort(),
    );
    expect(body.items.every((n: { level: string }) => n.level === 'village')).toBe(true);
  });

  it('reads a whole subtree in one query, parents before children', async ({ county, admin }) => {
    const { status, body, headers } = await admin.get(`/grids?within=${county.county}&limit=100`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1 + 4 + 13);
    expect(body.items[0].level).toBe('county');
    expect(Number(headers.get('x-dynamodb-calls'))).toBe(2);
  });

  it('creates a village, renames it with an audit event, and refuses a stale version with 409', async ({
    county,
    admin,
  }) => {
    const created = await admin.post('/grids', {
      name: '新建村',
      level: 'village',
      parentId: county.township1,
    });
    expect(created.status).toBe(201);
    expect(created.body.path).toBe(`${county.county}/${county.township1}/${created.body.id}`);
    const renamed = await admin.patch(
      `/grids/${created.body.id}`,
      { name: '新建村（改）' },
      { 'if-match': '1' },
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: '新建村（改）', version: 2 });
    const stale = await admin.patch(`/grids/${created.body.id}`, { name: '又改' }, { 'if-match': '1' });
    expect(stale.status).toBe(409);
    const audit = await admin.get(`/grids/${created.body.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);
    expect(audit.body.items[1].changes.name).toEqual({ before: '新建村', after: '新建村（改）' });
    expect(audit.body.chain).toEqual({ intact: true, length: 2 });
  });

  it('refuses a village placed directly under the county, naming the field', async ({ county, admin }) => {
    const { status, body } = await admin.post('/grids', {
      name: '错村',
      level: 'village',
      parentId: county.county,
    });
    expect(status).toBe(400);
    expect(body.errors[0].path).toBe('parentId');
  });

  it('moves a village with its units to another township and moves the counters with it', async ({
    county,
    admin,
  }) => {
    const village = await admin.post('/grids', {
      name: '搬迁村',
      level: 'village',
      parentId: county.township1,
    });
    const unit = await admin.post('/units', {
      name: '搬迁测试厂',
      creditCode: nextCreditCode(),
      industry: 'gas',
      gridId: village.body.id,
    });
    expect(unit.status).toBe(201);
    const before1 = (await admin.get(`/grids/${county.township1}/stats`)).body.units;
    const before2 = (await admin.get(`/grids/${county.township2}/stats`)).body.units;
    const countyBefore = (await admin.get(`/grids/${county.county}/stats`)).body.units;

    const moved = await admin.patch(`/grids/${village.body.id}`, { parentId: county.township2 });
    expect(moved.status).toBe(200);
    expect(moved.body.path).toBe(`${county.county}/${county.township2}/${village.body.id}`);

    expect((await admin.get(`/grids/${county.township1}/stats`)).body.units).toBe(before1 - 1);
    expect((await admin.get(`/grids/${county.township2}/stats`)).body.units).toBe(before2 + 1);
    expect((await admin.get(`/grids/${county.county}/stats`)).body.units).toBe(countyBefore);
    const movedUnit = await admin.get(`/units/${unit.body.id}`);
    expect(movedUnit.body.gridPath).toBe(moved.body.path);
    const listed = await admin.get(`/units?grid=${county.township2}&limit=100`);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(unit.body.id);
    const audit = await admin.get(`/grids/${village.body.id}/audit`);
    expect(audit.body.items.at(-1)).toMatchObject({ action: 'moved' });
  });

  it('moves a unit to another township with its risk points and open hazards, counters and audit trails following', async ({
    county,
    admin,
  }) => {
    const unit = await admin.post('/units', {
      name: '迁址测试厂',
      creditCode: nextCreditCode(),
      industry: 'gas',
      gridId: county.village1,
    });
    const point = await admin.post('/risk-points', {
      name: '迁址测试储罐',
      unitId: unit.body.id,
      industry: 'gas',
      location: { lat: 33.16, lng: 115.62 },
    });
    const hazard = await admin.post('/hazards', {
      unitId: unit.body.id,
      severity: 'general',
      title: '迁址测试隐患',
    });
    expect([unit.status, point.status, hazard.status]).toEqual([201, 201, 201]);
    const stats = async (grid: string) => (await admin.get(`/grids/${grid}/stats`)).body;
    const [oldVillage, newVillage, oldTownship, newTownship, wholeCounty] = await Promise.all(
      [county.village1, county.villageInTownship2, county.township1, county.township2, county.county].map(
        stats,
      ),
    );

    const moved = await admin.patch(`/units/${unit.body.id}`, {
      gridId: county.villageInTownship2,
      version: 1,
    });
    expect(moved.status).toBe(200);

    const movedPoint = await admin.get(`/risk-points/${point.body.id}`);
    expect(movedPoint.body).toMatchObject({
      gridId: county.villageInTownship2,
      gridPath: moved.body.gridPath,
    });
    expect(movedPoint.body.version).toBe(point.body.version + 1);
    const movedHazard = await admin.get(`/hazards/${hazard.body.id}`);
    expect(movedHazard.body).toMatchObject({
      gridId: county.villageInTownship2,
      gridPath: moved.body.gridPath,
    });
    const inNewVillage = await admin.get(`/risk-points?grid=${county.villageInTownship2}&limit=100`);
    expect(inNewVillage.body.items.map((p: { id: string }) => p.id)).toContain(point.body.id);
    const inOldVillage = await admin.get(`/risk-points?grid=${county.village1}&limit=100`);
    expect(inOldVillage.body.items.map((p: { id: string }) => p.id)).not.toContain(point.body.id);

    const [oldVillageAfter, newVillageAfter, oldTownshipAfter, newTownshipAfter, countyAfter] =
      await Promise.all(
        [county.village1, county.villageInTownship2, county.township1, county.township2, county.county].map(
          stats,
        ),
      );
    for (const [before, after, sign] of [
      [oldVillage, oldVillageAfter, -1],
      [oldTownship, oldTownshipAfter, -1],
      [newVillage, newVillageAfter, 1],
      [newTownship, newTownshipAfter, 1],
      [wholeCounty, countyAfter, 0],
    ] as const) {
      expect(after.units - before.units).toBe(sign);
      expect(after.riskPoints.total - before.riskPoints.total).toBe(sign);
      expect(after.hazards.open - before.hazards.open).toBe(sign);
    }
    const trail = await admin.get(`/risk-points/${point.body.id}/audit`);
    expect(trail.body.items.at(-1)).toMatchObject({ action: 'moved_with_unit' });
    expect(trail.body.chain).toMatchObject({ intact: true });
    const hazardTrail = await admin.get(`/hazards/${hazard.body.id}/audit`);
    expect(hazardTrail.body.items.at(-1)).toMatchObject({ action: 'moved_with_unit' });
  });

  it('keeps every node’s unit count equal to the sum of its children’s', async ({
    county,
    admin,
    township,
  }) => {
    const countyStats = (await admin.get(`/grids/${county.county}/stats`)).body;
    const townships = (await admin.get(`/grids?parent=${county.county}&limit=100`)).body.items;
    let sum = 0;
    for (const township of townships) {
      const townshipStats = (await admin.get(`/grids/${township.id}/stats`)).body;
      const villages = (await admin.get(`/grids?parent=${township.id}&limit=100`)).body.items;
      let villageSum = 0;
      for (const village of villages)
        villageSum += (await admin.get(`/grids/${village.id}/stats`)).body.units;
      expect(townshipStats.units).toBe(villageSum);
      sum += townshipStats.units;
    }
    expect(countyStats.units).toBe(sum);
  });
});

describe('units', () => {
  it('derives the supervising department from the industry, and keeps an explicit override', async ({
    county,
    admin,
  }) => {
    const derived = await admin.post('/units', {
      name: '某加油站',
      creditCode: nextCreditCode(),
      industry: 'gas_station',
      gridId: county.village1,
    });
    expect(derived.status).toBe(201);
    expect(derived.body).toMatchObject({ departmentId: county.commerceDept, departmentOverridden: false });
    const overridden = await admin.post('/units', {
      name: '某加油站二',
      creditCode: nextCreditCode(),
      industry: 'gas_station',
      gridId: county.village1,
      departmentId: county.emergencyDept,
    });
    expect(overridden.body).toMatchObject({ departmentId: county.emergencyDept, departmentOverridden: true });
    const cleared = await admin.patch(`/units/${overridden.body.id}`, { departmentId: null });
    expect(cleared.body).toMatchObject({ departmentId: county.commerceDept, departmentOverridden: false });
  });

  it('round-trips Chinese text exactly', async ({ county, admin }) => {
    const name = '太和县「安全」化工有限公司（第二分厂）·𠀀';
    const created = await admin.post('/units', {
      name,
      creditCode: nextCreditCode(),
      industry: 'hazardous_chemicals',
      gridId: county.village1,
      address: '城关镇东关社区人民路１２号',
    });
    const read = await admin.get(`/units/${created.body.id}`);
    expect(read.body.name).toBe(name);
    expect(read.body.address).toBe('城关镇东关社区人民路１２号');
  });

  it('answers 400 naming each bad field, rejects unknown fields, and writes nothing', async ({
    county,
    admin,
  }) => {
    const before = (await admin.get(`/grids/${county.village1}/stats`)).body.units;
    const { status, body } = await admin.post('/units', {
      name: '',
      creditCode: '91341222000000019X',
      industry: 'Gas Station',
      gridId: 'not-an-id',
      colour: 'red',
    });
    expect(status).toBe(400);
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'colour',
      'creditCode',
      'gridId',
      'industry',
      'name',
    ]);
    expect((await admin.get(`/grids/${county.village1}/stats`)).body.units).toBe(before);
  });

  it('refuses a second unit with the same credit code', async ({ county, admin }) => {
    const code = nextCreditCode();
    expect(
      (
        await admin.post('/units', {
          name: '甲厂',
          creditCode: code,
          industry: 'gas',
          gridId: county.village1,
        })
      ).status,
    ).toBe(201);
    const second = await admin.post('/units', {
      name: '乙厂',
      creditCode: code,
      industry: 'gas',
      gridId: county.village2,
    });
    expect(second.status).toBe(400);
    expect(second.body.errors[0].path).toBe('creditCode');
  });

  it('makes one unit when the same create is retried with one Idempotency-Key', async ({ county, admin }) => {
    const body = { name: '重试厂', creditCode: nextCreditCode(), industry: 'gas', gridId: county.village1 };
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const results = await Promise.all(Array.from({ length: 5 }, () => admin.post('/units', body, headers)));
    const ids = new Set(results.map((r) => r.body.id));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(ids.size).toBe(1);
  });

  it('answers 404 for an id of another county, exactly as for a missing one', async ({
    neighbour,
    admin,
  }) => {
    const foreign = await admin.get(`/units/${neighbour.unit(1)}`);
    const missing = await admin.get('/units/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect({ ...foreign.body, requestId: undefined }).toEqual({ ...missing.body, requestId: undefined });
  });

  it('pages through a subtree with an opaque cursor and rejects a forged one', async ({
    county,
    neighbour,
    admin,
  }) => {
    const first = await admin.get(`/units?grid=${county.county}&limit=5`);
    expect(first.body.items).toHaveLength(5);
    const second = await admin.get(`/units?grid=${county.county}&limit=5&cursor=${first.body.nextCursor}`);
    expect(second.body.items).toHaveLength(5);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    const forged = Buffer.from(JSON.stringify({ pk: `T#${neighbour.tenant}#UNIT#x`, sk: 'UNIT' })).toString(
      'base64url',
    );
    const refused = await admin.get(`/units?grid=${county.county}&cursor=${forged}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('query.cursor');
  });
});

describe('users', () => {
  it('creates a grid member who can log in and sees only their village', async ({ api, county, admin }) => {
    const created = await admin.post('/users', {
      username: 'new.member',
      displayName: '新网格员',
      role: 'grid_member',
      scope: [`grid:${county.village2}`],
      password: 'Field-work-2026',
    });
    expect(created.status).toBe(201);
    const token = await api.login(county.tenant, 'new.member', 'Field-work-2026');
    const member = clientFor(api.app, county.tenant, token);
    expect((await member.get('/me')).body).toMatchObject({
      role: 'grid_member',
      scope: [`grid:${county.village2}`],
    });
    expect((await member.get(`/units?grid=${county.village2}`)).status).toBe(200);
    expect((await member.get(`/units?grid=${county.village1}`)).status).toBe(403);
  });

  it('refuses a scope naming a grid of the wrong level or another county', async ({
    county,
    neighbour,
    admin,
  }) => {
    const wrong = await admin.post('/users', {
      username: 'bad.member',
      displayName: '错误',
      role: 'grid_member',
      scope: [`grid:${county.township1}`, `grid:${neighbour.village1}`],
      password: 'Field-work-2026',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['scope.0', 'scope.1']);
  });
});

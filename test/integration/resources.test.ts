import { verifyAuditChain } from '@gridsafe/core';
import { describe, expect } from 'vitest';
import { countyTest, everyItem } from '../support/fixtures.ts';
import { sha256Hex, uploadWith } from '../support/photos.ts';

const it = countyTest({ prefix: 'rs', neighbour: { prefix: 'rn' } });

/** A place well away from the demo county's seeded resources, so these tests' searches see only their own. */
const CENTRE = { lat: 32.5, lng: 115.0 };
/** A point `km` kilometres due north of the centre (a degree of latitude is 111.2 km). */
const north = (km: number) => ({ lat: CENTRE.lat + km / 111.195, lng: CENTRE.lng });
const near = `${CENTRE.lat},${CENTRE.lng}`;

const contact = { name: '王队长', phone: '13900001111' };
const team = (gridId: string, km: number, name = `救援队${km}`) => ({
  kind: 'team',
  name,
  location: north(km),
  address: `测试路${km}号`,
  gridId,
  contact,
  members: 12,
});

/** A small PDF (its bytes varied by `seed`), announced and uploaded as the plan's file. */
async function uploadedPlanFile(client: any, seed: string) {
  const bytes = new TextEncoder().encode(`%PDF-1.4\n% 应急预案 ${seed}\n%%EOF\n`) as Uint8Array<ArrayBuffer>;
  const announced = await client.post('/plans/files', {
    contentType: 'application/pdf',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(announced.status, JSON.stringify(announced.body)).toBe(201);
  await uploadWith(announced.body.upload, bytes);
  return announced.body.photo.id as string;
}

describe('emergency resources', () => {
  it('registers a team, a supply stockpile and an expert, each read back with its audit trail', async ({
    admin,
    county,
  }) => {
    const created = await Promise.all([
      admin.post('/resources', team(county.village1, 1, '消防救援队')),
      admin.post('/resources', {
        kind: 'supply',
        name: '防汛物资库',
        location: north(2),
        address: '测试路2号',
        gridId: county.township1,
        contact,
        supplyType: '沙袋',
        quantity: 5000,
        unit: '袋',
      }),
      admin.post('/resources', {
        kind: 'expert',
        name: '李工',
        location: north(3),
        address: '测试路3号',
        gridId: county.county,
        contact: { name: '李工', phone: '13900002222' },
        speciality: '危险化学品',
      }),
    ]);
    expect(created.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const [teamMade, supply, expert] = created.map((answer) => answer.body);
    expect(teamMade).toMatchObject({ kind: 'team', members: 12, version: 1 });
    expect(supply).toMatchObject({ kind: 'supply', supplyType: '沙袋', quantity: 5000 });
    expect(expert).toMatchObject({ kind: 'expert', speciality: '危险化学品' });
    const read = await admin.get(`/resources/${supply.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ name: '防汛物资库', gridId: county.township1 });
    const audit = await admin.get(`/resources/${expert.id}/audit`);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual(['created']);
    expect(verifyAuditChain(audit.body.items).intact).toBe(true);
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async ({ admin, county }) => {
    const cases: [unknown, string][] = [
      [{ ...team(county.village1, 1), kind: 'boat' }, 'kind'],
      [{ ...team(county.village1, 1), location: { lat: 95, lng: 115 } }, 'location.lat'],
      [{ ...team(county.village1, 1), contact: { name: '王', phone: 'call me' } }, 'contact.phone'],
      [{ ...team(county.village1, 1), name: '' }, 'name'],
      [{ ...team(county.village1, 1), gridId: '01JD5Y7ZK3QF8W0M2N4P6R8T0V' }, 'gridId'],
      [{ ...team(county.village1, 1), kind: 'supply', supplyType: '沙袋' }, 'quantity'],
      [{ ...team(county.village1, 1), kind: 'expert' }, 'speciality'],
    ];
    const before = await everyItem(admin, '/resources');
    for (const [body, field] of cases) {
      const answer = await admin.post('/resources', body);
      expect(answer.status, field).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(
        answer.body.errors.map((error: { path: string }) => error.path),
        JSON.stringify(answer.body),
      ).toContain(field);
    }
    expect(await everyItem(admin, '/resources')).toHaveLength(before.length);
    const badNear = await admin.get('/resources?near=north,east');
    expect(badNear.status).toBe(400);
    expect(badNear.body.errors[0].path).toBe('query.near');
    const tooFar = await admin.get(`/resources?near=${near}&radiusKm=5000`);
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.errors[0].path).toBe('query.radiusKm');
  });

  it('lists resources near a place nearest first with their distance, cut at the radius and by kind', async ({
    admin,
    county,
  }) => {
    for (const km of [7, 4.5, 12, 0.5]) {
      expect((await admin.post('/resources', team(county.village1, km, `近队${km}`))).status).toBe(201);
    }
    const listed = await admin.get(`/resources?near=${near}&radiusKm=8`);
    expect(listed.status).toBe(200);
    const items = listed.body.items as { name: string; distanceKm: number; kind: string }[];
    const distances = items.map((item) => item.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(items.every((item) => item.distanceKm <= 8)).toBe(true);
    expect(items.map((item) => item.name)).toEqual(expect.arrayContaining(['近队0.5', '近队4.5', '近队7']));
    expect(items.map((item) => item.name)).not.toContain('近队12');
    expect(items.find((item) => item.name === '近队4.5')?.distanceKm).toBeCloseTo(4.5, 1);
    const wider = await admin.get(`/resources?near=${near}&radiusKm=15`);
    expect(wider.body.items.map((item: { name: string }) => item.name)).toContain('近队12');
    const experts = await admin.get(`/resources?near=${near}&radiusKm=15&kind=expert`);
    expect(experts.body.items.length).toBeGreaterThan(0);
    expect(experts.body.items.every((item: { kind: string }) => item.kind === 'expert')).toBe(true);
    const nearest = await admin.get(`/resources?near=${near}&radiusKm=15&limit=2`);
    expect(nearest.body.items.map((item: { name: string }) => item.name)).toEqual(
      items.slice(0, 2).map((item) => item.name),
    );
  });

  it('shows a township officer only the resources of their township, near a place and in lists', async ({
    admin,
    township,
    county,
    member,
  }) => {
    const inside = (await admin.post('/resources', team(county.village1, 5.5, '本乡队'))).body;
    const outside = (await admin.post('/resources', team(county.villageInTownship2, 5.6, '邻乡队'))).body;
    const seen = (await township.get(`/resources?near=${near}&radiusKm=10`)).body.items.map(
      (item: { id: string }) => item.id,
    );
    expect(seen).toContain(inside.id);
    expect(seen).not.toContain(outside.id);
    const listed = (await everyItem(township, '/resources')).map((item) => item.id);
    expect(listed).toContain(inside.id);
    expect(listed).not.toContain(outside.id);
    expect((await township.get(`/resources/${outside.id}`)).status).toBe(403);
    // The township keeps resources only in its own area.
    expect((await township.post('/resources', team(county.villageInTownship2, 6))).status).toBe(403);
    expect((await township.post('/resources', team(county.village2, 6))).status).toBe(201);
    // A grid member reads them but keeps none.
    expect((await member.post('/resources', team(county.village1, 6))).status).toBe(403);
  });

  it('answers 409 to a change made on a stale version and keeps the first change', async ({
    admin,
    county,
  }) => {
    const made = (await admin.post('/resources', team(county.village1, 8.5, '版本队'))).body;
    const first = await admin.patch(`/resources/${made.id}`, { members: 20, version: 1 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ members: 20, version: 2 });
    const stale = await admin.patch(`/resources/${made.id}`, { members: 30, version: 1 });
    expect(stale.status).toBe(409);
    const moved = await admin.patch(`/resources/${made.id}`, { location: north(9.5) }, { 'if-match': '2' });
    expect(moved.status).toBe(200);
    expect(moved.body.geohash).not.toBe(made.geohash);
    const wrongKind = await admin.patch(`/resources/${made.id}`, { speciality: '消防', version: 3 });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.errors[0].path).toBe('speciality');
    const read = (await admin.get(`/resources/${made.id}`)).body;
    expect(read).toMatchObject({ members: 20, version: 3 });
    const found = (await admin.get(`/resources?near=${near}&radiusKm=10`)).body.items.find(
      (item: { id: string }) => item.id === made.id,
    );
    expect(found.distanceKm).toBeCloseTo(9.5, 1);
    const audit = (await admin.get(`/resources/${made.id}/audit`)).body;
    expect(audit.items.map((event: { action: string }) => event.action)).toEqual([
      'created',
      'updated',
      'updated',
    ]);
  });

  it('refuses a grid node of another county, naming gridId', async ({ admin, neighbour }) => {
    const answer = await admin.post('/resources', team(neighbour.village1, 1));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].path).toBe('gridId');
  });
});

describe('emergency plans', () => {
  it('attaches a plan with its uploaded file to a unit and to a risk point, flags one past its review date, and links its file', async ({
    admin,
    township,
    county,
  }) => {
    const unitId = county.unit(1);
    const points = (await admin.get(`/risk-points?unit=${unitId}`)).body.items;
    expect(points.length).toBeGreaterThan(0);
    const fileId = await uploadedPlanFile(township, 'unit');
    const unitPlan = await township.post('/plans', {
      unitId,
      title: '综合应急预案',
      planVersion: '2026版',
      reviewDate: '2029-12-31',
      fileId,
    });
    expect(unitPlan.status, JSON.stringify(unitPlan.body)).toBe(201);
    expect(unitPlan.body).toMatchObject({ unitId, reviewOverdue: false, planVersion: '2026版' });
    expect(unitPlan.body.file.key).toMatch(new RegExp(`^t/${county.tenant}/plans/`));
    const pointFile = await uploadedPlanFile(township, 'point');
    const pointPlan = await township.post('/plans', {
      riskPointId: points[0].id,
      title: '现场处置方案',
      planVersion: 'V1',
      reviewDate: '2020-06-30',
      fileId: pointFile,
    });
    expect(pointPlan.status, JSON.stringify(pointPlan.body)).toBe(201);
    expect(pointPlan.body).toMatchObject({ unitId, riskPointId: points[0].id, reviewOverdue: true });

    const ofUnit = (await admin.get(`/plans?unit=${unitId}`)).body.items;
    expect(ofUnit.map((plan: { id: string }) => plan.id)).toEqual(
      expect.arrayContaining([unitPlan.body.id, pointPlan.body.id]),
    );
    const ofPoint = (await admin.get(`/plans?riskPoint=${points[0].id}`)).body.items;
    expect(ofPoint).toHaveLength(1);
    expect(ofPoint[0]).toMatchObject({ id: pointPlan.body.id, reviewOverdue: true });

    const link = await admin.get(`/plans/${unitPlan.body.id}/file`);
    expect(link.status).toBe(200);
    const downloaded = await fetch(link.body.url);
    expect(downloaded.status).toBe(200);
    expect(new TextDecoder().decode(await downloaded.arrayBuffer())).toContain('应急预案 unit');
    // The same file cannot be filed twice: its announcement is taken in.
    const again = await township.post('/plans', {
      unitId,
      title: '再次',
      planVersion: 'V2',
      reviewDate: '2029-12-31',
      fileId,
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0].path).toBe('fileId');
  });

  it('refuses a plan naming nothing, a file never uploaded or a bad date, naming the field', async ({
    admin,
    county,
  }) => {
    const fileId = await uploadedPlanFile(admin, 'bad');
    const base = {
      unitId: county.unit(1),
      title: '预案',
      planVersion: 'V1',
      reviewDate: '2030-01-01',
      fileId,
    };
    const cases: [unknown, string][] = [
      [{ ...base, unitId: undefined }, 'unitId'],
      [{ ...base, reviewDate: '2030-02-30' }, 'reviewDate'],
      [{ ...base, fileId: '01JD5Y7ZK3QF8W0M2N4P6R8T0V' }, 'fileId'],
      [{ ...base, title: '' }, 'title'],
    ];
    for (const [body, field] of cases) {
      const answer = await admin.post('/plans', body);
      expect(answer.status, field).toBe(400);
      expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(field);
    }
    const listed = (await admin.get(`/plans?unit=${county.unit(1)}`)).body.items;
    expect(listed.some((plan: { title: string }) => plan.title === '预案')).toBe(false);
  });

  it('keeps a unit’s plans from people outside its area', async ({ admin, county, signIn }) => {
    const other = (await admin.get(`/units?grid=${county.township2}&limit=1`)).body.items[0];
    const fileId = await uploadedPlanFile(admin, 'other');
    const plan = await admin.post('/plans', {
      unitId: other.id,
      title: '邻乡企业预案',
      planVersion: 'V1',
      reviewDate: '2030-01-01',
      fileId,
    });
    expect(plan.status).toBe(201);
    const township = await signIn('township.officer');
    expect((await township.get(`/plans/${plan.body.id}`)).status).toBe(403);
    expect((await township.get(`/plans/${plan.body.id}/file`)).status).toBe(403);
    expect((await township.get(`/plans?unit=${other.id}`)).status).toBe(403);
  });
});

import { DEFAULT_PROVIDER_ID } from '@gridsafe/core';
import { backfillMapIndex, MAP_NODES_PER_SWEEP, MapSnapshot, type TenantStore } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { TAIHE } from '../../scripts/seed/demo-data.ts';
import { seedDemoCounty } from '../../scripts/seed/seed-demo.ts';
import { countyTest, everyItem } from '../support/fixtures.ts';
import { redPoint } from '../support/record-bodies.ts';

const it = countyTest({ prefix: 'mp', reportDynamoCalls: true, neighbour: { prefix: 'mq' } });

interface MapPoint {
  id: string;
  lat: number;
  lng: number;
  color?: string;
  status?: string;
}

const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();

/** The register's filters the map narrows by as well. */
const placeFilters = (county: { township1: string; township2: string; emergencyDept: string }) => [
  'color=red',
  'status=filed',
  `grid=${county.township1}`,
  `department=${county.emergencyDept}`,
  `grid=${county.township2}&color=blue`,
];

describe('the map feed', () => {
  it('answers every located unit of the county as an id and a position, nothing more', async ({ admin }) => {
    const units = await everyItem<{ id: string; location?: object }>(admin, '/units');
    const located = units.filter((unit) => unit.location);
    expect(located.length).toBeGreaterThan(0);
    const points = await everyItem<MapPoint>(admin, '/map/points?kind=unit');
    expect(ids(points)).toEqual(ids(located));
    for (const point of points) expect(Object.keys(point).sort()).toEqual(['id', 'lat', 'lng']);
  });

  it('answers the risk points of the register with their colour and status', async ({ admin }) => {
    const register = await everyItem<{ id: string; color: string; status: string }>(admin, '/risk-points');
    expect(register.length).toBeGreaterThan(0);
    const points = await everyItem<MapPoint>(admin, '/map/points?kind=risk-point');
    expect(ids(points)).toEqual(ids(register));
    const byId = new Map(register.map((point) => [point.id, point]));
    for (const point of points) {
      expect(Object.keys(point).sort()).toEqual(['color', 'id', 'lat', 'lng', 'status']);
      expect(point).toMatchObject({ color: byId.get(point.id)!.color, status: byId.get(point.id)!.status });
    }
  });

  it('narrows to a colour, a status, a township and a department as the register does', async ({
    county,
    admin,
  }) => {
    for (const filter of placeFilters(county)) {
      const register = await everyItem(admin, `/risk-points?${filter}`);
      const points = await everyItem<MapPoint>(admin, `/map/points?kind=risk-point&${filter}`);
      expect(ids(points), filter).toEqual(ids(register));
    }
    const all = await everyItem(admin, '/map/points?kind=risk-point');
    const red = await everyItem(admin, '/map/points?kind=risk-point&color=red');
    expect(red.length).toBeLessThan(all.length);
  });

  it('narrows units to an industry and a department as the unit list does', async ({ county, admin }) => {
    for (const filter of ['industry=hazardous_chemicals', `department=${county.emergencyDept}`]) {
      const listed = await everyItem<{ id: string; location?: object }>(admin, `/units?${filter}`);
      const points = await everyItem<MapPoint>(admin, `/map/points?kind=unit&${filter}`);
      expect(ids(points), filter).toEqual(ids(listed.filter((unit) => unit.location)));
    }
  });

  it('shows a township officer its own township and a unit’s manager its own unit', async ({
    township,
    unitUser,
  }) => {
    const officerUnits = await everyItem(township, '/units');
    expect(ids(await everyItem(township, '/map/points?kind=unit'))).toEqual(
      ids(officerUnits.filter((unit: { location?: object }) => unit.location)),
    );
    expect(ids(await everyItem(township, '/map/points?kind=risk-point'))).toEqual(
      ids(await everyItem(township, '/risk-points')),
    );
    expect(ids(await everyItem(unitUser, '/map/points?kind=risk-point'))).toEqual(
      ids(await everyItem(unitUser, '/risk-points')),
    );
  });

  it('refuses a township beside the officer’s own and answers 404 for another county’s grid', async ({
    county,
    neighbour,
    township,
    admin,
  }) => {
    expect((await township.get(`/map/points?kind=unit&grid=${county.township2}`)).status).toBe(403);
    expect((await admin.get(`/map/points?kind=risk-point&grid=${neighbour.county}`)).status).toBe(404);
  });

  it('refuses a colour or a status on units, naming the parameter', async ({ admin }) => {
    const answer = await admin.get('/map/points?kind=unit&color=red');
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('color');
    expect((await admin.get('/map/points')).status).toBe(400);
  });

  it('pages through positions with one DynamoDB Query a page', async ({ admin }) => {
    const first = await admin.get('/map/points?kind=unit&limit=10');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    expect(Number(first.headers.get('x-dynamodb-calls'))).toBe(1);
    const second = await admin.get(
      `/map/points?kind=unit&limit=10&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(ids(second.body.items).some((id) => ids(first.body.items).includes(id))).toBe(false);
  });

  it('answers a county’s units with their credit levels in one page of two Queries, a department’s as well', async ({
    admin,
    county,
  }) => {
    const answer = await admin.get('/map/points?kind=unit&include=credit');
    expect(answer.status).toBe(200);
    expect(answer.body.nextCursor).toBeUndefined();
    expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(2);
    const department = await admin.get(
      `/map/points?kind=unit&include=credit&department=${county.emergencyDept}`,
    );
    expect(department.body.items.length).toBeGreaterThan(0);
    for (const point of [
      ...answer.body.items.slice(0, 3),
      ...department.body.items.slice(0, 3),
    ] as (MapPoint & {
      credit?: string;
    })[]) {
      const rating = await admin.get(`/units/${point.id}/credit`);
      expect(point.credit, point.id).toBe(rating.body.current.level);
    }
  });

  it('draws the records of before the map’s index once the county is migrated, and migrating again writes nothing', async ({
    admin,
    store,
  }) => {
    const [unit] = await everyItem<MapPoint>(admin, '/map/points?kind=unit');
    const [point] = await everyItem<MapPoint>(admin, '/map/points?kind=risk-point');
    // As the API wrote them before the index existed: no `map` keys on the unit, its rating or the point.
    for (const [prefix, id] of [
      ['UNIT', unit!.id],
      ['CREDIT', unit!.id],
      ['RP', point!.id],
    ] as const) {
      await store.update({
        Key: { pk: store.key(prefix, id), sk: prefix },
        UpdateExpression: 'REMOVE mappk, mapsk',
      });
    }
    const drawn = async () => ({
      units: (
        await everyItem<MapPoint & { credit?: string }>(admin, '/map/points?kind=unit&include=credit')
      ).find((candidate) => candidate.id === unit!.id),
      points: ids(await everyItem<MapPoint>(admin, '/map/points?kind=risk-point')),
    });
    const before = await drawn();
    expect(before.units).toBeUndefined();
    expect(before.points).not.toContain(point!.id);

    expect(await backfillMapIndex(store)).toEqual({ units: 1, riskPoints: 1, credits: 1 });
    const after = await drawn();
    expect(after.units).toMatchObject({ id: unit!.id, lat: unit!.lat, lng: unit!.lng });
    expect(after.units?.credit).toBe((await admin.get(`/units/${unit!.id}/credit`)).body.current.level);
    expect(after.points).toContain(point!.id);
    expect(await backfillMapIndex(store)).toEqual({ units: 0, riskPoints: 0, credits: 0 });
  });

  describe('in one answer (the county’s map snapshot)', () => {
    type Positions = {
      units: [string, number, number, string | null][];
      riskPoints: [string, number, number, string, string][];
    };
    const firsts = (rows: [string, ...unknown[]][]) => rows.map((row) => row[0]).sort();
    /** As if the county's last change were long past (a node built right after a change is built again). */
    const ageSnapshot = async (store: TenantStore) => {
      const snapshot = await store.queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': store.key('MAPSNAP') },
      });
      for (const item of snapshot) {
        await store.update({
          Key: { pk: String(item.pk), sk: String(item.sk) },
          UpdateExpression: 'SET changedAt = :long',
          ExpressionAttributeValues: { ':long': 0 },
        });
      }
    };

    /** A risk point filed, then a write that does not name its node (as a delete): every node of the county stale. */
    const fileAndTouchEveryNode = async (
      county: Parameters<typeof redPoint>[0],
      member: { post(path: string, body: unknown): Promise<{ body: { id: string; unitId: string } }> },
      store: TenantStore,
    ) => {
      const filed = (await member.post('/risk-points', redPoint(county))).body;
      await store.update({
        Key: { pk: store.key('UNIT', filed.unitId), sk: 'UNIT' },
        UpdateExpression: 'SET #id = #id',
        ExpressionAttributeNames: { '#id': 'id' },
      });
      return filed;
    };

    it('answers every place the paged feed answers, units with their credit levels, from three reads', async ({
      admin,
      store,
    }) => {
      const units = await everyItem<MapPoint & { credit?: string }>(
        admin,
        '/map/points?kind=unit&include=credit',
      );
      const points = await everyItem<MapPoint>(admin, '/map/points?kind=risk-point');
      expect((await admin.get('/map/positions')).status).toBe(200);
      // As if the county's last change were long past: a snapshot built right after a change is not trusted for
      // the index's lag (seconds), after which the map reads the snapshot alone.
      await ageSnapshot(store);
      const answer = await admin.get('/map/positions');
      expect(answer.status).toBe(200);
      // The area's grid paths, its snapshot items, and the county-wide change counter.
      expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(3);
      const body = answer.body as Positions;
      expect(
        body.units.map(([id, lat, lng, credit]) => ({ id, lat, lng, credit: credit ?? undefined })),
      ).toEqual(expect.arrayContaining(units.map((unit) => ({ ...unit, credit: unit.credit }))));
      expect(firsts(body.units)).toEqual(ids(units));
      expect(
        body.riskPoints.map(([id, lat, lng, color, status]) => ({ id, lat, lng, color, status })),
      ).toEqual(expect.arrayContaining(points));
      expect(firsts(body.riskPoints)).toEqual(ids(points));
    });

    it('opens in three reads, rebuilding nothing, once the county’s sweep has built what its writes left stale', async ({
      county,
      admin,
      member,
      store,
    }) => {
      const filed = await fileAndTouchEveryNode(county, member, store);
      // The sweep as the local stack runs it: past the index's lag after those writes (it waits that out).
      const sweep = new MapSnapshot(store);
      const first = await sweep.refreshStale({ limit: MAP_NODES_PER_SWEEP, settle: true });
      expect(first.stale).toBe(first.nodes);
      expect(first.rebuilt).toBe(first.nodes);
      expect(await sweep.refreshStale({ limit: MAP_NODES_PER_SWEEP })).toEqual({
        nodes: first.nodes,
        stale: 0,
        rebuilt: 0,
      });
      const answer = await admin.get('/map/positions');
      // The area's grid paths, its snapshot items and the county-wide counter: no node built in the request.
      expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(3);
      expect(firsts((answer.body as Positions).riskPoints)).toContain(filed.id);
    });

    it('builds at most its limit a run, and a read still builds whatever the sweep has not', async ({
      county,
      admin,
      member,
      store,
    }) => {
      const filed = await fileAndTouchEveryNode(county, member, store);
      const sweep = new MapSnapshot(store);
      // Changed a moment ago: the index may still lag, so a run that does not wait leaves it to the next one.
      expect(await sweep.refreshStale({ limit: MAP_NODES_PER_SWEEP })).toMatchObject({ rebuilt: 0 });
      const bounded = await sweep.refreshStale({ limit: 1, settle: true });
      expect(bounded.stale).toBeGreaterThan(1);
      expect(bounded.rebuilt).toBe(1);
      const answer = await admin.get('/map/positions');
      // Three reads, then three Queries and a write for each node still stale.
      expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(3 + 4 * (bounded.stale - 1));
      expect(firsts((answer.body as Positions).riskPoints)).toContain(filed.id);
    });

    it('still opens in three reads after a restart weeks later, whose demo seed finds everything there and rates nothing', async ({
      api,
      county,
      admin,
      store,
    }) => {
      await new MapSnapshot(store).refreshStale({ limit: MAP_NODES_PER_SWEEP, settle: true });
      // `npm start` again, 40 days on: time alone has moved the units' scores (hazards past their deadlines).
      const again = await seedDemoCounty(
        {
          client: api.deps.documentClient,
          tableName: api.tableName,
          identity: api.deps.identity,
          passwordProvider: api.deps.passwordProvider ?? DEFAULT_PROVIDER_ID,
          now: new Date(Date.now() + 40 * 86_400_000),
        },
        { ...TAIHE, tenant: county.tenant },
      );
      expect(again.created).toBe(0);
      const answer = await admin.get('/map/positions');
      expect(Number(answer.headers.get('x-dynamodb-calls'))).toBe(3);
    });

    it('narrows to a colour, a status, a township, a department and an industry as the feed does', async ({
      county,
      admin,
    }) => {
      for (const filter of [...placeFilters(county), 'industry=hazardous_chemicals']) {
        const body = (await admin.get(`/map/positions?${filter}`)).body as Positions;
        const points = await everyItem<MapPoint>(admin, `/map/points?kind=risk-point&${filter}`);
        expect(firsts(body.riskPoints), filter).toEqual(ids(points));
        if (filter.startsWith('color') || filter.startsWith('status')) continue;
        const units = await everyItem<MapPoint>(
          admin,
          `/map/points?kind=unit&${filter.replace(/&color=.*/, '')}`,
        );
        expect(firsts(body.units), filter).toEqual(ids(units));
      }
    });

    it('shows a township officer its own township and a unit’s manager its own unit', async ({
      township,
      unitUser,
    }) => {
      for (const client of [township, unitUser]) {
        const body = (await client.get('/map/positions')).body as Positions;
        expect(firsts(body.units)).toEqual(ids(await everyItem(client, '/map/points?kind=unit')));
        expect(firsts(body.riskPoints)).toEqual(ids(await everyItem(client, '/map/points?kind=risk-point')));
      }
    });

    it('draws a risk point filed a moment ago', async ({ county, admin, member }) => {
      await admin.get('/map/positions');
      const created = await member.post('/risk-points', redPoint(county));
      expect(created.status).toBe(201);
      const body = (await admin.get('/map/positions')).body as Positions;
      expect(body.riskPoints.find(([id]) => id === created.body.id)).toEqual([
        created.body.id,
        created.body.location.lat,
        created.body.location.lng,
        created.body.color,
        created.body.status,
      ]);
    });

    it('draws a unit that moved to another township once, there, with the risk point that went with it', async ({
      county,
      admin,
      member,
      store,
    }) => {
      const point = (await member.post('/risk-points', redPoint(county))).body;
      await admin.get('/map/positions');
      await ageSnapshot(store);
      const before = (await admin.get(`/map/positions?grid=${county.township1}`)).body as Positions;
      expect(firsts(before.units)).toContain(point.unitId);
      const unit = (await admin.get(`/units/${point.unitId}`)).body;
      const moved = await admin.patch(`/units/${unit.id}`, {
        gridId: county.villageInTownship2,
        version: unit.version,
      });
      expect(moved.status).toBe(200);
      const whole = (await admin.get('/map/positions')).body as Positions;
      expect(whole.units.filter(([id]) => id === unit.id)).toHaveLength(1);
      expect(whole.riskPoints.filter(([id]) => id === point.id)).toHaveLength(1);
      const there = (await admin.get(`/map/positions?grid=${county.township2}`)).body as Positions;
      expect(firsts(there.units)).toContain(unit.id);
      expect(firsts(there.riskPoints)).toContain(point.id);
      const left = (await admin.get(`/map/positions?grid=${county.township1}`)).body as Positions;
      expect(firsts(left.units)).not.toContain(unit.id);
    });
  });
});

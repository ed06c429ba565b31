import { publicBoardOf } from '@gridsafe/core';
import { countyApiBasePath } from '@gridsafe/core/contract';
import { migrateUnitsToLifecycle } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { encodeUtf8WithBom } from '../support/csv-fixtures.ts';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'lc', neighbour: { prefix: 'ln' } });

interface PointView {
  id: string;
  unitId: string;
  gridId: string;
  gridPath: string;
  name: string;
  status: string;
  version: number;
  allowedActions?: string[];
}

/** A unit with a filed risk point and its one scheduled patrol task (`skip` passes over earlier ones). */
async function unitWithOpenPatrol(admin: Client, skip = 0, within = '') {
  const points = (await everyItem<PointView>(admin, '/risk-points?status=filed')).filter((point) =>
    point.gridPath.includes(within),
  );
  const units = [...new Map(points.map((point) => [point.unitId, point])).values()].slice(skip);
  for (const point of units) {
    const open = await admin.get(`/patrols?unit=${point.unitId}&status=scheduled`);
    if (open.body.items.length === 1)
      return { unitId: point.unitId, village: point.gridId, patrolId: open.body.items[0].id as string };
  }
  throw new Error('no unit with a filed point and an open patrol');
}

/** The village with the most filed risk points, and its filed points. */
async function villageWithBoards(admin: Client) {
  const points = await everyItem<PointView>(admin, '/risk-points?status=filed');
  const counts = new Map<string, number>();
  for (const point of points) counts.set(point.gridId, (counts.get(point.gridId) ?? 0) + 1);
  const [village] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
  return { village, filed: points.filter((point) => point.gridId === village) };
}

async function setStatus(client: Client, unitId: string, body: Record<string, unknown>) {
  const { version } = (await client.get(`/units/${unitId}`)).body;
  return client.patch(`/units/${unitId}`, body, { 'if-match': String(version) });
}

const unitsOf = async (client: Client, grid: string) => (await client.get(`/grids/${grid}/stats`)).body.units;

describe('a unit’s lifecycle', () => {
  it('suspends a unit: its patrol is cancelled and audited, it leaves the counters, and reopening brings the task back', async ({
    county,
    admin,
    township,
  }) => {
    const { unitId, patrolId, village } = await unitWithOpenPatrol(admin, 0, county.township1);
    const [villageBefore, countyBefore] = [
      await unitsOf(admin, village),
      await unitsOf(admin, county.county),
    ];
    expect((await township.get(`/units/${unitId}`)).body.allowedStatuses).toEqual([
      'suspended',
      'closed',
      'deregistered',
    ]);

    const suspended = await setStatus(township, unitId, {
      status: 'suspended',
      statusReason: '停产整顿：无证动火',
    });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: '停产整顿：无证动火' });
    expect(suspended.body.statusChangedAt).toBe(suspended.body.updatedAt);
    expect((await admin.get(`/patrols?unit=${unitId}&status=scheduled`)).body.items).toEqual([]);
    expect((await admin.get(`/patrols/${patrolId}`)).body.status).toBe('cancelled');
    expect((await admin.get(`/patrols/${patrolId}/audit`)).body.items.at(-1)).toMatchObject({
      action: 'cancelled',
    });
    const unitAudit = (await admin.get(`/units/${unitId}/audit`)).body;
    expect(unitAudit.items.at(-1)).toMatchObject({ action: 'suspended', reason: '停产整顿：无证动火' });
    expect(unitAudit.chain.intact).toBe(true);
    expect(await unitsOf(admin, village)).toBe(villageBefore - 1);
    expect(await unitsOf(admin, county.county)).toBe(countyBefore - 1);

    const reopened = await setStatus(township, unitId, { status: 'active' });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body.status).toBe('active');
    expect(reopened.body.statusReason).toBeUndefined();
    const back = (await admin.get(`/patrols?unit=${unitId}&status=scheduled`)).body.items;
    expect(back.map((p: { id: string }) => p.id)).toEqual([patrolId]);
    expect((await admin.get(`/patrols/${patrolId}/audit`)).body.items.at(-1)).toMatchObject({
      action: 'reinstated',
    });
    expect(await unitsOf(admin, village)).toBe(villageBefore);
    expect((await admin.get(`/units/${unitId}/audit`)).body.items.at(-1)).toMatchObject({
      action: 'reopened',
    });
  });

  it('refuses a status change without a reason, mixed with other fields, by a grid member, or after deregistration', async ({
    county,
    admin,
    member,
  }) => {
    const unitId = county.unit(3);
    const noReason = await setStatus(admin, unitId, { status: 'closed' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('statusReason');
    const mixed = await setStatus(admin, unitId, { status: 'closed', statusReason: '取缔', name: '新名字' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.errors[0].path).toBe('name');
    const byMember = await setStatus(member, county.unit(1), { status: 'closed', statusReason: '取缔' });
    expect(byMember.status).toBe(403);
    expect((await member.get(`/units/${county.unit(1)}`)).body.allowedStatuses).toEqual([]);
    const versionBefore = (await admin.get(`/units/${unitId}`)).body.version;
    expect(versionBefore).toBeGreaterThan(0);

    const ended = await setStatus(admin, unitId, { status: 'deregistered', statusReason: '营业执照注销' });
    expect(ended.status).toBe(200);
    expect(ended.body.allowedStatuses).toEqual([]);
    const again = await setStatus(admin, unitId, { status: 'active' });
    expect(again.status).toBe(409);
    expect((await admin.get(`/units/${unitId}`)).body).toMatchObject({
      status: 'deregistered',
      version: versionBefore + 1,
    });
  });

  it('keeps a closed unit without a scheduled patrol, and a reopened one with one', async ({ admin }) => {
    const { unitId } = await unitWithOpenPatrol(admin, 1);
    expect((await setStatus(admin, unitId, { status: 'closed', statusReason: '关闭取缔' })).status).toBe(200);
    expect((await admin.get(`/patrols?unit=${unitId}&status=scheduled`)).body.items).toEqual([]);
    const moved = await setStatus(admin, unitId, { status: 'deregistered', statusReason: '注销' });
    expect(moved.status).toBe(200);
    expect((await admin.get(`/patrols?unit=${unitId}&status=scheduled`)).body.items).toEqual([]);
  });
});

describe('migrating units stored before the lifecycle', () => {
  it('marks them active once, leaving their version, history and the counters as they were', async ({
    county,
    store,
    admin,
  }) => {
    const id = county.unit(7);
    const key = { pk: store.key('UNIT', id), sk: 'UNIT' };
    // A unit as stored before the lifecycle: no status at all.
    await store.update({
      Key: key,
      UpdateExpression: 'REMOVE #s',
      ExpressionAttributeNames: { '#s': 'status' },
    });
    const before = (await admin.get(`/units/${id}`)).body;
    expect(before.status).toBe('active');
    const trail = (await admin.get(`/units/${id}/audit`)).body.items.length;
    const countyUnits = await unitsOf(admin, county.county);
    const first = await migrateUnitsToLifecycle(store);
    expect(first.migrated).toBeGreaterThan(0);
    expect((await store.get(key.pk, key.sk, true))?.status).toBe('active');
    expect((await admin.get(`/units/${id}`)).body.version).toBe(before.version);
    expect((await admin.get(`/units/${id}/audit`)).body.items).toHaveLength(trail);
    expect(await unitsOf(admin, county.county)).toBe(countyUnits);
    expect((await migrateUnitsToLifecycle(store)).migrated).toBe(0);
  });
});

describe('unlicensed units (无证照)', () => {
  it('registers a unit without a credit code only when it says so, once per name in a village', async ({
    county,
    admin,
  }) => {
    const body = { name: '无证小作坊甲', industry: 'gas', gridId: county.village1 };
    const forgotten = await admin.post('/units', body);
    expect(forgotten.status).toBe(400);
    expect(forgotten.body.errors[0].path).toBe('creditCode');
    const made = await admin.post('/units', { ...body, unlicensed: true });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ unlicensed: true, status: 'active' });
    expect(made.body.creditCode).toBeUndefined();
    const twice = await admin.post('/units', { ...body, unlicensed: true });
    expect(twice.status).toBe(400);
    expect(twice.body.errors[0].path).toBe('name');
    const listed = await everyItem<{ id: string; unlicensed?: boolean }>(
      admin,
      `/units?grid=${county.village1}`,
    );
    expect(listed.find((unit) => unit.id === made.body.id)?.unlicensed).toBe(true);
  });

  it('imports unlicensed rows by name and village, so the same file twice creates nothing twice', async ({
    api,
    county,
    admin,
  }) => {
    const csv = [
      '单位名称,统一社会信用代码,行业,乡镇,村/社区',
      '无证小作坊乙,,gas,城关镇,南关村',
      '无证小作坊丙,,gas,城关镇,南关村',
      '无证小作坊乙,,gas,旧县镇,刘楼村',
    ].join('\r\n');
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const send = async () => {
      const response = await api.app.request(`${countyApiBasePath(county.tenant)}/units/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: encodeUtf8WithBom(`${csv}\r\n`),
      });
      return (await response.json()) as { summary: Record<string, number>; rows: { unitId: string }[] };
    };
    const countyUnits = await unitsOf(admin, county.county);
    const first = await send();
    expect(first.summary).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0, rejected: 0 });
    expect((await admin.get(`/units/${first.rows[0]!.unitId}`)).body.unlicensed).toBe(true);
    const second = await send();
    expect(second.summary).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3, rejected: 0 });
    expect(second.rows.map((row) => row.unitId)).toEqual(first.rows.map((row) => row.unitId));
    expect(await unitsOf(admin, county.county)).toBe(countyUnits + 3);
  });
});

describe('the public notice board', () => {
  const publicGet = async (
    api: { app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> } },
    tenant: string,
    id: string,
    address = '198.51.100.7',
  ) => {
    const response = await api.app.request(`${countyApiBasePath(tenant)}/public/risk-points/${id}`, {
      headers: { 'x-forwarded-for': address },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  it('answers a filed point’s board without a token: the board’s fields and nothing more, cached', async ({
    api,
    county,
    admin,
  }) => {
    const [point] = await everyItem<PointView>(admin, '/risk-points?status=filed');
    expect(point).toBeDefined();
    const answer = await publicGet(api, county.tenant, point!.id);
    expect(answer.status).toBe(200);
    // Exactly the board's fields of the record, picked by core: no unit, review, photos or history.
    const record = (await admin.get(`/risk-points/${point!.id}`)).body;
    expect(answer.body).toEqual(publicBoardOf(record));
    expect(answer.body.name).toBe(point!.name);
    expect(answer.body).not.toHaveProperty('unitId');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('answers 404 for a point never filed and for another county’s point', async ({
    api,
    county,
    neighbour,
    admin,
  }) => {
    const drafts = await everyItem<PointView>(admin, `/risk-points?status=draft`);
    const neverFiled = drafts.find((point) => !('filedColor' in point));
    expect(neverFiled).toBeDefined();
    expect((await publicGet(api, county.tenant, neverFiled!.id)).status).toBe(404);
    const [filed] = await everyItem<PointView>(admin, '/risk-points?status=filed');
    expect((await publicGet(api, county.tenant, filed!.id)).status).toBe(200);
    expect((await publicGet(api, neighbour.tenant, filed!.id)).status).toBe(404);
  });

  it('keeps showing the last filed board while a point is reopened for change', async ({
    api,
    county,
    admin,
  }) => {
    const filed = await everyItem<PointView>(admin, '/risk-points?status=filed');
    const point = filed.find((p) => p.allowedActions?.includes('reopen'));
    expect(point).toBeDefined();
    const before = (await publicGet(api, county.tenant, point!.id)).body;
    const reopened = await admin.post(`/risk-points/${point!.id}/reopen`, {
      reason: '整改后重新评估',
      version: point!.version,
    });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    const edited = await admin.patch(
      `/risk-points/${point!.id}`,
      { name: '改名中的风险点', version: reopened.body.version },
      {},
    );
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const shown = await publicGet(api, county.tenant, point!.id);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(before);
  });

  it('answers 429 to an address past its budget, and still answers another address', async ({
    api,
    county,
    admin,
  }) => {
    const [point] = await everyItem<PointView>(admin, '/risk-points?status=filed');
    const statuses: number[] = [];
    for (let i = 0; i < 121; i++)
      statuses.push((await publicGet(api, county.tenant, point!.id, '203.0.113.9')).status);
    expect(statuses.slice(0, 120).every((status) => status === 200)).toBe(true);
    expect(statuses[120]).toBe(429);
    // The address is the one the gateway appended last, not what the client put first.
    expect((await publicGet(api, county.tenant, point!.id, '203.0.113.9, 192.0.2.1')).status).toBe(200);
  });

  it('prints every filed board of a unit, and of a village, as one page', async ({ api, county, admin }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const print = async (query: string) => {
      const response = await api.app.request(`${countyApiBasePath(county.tenant)}/notice-boards?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: response.status, text: await response.text() };
    };
    const { village, filed } = await villageWithBoards(admin);
    const unitId = filed[0]!.unitId;
    const ofUnit = await print(`unit=${unitId}`);
    expect(ofUnit.status).toBe(200);
    expect(ofUnit.text.match(/class="board"/g)).toHaveLength(filed.filter((p) => p.unitId === unitId).length);
    const ofVillage = await print(`grid=${village}`);
    expect(ofVillage.text.match(/class="board"/g)).toHaveLength(filed.length);
    for (const point of filed) expect(ofVillage.text).toContain(`/${county.tenant}/r/${point.id}`);
    expect((await print(`grid=${county.township1}`)).status).toBe(400);
    const member = await api.login(county.tenant, 'grid.member', DEMO_LOGIN_PASSWORD);
    const elsewhere = await api.app.request(
      `${countyApiBasePath(county.tenant)}/notice-boards?grid=${county.villageInTownship2}`,
      { headers: { authorization: `Bearer ${member}` } },
    );
    expect(elsewhere.status).toBe(403);
  });
});

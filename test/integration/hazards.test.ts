import { describe, expect } from 'vitest';
import { type Client, countyTest, everyItem, hazardStats as statsOf } from '../support/fixtures.ts';
import { clientFor, DEMO_LOGIN_PASSWORD, type SeededCounty } from '../support/harness.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';

let photoSeed = 5000;

const it = countyTest({ prefix: 'hz', neighbour: { prefix: 'hy' } })
  .extend(
    'hazardStats',
    { scope: 'file' },
    ({ admin }) =>
      (gridId: string) =>
        statsOf(admin, gridId),
  )
  /** The hazard counters of village 1, township 1 and the county. */
  .extend(
    'levels',
    { scope: 'file' },
    ({ county, hazardStats }) =>
      () =>
        Promise.all([
          hazardStats(county.village1),
          hazardStats(county.township1),
          hazardStats(county.county),
        ]),
  )
  /** Unit 3 is an ammonia cold store in village 1 (the grid member's) under the emergency bureau (the department officer's). */
  .extend('general', { scope: 'file' }, ({ county }) => (unit = county.unit(3)) => ({
    unitId: unit,
    severity: 'general',
    title: '液氨储罐区压力表未检定',
    description: '压力表检定标签已过期',
  }))
  .extend(
    'withPhoto',
    { scope: 'file' },
    ({ member, county }) =>
      (id: string, client: Client = member) =>
        withPhoto(client, county, id),
  );

type Stats = {
  open: number;
  overdue: number;
  closed: number;
  byLevel: { village: number; township: number; county: number };
};
/** The change in a node's hazard counters, flattened for one comparison. */
function delta(before: Stats, after: Stats) {
  return {
    open: after.open - before.open,
    overdue: after.overdue - before.overdue,
    closed: after.closed - before.closed,
    village: after.byLevel.village - before.byLevel.village,
    township: after.byLevel.township - before.byLevel.township,
    county: after.byLevel.county - before.byLevel.county,
  };
}
async function withPhoto(client: Client, county: SeededCounty, id: string) {
  const bytes = testJpeg(photoSeed++);
  const requested = await client.post(`/hazards/${id}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status).toBe(201);
  // Uploads wait under pending/ (expired within a day); the confirmed photo lives under the county's prefix.
  expect(requested.body.photo.key).toMatch(new RegExp(`^pending/t/${county.tenant}/hazards/${id}/`));
  await uploadWith(requested.body.upload, bytes);
  const confirmed = await client.post(`/hazards/${id}/photos/${requested.body.photo.id}/confirm`);
  expect(confirmed.status).toBe(200);
  return { hazard: confirmed.body, photoId: requested.body.photo.id as string };
}

describe('reporting a hazard', () => {
  it('opens a general hazard at the village with the deadline from the settings and counts it up the tree', async ({
    county,
    admin,
    member,
    levels,
    general,
  }) => {
    const before = await levels();
    const created = await member.post('/hazards', general());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'open',
      level: 'village',
      version: 1,
      severity: 'general',
      departmentId: county.emergencyDept,
      overdue: false,
    });
    // Thirty working days (weekends and public holidays do not count): at least six weeks of the calendar.
    const days = (Date.parse(created.body.deadline) - Date.parse(created.body.createdAt)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(42);
    expect((await admin.get(`/hazards/${created.body.id}`)).body.workingDaysLeft).toBe(30);
    const after = await levels();
    for (const [i, node] of after.entries()) {
      expect(delta(before[i]!, node)).toEqual({
        open: 1,
        overdue: 0,
        closed: 0,
        village: 1,
        township: 0,
        county: 0,
      });
    }
  });

  it('raises a major hazard to the township at creation and tells both chains', async ({
    admin,
    township,
    department,
    member,
    levels,
    general,
  }) => {
    const before = await levels();
    const created = await member.post('/hazards', {
      ...general(),
      severity: 'major',
      title: '液氨泄漏报警器失效',
    });
    expect(created.body).toMatchObject({ status: 'open', level: 'township', escalationStep: 1 });
    expect(created.body.escalations).toEqual([
      expect.objectContaining({ from: 'village', to: 'township', cause: 'severity' }),
    ]);
    const after = await levels();
    expect(delta(before[1]!, after[1]!)).toEqual({
      open: 1,
      overdue: 0,
      closed: 0,
      village: 0,
      township: 1,
      county: 0,
    });
    const audit = await admin.get(`/hazards/${created.body.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'escalated']);
    for (const client of [township, department]) {
      const inbox = await client.get('/notifications');
      expect(
        inbox.body.items.some((n: { subject: { id: string } }) => n.subject.id === created.body.id),
      ).toBe(true);
    }
  });

  it('makes one hazard when a field device retries the report five times at once', async ({
    county,
    member,
    hazardStats,
    general,
  }) => {
    const before = await hazardStats(county.village1);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        member.post('/hazards', general(), { 'idempotency-key': 'device-3-hazard-9' }),
      ),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await hazardStats(county.village1)).open).toBe(before.open + 1);
  });

  it('refuses a unit outside the reporter’s area and names a risk point of another unit', async ({
    county,
    admin,
    member,
    general,
  }) => {
    expect((await member.post('/hazards', general(county.unit(4)))).status).toBe(403);
    const points = await admin.get(`/risk-points?grid=${county.village2}&limit=5`);
    const foreignPoint = points.body.items.find((p: { unitId: string }) => p.unitId !== county.unit(3));
    expect(foreignPoint, 'the seed holds a risk point of another unit').toBeDefined();
    const refused = await member.post('/hazards', { ...general(), riskPointId: foreignPoint.id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('riskPointId');
    const bad = await member.post('/hazards', { ...general(), severity: 'minor' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('severity');
  });
});

describe('the closed loop', () => {
  it('walks open → rectifying → rectified → rejected → rectified → closed with counters and audit in step', async ({
    county,
    admin,
    township,
    member,
    unitUser,
    levels,
    general,
    withPhoto,
  }) => {
    const before = await levels();
    const created = await admin.post('/hazards', general(county.unit(1)));
    const id = created.body.id;
    const started = await unitUser.post(`/hazards/${id}/start`);
    expect(started.body).toMatchObject({ status: 'rectifying', version: 2 });

    const noEvidence = await unitUser.post(`/hazards/${id}/report-rectified`, {
      note: '已更换',
      photoIds: [],
    });
    expect(noEvidence.status).toBe(400);
    const { photoId } = await withPhoto(id, unitUser);
    const reported = await unitUser.post(`/hazards/${id}/report-rectified`, {
      note: '已更换合格灭火器',
      photoIds: [photoId],
    });
    expect(reported.body).toMatchObject({
      status: 'rectified',
      rectification: { note: '已更换合格灭火器', photoIds: [photoId] },
    });
    expect((await member.post(`/hazards/${id}/verify`)).status).toBe(403);
    expect((await unitUser.post(`/hazards/${id}/verify`)).status).toBe(403);

    const rejected = await township.post(`/hazards/${id}/reject`, {
      reason: '灭火器型号不符',
      version: reported.body.version,
    });
    expect(rejected.body).toMatchObject({
      status: 'rectifying',
      rejectReason: '灭火器型号不符',
      rejections: 1,
    });
    // Who rectifies hears why, in the rejection's own transaction.
    const told = (await unitUser.get('/notifications?unread=true')).body.items.filter(
      (n: { topic: string; subject: { id: string } }) =>
        n.topic === 'rectification_rejected' && n.subject.id === id,
    );
    expect(told).toHaveLength(1);
    expect(told[0].body).toContain('灭火器型号不符');
    const again = await unitUser.post(`/hazards/${id}/report-rectified`, {
      note: '已按要求更换',
      photoIds: [photoId],
    });
    expect(again.body.status).toBe('rectified');
    const stale = await township.post(`/hazards/${id}/verify`, { version: again.body.version - 1 });
    expect(stale.status).toBe(409);
    const closed = await township.post(`/hazards/${id}/verify`, {
      version: again.body.version,
      note: '现场复查合格',
    });
    expect(closed.body).toMatchObject({
      status: 'closed',
      resolution: { how: 'verified', by: 'township.officer' },
    });
    expect(closed.body.escalateAt).toBeUndefined();
    expect((await township.post(`/hazards/${id}/verify`)).status).toBe(409);

    const after = await levels();
    for (const [i, node] of after.entries()) {
      expect(delta(before[i]!, node)).toEqual({
        open: 0,
        overdue: 0,
        closed: 1,
        village: 0,
        township: 0,
        county: 0,
      });
    }
    const audit = await admin.get(`/hazards/${id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'started',
      'photo_added',
      'rectification_reported',
      'rejected',
      'rectification_reported',
      'verified',
    ]);
    expect(audit.body.items[4].reason).toBe('灭火器型号不符');
    expect(audit.body.items[3].details.photos[0]).toMatchObject({ id: photoId, sha256: expect.any(String) });
    expect(audit.body.chain).toEqual({ intact: true, length: 7 });
  });

  it('applies a step a phone sends twice with one Idempotency-Key once, answering the repeat as the first', async ({
    county,
    admin,
    unitUser,
    general,
  }) => {
    const created = await admin.post('/hazards', general(county.unit(1)));
    const id = created.body.id;
    const headers = { 'idempotency-key': `step-${id}`, 'if-match': '1' };
    const [first, second] = await Promise.all([
      unitUser.post(`/hazards/${id}/start`, {}, headers),
      unitUser.post(`/hazards/${id}/start`, {}, headers),
    ]);
    const late = await unitUser.post(`/hazards/${id}/start`, {}, headers);
    for (const answer of [first, second, late])
      expect(answer.body).toMatchObject({ status: 'rectifying', version: 2 });
    expect([first.status, second.status, late.status]).toEqual([200, 200, 200]);
    const trail = await admin.get(`/hazards/${id}/audit`);
    expect(trail.body.items.filter((e: { action: string }) => e.action === 'started')).toHaveLength(1);
    // Without the key the same stale step is a conflict, as for anyone else's change.
    expect((await unitUser.post(`/hazards/${id}/start`, {}, { 'if-match': '1' })).status).toBe(409);
  });

  it('lets the grid member resolve a general hazard on the spot with evidence', async ({
    county,
    admin,
    member,
    hazardStats,
    general,
    withPhoto,
  }) => {
    const before = await hazardStats(county.village1);
    const created = await member.post('/hazards', general());
    const refused = await member.post(`/hazards/${created.body.id}/resolve-on-site`, {
      note: '当场整改',
      photoIds: ['01JD5Y7ZK3QF8W0M2N4P6R8T0V'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('photoIds.0');
    const { photoId } = await withPhoto(created.body.id);
    const resolved = await member.post(`/hazards/${created.body.id}/resolve-on-site`, {
      note: '当场督促更换',
      photoIds: [photoId],
      location: { lat: 33.171, lng: 115.633 },
    });
    expect(resolved.body).toMatchObject({
      status: 'closed',
      resolution: { how: 'on_site', by: 'grid.member' },
    });
    expect(delta(before, await hazardStats(county.village1))).toEqual({
      open: 0,
      overdue: 0,
      closed: 1,
      village: 0,
      township: 0,
      county: 0,
    });
    const audit = await admin.get(`/hazards/${created.body.id}/audit`);
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'resolved_on_site',
      location: { lat: 33.171, lng: 115.633 },
    });
  });

  it('lets the department verify its industry’s hazards and refuses another department’s', async ({
    county,
    admin,
    department,
    member,
    general,
    withPhoto,
  }) => {
    const created = await member.post('/hazards', general());
    const { photoId } = await withPhoto(created.body.id);
    await member.post(`/hazards/${created.body.id}/report-rectified`, {
      note: '已整改',
      photoIds: [photoId],
    });
    expect((await department.post(`/hazards/${created.body.id}/verify`)).body.status).toBe('closed');
    // Unit 1 is a gas station: the commerce bureau's, not the emergency bureau's.
    const foreign = await admin.post('/hazards', general(county.unit(1)));
    expect((await department.get(`/hazards/${foreign.body.id}`)).status).toBe(403);
  });

  it('puts a major hazard under listed supervision: only the county closes it', async ({
    county,
    admin,
    township,
    department,
    member,
    hazardStats,
    levels,
    general,
    withPhoto,
  }) => {
    const before = await levels();
    const created = await member.post('/hazards', {
      ...general(),
      severity: 'major',
      title: '液氨机房无泄爆设施',
    });
    expect((await township.post(`/hazards/${created.body.id}/supervise`)).status).toBe(403);
    const listed = await admin.post(`/hazards/${created.body.id}/supervise`, {
      reason: '县安委办挂牌督办',
      responsibility: '冷库负责人',
      measures: '增设泄爆窗',
      funds: 20000,
      deadline: '2027-01-31',
      plan: '氨泄漏应急预案',
    });
    expect(listed.body).toMatchObject({ supervised: true, level: 'county', escalationStep: 2 });
    expect(delta(before[2]!, await hazardStats(county.county))).toMatchObject({
      open: 1,
      county: 1,
      township: 0,
    });
    const { photoId } = await withPhoto(created.body.id);
    await member.post(`/hazards/${created.body.id}/report-rectified`, {
      note: '已增设泄爆窗',
      photoIds: [photoId],
    });
    expect((await township.post(`/hazards/${created.body.id}/verify`)).status).toBe(403);
    // A listed hazard closes by the county's acceptance (验收) and then 销号.
    expect((await admin.post(`/hazards/${created.body.id}/accept`)).body.status).toBe('rectified');
    expect((await admin.post(`/hazards/${created.body.id}/delist`)).body.status).toBe('closed');
    const inbox = await department.get('/notifications');
    expect(
      inbox.body.items.some(
        (n: { topic: string; subject: { id: string } }) =>
          n.topic === 'hazard_supervised' && n.subject.id === created.body.id,
      ),
    ).toBe(true);
  });
});

describe('the board', () => {
  it('lists by escalation level within a township for its officer', async ({ county, township }) => {
    const page = await township.get(`/hazards?level=township&grid=${county.township1}&limit=100`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(
      page.body.items.every(
        (h: { level: string; gridPath: string }) =>
          h.level === 'township' && h.gridPath.includes(county.township1),
      ),
    ).toBe(true);
    expect((await township.get(`/hazards?grid=${county.township2}`)).status).toBe(403);
  });

  it('shows the seeded overdue hazards and the department’s own list', async ({
    county,
    admin,
    department,
    unitUser,
  }) => {
    const overdue = await admin.get('/hazards?overdue=true&limit=100');
    expect(overdue.body.items.length).toBeGreaterThan(0);
    expect(
      overdue.body.items.every(
        (h: { overdue: boolean; status: string }) => h.overdue && h.status !== 'closed',
      ),
    ).toBe(true);
    const own = await department.get('/hazards?limit=100');
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(
      own.body.items.every((h: { departmentId: string }) => h.departmentId === county.emergencyDept),
    ).toBe(true);
    const mine = await unitUser.get('/hazards');
    expect(mine.body.items.every((h: { unitId: string }) => h.unitId === county.unit(1))).toBe(true);
  });

  it('has hazards of the demo county at every status and every level, one under listed supervision', async ({
    admin,
  }) => {
    const all = (await admin.get('/hazards?limit=100')).body.items as {
      status: string;
      level: string;
      supervised: boolean;
    }[];
    expect(new Set(all.map((h) => h.status))).toEqual(new Set(['open', 'rectifying', 'rectified', 'closed']));
    expect(new Set(all.map((h) => h.level))).toEqual(new Set(['village', 'township', 'county']));
    expect(all.some((h) => h.supervised)).toBe(true);
  });

  it('answers 404 for a hazard of another county and for none at all', async ({
    api,
    county,
    neighbour,
    admin,
    member,
  }) => {
    const foreign = (
      await clientFor(
        api.app,
        neighbour.tenant,
        await api.login(neighbour.tenant, 'county.admin', DEMO_LOGIN_PASSWORD),
      ).get('/hazards?limit=1')
    ).body.items[0];
    expect((await admin.get(`/hazards/${foreign.id}`)).status).toBe(404);
    expect((await admin.get('/hazards/01JD5Y7ZK3QF8W0M2N4P6R8T0V')).status).toBe(404);
    expect((await member.get(`/hazards?grid=${county.village2}`)).status).toBe(403);
    const bogus = await admin.get(`/hazards?grid=${encodeURIComponent('中'.repeat(600))}`);
    expect(bogus.status).toBe(400);
    expect(bogus.body.errors[0].path).toBe('query.grid');
  });

  it('keeps the county’s hazard counters equal to the sum of its townships’', async ({
    county,
    admin,
    hazardStats,
  }) => {
    const countyStats = await hazardStats(county.county);
    const townships = (await admin.get(`/grids?parent=${county.county}`)).body.items as { id: string }[];
    const sums = { open: 0, overdue: 0, closed: 0, village: 0, township: 0, county: 0 };
    for (const t of townships) {
      const s = await hazardStats(t.id);
      sums.open += s.open;
      sums.overdue += s.overdue;
      sums.closed += s.closed;
      sums.village += s.byLevel.village;
      sums.township += s.byLevel.township;
      sums.county += s.byLevel.county;
    }
    expect(sums).toEqual({
      open: countyStats.open,
      overdue: countyStats.overdue,
      closed: countyStats.closed,
      ...countyStats.byLevel,
    });
    expect(countyStats.open).toBe(
      countyStats.byLevel.village + countyStats.byLevel.township + countyStats.byLevel.county,
    );
    // The counters equal what the board holds.
    const board = await everyItem<{ status: string; overdue: boolean }>(admin, '/hazards');
    expect(board.filter((h) => h.status !== 'closed').length).toBe(countyStats.open);
    expect(board.filter((h) => h.status === 'closed').length).toBe(countyStats.closed);
    expect(board.filter((h) => h.status !== 'closed' && h.overdue).length).toBe(countyStats.overdue);
  });
});

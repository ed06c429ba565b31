import { systemClock, ulidSource } from '@gridsafe/core';
import { planPatrols, SettingsRepository } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { encodeUtf8WithBom, unitsCsv } from '../support/csv-fixtures.ts';
import { type Client, countyTest, everyItem, hazardStats } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';

const it = countyTest({ prefix: 'pa' });

interface PatrolView {
  id: string;
  unitId: string;
  gridPath: string;
  status: string;
  overdue: boolean;
  dueAt: string;
  version: number;
  checklist: { code: string; text: string; riskPointId?: string }[];
  targets: { location: { lat: number; lng: number } }[];
}

/** The open task of a unit (every unit has exactly one). */
async function openTaskOf(member: Client, unitId: string): Promise<PatrolView> {
  const page = await member.get(`/patrols?unit=${unitId}&status=scheduled`);
  expect(page.body.items).toHaveLength(1);
  return page.body.items[0];
}
const answersFor = (patrol: PatrolView) =>
  patrol.checklist.map((item) => ({ code: item.code, result: 'ok' as const }));

describe('patrol tasks', () => {
  it('shows the grid member the tasks of its own village, due and overdue', async ({
    county,
    member,
    unitUser,
  }) => {
    const mine = await member.get('/patrols?assignee=me&limit=100');
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((p: PatrolView) => p.gridPath.endsWith(county.village1))).toBe(true);
    expect(mine.body.items.some((p: PatrolView) => p.overdue)).toBe(true);
    const due = await member.get('/patrols?assignee=me&status=scheduled&limit=100');
    expect(due.body.items.every((p: PatrolView) => p.status === 'scheduled')).toBe(true);
    expect((await member.get(`/patrols?grid=${county.village2}`)).status).toBe(403);
    expect((await unitUser.get('/patrols')).status).toBe(403);
  });

  it('shows overdue patrols on every level above: the township’s officer and the county', async ({
    county,
    admin,
    township,
  }) => {
    const overdue = await township.get('/patrols?status=overdue&limit=100');
    expect(overdue.status).toBe(200);
    const items = overdue.body.items as PatrolView[];
    expect(items.some((p) => p.gridPath.endsWith(county.village1))).toBe(true);
    expect(
      items.every((p) => p.overdue && p.status === 'scheduled' && p.gridPath.includes(county.township1)),
    ).toBe(true);
    const countyWide = (await admin.get('/patrols?status=overdue&limit=100')).body.items as PatrolView[];
    expect(countyWide.some((p) => p.gridPath.includes(county.township2))).toBe(true);
    expect(countyWide.length).toBeGreaterThan(items.length);
    expect((await township.get(`/patrols?grid=${county.township2}&status=overdue`)).status).toBe(403);
  });

  it('plans a task for every unit, the department seeing its own industries’', async ({
    county,
    admin,
    department,
  }) => {
    const all = await admin.get('/patrols?status=scheduled&limit=100');
    expect(new Set(all.body.items.map((p: PatrolView) => p.unitId)).size).toBe(39);
    const own = await department.get('/patrols?limit=100');
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(
      own.body.items.every((p: { departmentId: string }) => p.departmentId === county.emergencyDept),
    ).toBe(true);
  });
});

describe('completing a patrol', () => {
  it('records every item, opens a hazard for the deficient one in the same transaction and flags a far position', async ({
    county,
    admin,
    member,
  }) => {
    const patrol = await openTaskOf(member, county.unit(3));
    const before = await hazardStats(admin, county.village1);
    const bytes = testJpeg(7001);
    const requested = await member.post(`/patrols/${patrol.id}/photos`, {
      contentType: 'image/jpeg',
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    });
    expect(requested.status).toBe(201);
    await uploadWith(requested.body.upload, bytes);
    const target = patrol.targets[0]!.location;
    const answers = answersFor(patrol).map((a, i) =>
      i === 1
        ? {
            code: a.code,
            result: 'deficient' as const,
            note: '灭火器压力不足',
            photoIds: [requested.body.photo.id],
            severity: 'general' as const,
          }
        : a,
    );
    const done = await member.post(`/patrols/${patrol.id}/complete`, {
      position: { lat: target.lat + 0.02, lng: target.lng },
      items: answers,
    });
    expect(done.status).toBe(200);
    expect(done.body.patrol).toMatchObject({
      status: 'done',
      completedBy: 'grid.member',
      distanceFlagged: true,
      overdue: false,
    });
    expect(done.body.patrol.distanceMeters).toBeGreaterThan(2000);
    expect(done.body.hazards).toHaveLength(1);
    const hazard = done.body.hazards[0];
    expect(hazard).toMatchObject({
      status: 'open',
      level: 'village',
      source: 'patrol',
      patrolId: patrol.id,
      checklistCode: patrol.checklist[1]!.code,
      unitId: county.unit(3),
    });
    expect(hazard.photos[0]).toMatchObject({ status: 'verified', sha256: sha256Hex(bytes) });
    expect(done.body.patrol.items[1]).toMatchObject({ result: 'deficient', hazardId: hazard.id });

    expect((await member.get(`/hazards/${hazard.id}`)).body.status).toBe('open');
    const after = await hazardStats(admin, county.village1);
    expect(after.open).toBe(before.open + 1);
    expect(after.byLevel.village).toBe(before.byLevel.village + 1);
    const audit = await admin.get(`/patrols/${patrol.id}/audit`);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['scheduled', 'completed']);
    expect(audit.body.items[1].details).toMatchObject({
      deficient: 1,
      hazardIds: [hazard.id],
      distanceFlagged: true,
    });
    expect(audit.body.items[1].location).toEqual({ lat: target.lat + 0.02, lng: target.lng });

    // The next task is scheduled in the same write and now holds the unit's open slot.
    const next = await openTaskOf(member, county.unit(3));
    expect(next.id).toBe(done.body.next.id);
    expect(
      (await member.post(`/patrols/${patrol.id}/complete`, { position: target, items: answersFor(patrol) }))
        .status,
    ).toBe(409);
  });

  it('does not flag a position at the unit, and writes one result when two devices complete at once', async ({
    county,
    admin,
    member,
  }) => {
    const patrol = await openTaskOf(member, county.unit(1));
    const before = await hazardStats(admin, county.village1);
    const position = patrol.targets[0]!.location;
    const items = answersFor(patrol).map((a, i) =>
      i === 0 ? { code: a.code, result: 'deficient' as const, note: '制度未上墙' } : a,
    );
    const results = await Promise.all(
      [1, 2, 3].map(() => member.post(`/patrols/${patrol.id}/complete`, { position, items })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.patrol).toMatchObject({ distanceMeters: 0, distanceFlagged: false });
    // Exactly one hazard, not three: the hazards are written in the patrol's own transaction.
    expect((await hazardStats(admin, county.village1)).open).toBe(before.open + 1);
    expect((await member.get(`/patrols?unit=${county.unit(1)}&status=scheduled`)).body.items).toHaveLength(1);
  });

  it('returns the first answer to a retry with the same Idempotency-Key', async ({ county, member }) => {
    const patrol = await openTaskOf(member, county.unit(2));
    const body = { position: patrol.targets[0]!.location, items: answersFor(patrol) };
    const first = await member.post(`/patrols/${patrol.id}/complete`, body, {
      'idempotency-key': 'phone-7-patrol-1',
    });
    const retry = await member.post(`/patrols/${patrol.id}/complete`, body, {
      'idempotency-key': 'phone-7-patrol-1',
    });
    expect(retry.status).toBe(200);
    expect(retry.body.next.id).toBe(first.body.next.id);
  });

  it('names missing and unknown answers, and refuses more deficient items than one transaction can hold', async ({
    county,
    admin,
    department,
    member,
  }) => {
    const patrol = await openTaskOf(member, county.unit(3));
    const position = patrol.targets[0]!.location;
    const [, ...rest] = answersFor(patrol);
    const missing = await member.post(`/patrols/${patrol.id}/complete`, {
      position,
      items: [...rest, { code: 'nope', result: 'ok' }],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['items', `items.${rest.length}.code`]),
    );
    expect(
      (
        await member.post(`/patrols/${patrol.id}/complete`, {
          position: { lat: 0, lng: 0 },
          items: answersFor(patrol),
        })
      ).status,
    ).toBe(400);
    // The seeded checklists are shorter than the limit, so the answers are padded with codes
    // the checklist lacks: the limit counts every deficient answer sent.
    const deficient = Array.from({ length: 16 }, (_, index) => ({
      code: patrol.checklist[index]?.code ?? `extra-${index}`,
      result: 'deficient',
      note: '缺失',
    }));
    const before = await hazardStats(admin, county.village1);
    const tooMany = await member.post(`/patrols/${patrol.id}/complete`, { position, items: deficient });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toContainEqual(
      expect.objectContaining({ path: 'items', message: expect.stringContaining('at most 15 deficient') }),
    );
    expect((await hazardStats(admin, county.village1)).open).toBe(before.open);
    const still = await member.get(`/patrols/${patrol.id}`);
    expect(still.body).toMatchObject({ status: 'scheduled', version: patrol.version });
    expect(
      (await department.post(`/patrols/${patrol.id}/complete`, { position, items: answersFor(patrol) }))
        .status,
    ).toBe(403);
  });
});

describe('the daily patrol plan', () => {
  it('gives each new unit one task when two plans run at once, their transactions racing on the statistics', async ({
    api,
    county,
    store,
    admin,
  }) => {
    // 60 units of one village, none with a task yet (the import plans none).
    const rows = Array.from({ length: 60 }, (_, i) => ({
      name: `并发巡查计划${i + 1}号店`,
      serial: 8100 + i,
      industry: 'gas',
      township: '城关镇',
      village: '南关村',
    }));
    const imported = await api.app.request(`/t/${county.tenant}/api/v1/units/import`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD)}`,
        'content-type': 'text/csv',
      },
      body: encodeUtf8WithBom(unitsCsv(rows)),
    });
    expect(((await imported.json()) as { summary: unknown }).summary).toMatchObject({ created: 60 });
    const { settings } = await new SettingsRepository(store).get();
    const plan = () => planPatrols({ store, clock: systemClock, settings, ids: ulidSource, force: true });

    // Each plan schedules its units 8 at a time: 16 transactions at once update the village's statistics items.
    const [a, b] = await Promise.all([plan(), plan()]);
    const tasksOf = async () => {
      const tasks = await everyItem<{ unitId: string }>(admin, '/patrols?status=scheduled');
      const byUnit = new Map<string, number>();
      for (const task of tasks) byUnit.set(task.unitId, (byUnit.get(task.unitId) ?? 0) + 1);
      return byUnit;
    };
    const units = await everyItem<{ id: string; name: string }>(admin, `/units?grid=${county.county}`);
    const newIds = units.filter((unit) => unit.name.startsWith('并发巡查计划')).map((unit) => unit.id);
    expect(newIds).toHaveLength(60);
    const first = await tasksOf();
    // No unit got two tasks; a unit whose transaction lost every race waits for the next plan.
    expect(newIds.every((id) => (first.get(id) ?? 0) <= 1)).toBe(true);
    expect(a.created + b.created).toBe(newIds.filter((id) => first.get(id) === 1).length);
    expect(a.created + b.created).toBeGreaterThan(0);

    // The next plan gives the rest theirs: every new unit has exactly one.
    await plan();
    const after = await tasksOf();
    expect(newIds.every((id) => after.get(id) === 1)).toBe(true);
  });
});

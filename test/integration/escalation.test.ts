import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AdjustableClock, addWorkingDays, type NotificationMessage, type Notifier } from '@gridsafe/core';
import { runEscalationSweep, SettingsRepository, TenantStore } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import type { TestApi } from '../support/fixtures.ts';
import { type Client, countyTest, everyItem, hazardStats } from '../support/fixtures.ts';
import type { SeededCounty } from '../support/harness.ts';
import { sha256Hex, testJpeg, uploadWith } from '../support/photos.ts';

const DAY = 86_400_000;
const clock = new AdjustableClock();

/** Every command the sweep sends, so the test can see it reads the `due` index and never scans. */
const sent: { name: string; input: Record<string, unknown> }[] = [];
const delivered: NotificationMessage[] = [];
const recordingNotifier: Notifier = { notify: async (messages) => void delivered.push(...messages) };

function sweep(api: TestApi, county: SeededCounty) {
  const client = api.deps.documentClient;
  const spy = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return client.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
  const store = new TenantStore(spy, api.tableName, county.tenant);
  return new SettingsRepository(store)
    .get()
    .then(({ settings }) => runEscalationSweep({ store, clock, settings, notifier: recordingNotifier }));
}

const it = countyTest({ prefix: 'es', clock })
  /** The sweep, run once before the first test: whatever the demo seed left due moves then, so each test sees only its own hazards move. */
  .extend('sweep', { scope: 'file', auto: true }, async ({ api, county }) => {
    await sweep(api, county);
    return () => sweep(api, county);
  })
  /** Unit 3: an ammonia cold store in village 1 of township 1, under the emergency bureau. */
  .extend(
    'report',
    { scope: 'file' },
    ({ member, county }) =>
      (severity: 'general' | 'major' = 'general', title = '冷库氨压缩机房通风不良') =>
        member.post('/hazards', { unitId: county.unit(3), severity, title }),
  )
  .extend(
    'stats',
    { scope: 'file' },
    ({ admin }) =>
      (gridId: string) =>
        hazardStats(admin, gridId),
  )
  .extend(
    'escalations',
    { scope: 'file' },
    ({ admin }) =>
      (id: string) =>
        escalations(admin, id),
  );

async function escalations(admin: Client, id: string) {
  return (await admin.get(`/hazards/${id}/audit`)).body.items.filter(
    (e: { action: string }) => e.action === 'escalated',
  ) as {
    changes: { level: { before: string; after: string } };
  }[];
}

describe('the escalation sweep', () => {
  it('raises a hazard whose deadline passed one step, marks it overdue and tells both chains', async ({
    county,
    admin,
    township,
    department,
    member,
    sweep,
    report,
    stats,
  }) => {
    const created = await report();
    expect(created.body.level).toBe('village');
    // The deadline counts working days: the day before it, nothing is due yet.
    clock.advance(Date.parse(created.body.deadline) - clock.now().getTime() - DAY);
    await sweep();
    expect((await admin.get(`/hazards/${created.body.id}`)).body).toMatchObject({
      level: 'village',
      overdue: false,
    });
    // A second of the deadline left: whatever else fell due meanwhile moves now (a seeded hazard raised by the
    // first sweep gets a fresh grace of working days that can end on the same day as this deadline), so the next
    // sweep moves this hazard alone. Counted from the deadline again, not a day on from the last advance: the
    // clock runs on in real time, and on a slow machine the sweep and the read above take more than that second.
    clock.advance(Date.parse(created.body.deadline) - clock.now().getTime() - 1000);
    await sweep();
    expect((await admin.get(`/hazards/${created.body.id}`)).body.overdue).toBe(false);
    const [villageBefore, townshipBefore, countyBefore] = await Promise.all([
      stats(county.village1),
      stats(county.township1),
      stats(county.county),
    ]);

    clock.advance(1000 + 60_000);
    sent.length = 0;
    delivered.length = 0;
    const result = await sweep();
    expect(result).toMatchObject({ escalated: 1, markedOverdue: 1, skipped: 0, failed: 0 });
    const hazard = (await admin.get(`/hazards/${created.body.id}`)).body;
    expect(hazard).toMatchObject({ level: 'township', escalationStep: 1, overdue: true, status: 'open' });
    // A fresh grace period (the settings' 7 working days) from the step.
    expect(hazard.escalateAt).toBe(addWorkingDays(new Date(hazard.escalations.at(-1).at), 7).toISOString());
    expect(hazard.escalations.at(-1)).toMatchObject({
      from: 'village',
      to: 'township',
      cause: 'deadline',
      by: 'escalation-sweep',
    });

    for (const [before, gridId] of [
      [villageBefore, county.village1],
      [townshipBefore, county.township1],
      [countyBefore, county.county],
    ] as const) {
      const after = await stats(gridId);
      expect({
        open: after.open - before.open,
        overdue: after.overdue - before.overdue,
        ...diffLevels(before.byLevel, after.byLevel),
      }).toEqual({
        open: 0,
        overdue: 1,
        village: -1,
        township: 1,
        county: 0,
      });
    }

    // Both chains: the township (territorial) and the emergency bureau (industry) each see it.
    for (const client of [township, department]) {
      const inbox = await client.get('/notifications?unread=true');
      const notice = inbox.body.items.find(
        (n: { subject: { id: string } }) => n.subject.id === created.body.id,
      );
      expect(notice).toMatchObject({ topic: 'hazard_escalated', read: false });
      const read = await client.post(`/notifications/${notice.id}/read`);
      expect(read.body.read).toBe(true);
      const after = await client.get('/notifications?unread=true');
      expect(after.body.items.some((n: { id: string }) => n.id === notice.id)).toBe(false);
    }
    expect(delivered.map((n) => n.recipient)).toEqual([
      { kind: 'grid', id: county.township1 },
      { kind: 'dept', id: county.emergencyDept },
    ]);
    // A grid member cannot read the township's notices.
    const someNotice = (await township.get('/notifications')).body.items[0];
    expect((await member.post(`/notifications/${someNotice.id}/read`)).status).toBe(404);

    // It read the sparse `due` index and nothing was ever scanned.
    expect(sent.some((c) => c.name === 'QueryCommand' && c.input.IndexName === 'due')).toBe(true);
    expect(sent.some((c) => c.name === 'ScanCommand')).toBe(false);
  });

  it('raises each hazard exactly once per step when two sweeps run at the same time', async ({
    county,
    admin,
    township,
    sweep,
    report,
    stats,
    escalations,
  }) => {
    const ids = await Promise.all([report(), report(), report('general', '冷库门禁失效')]).then((rs) =>
      rs.map((r) => r.body.id as string),
    );
    const before = await stats(county.county);
    // Past the 30 working days of a general hazard's deadline, whatever holidays lie between.
    clock.advance(60 * DAY);
    const [a, b] = await Promise.all([sweep(), sweep()]);
    expect(a.failed + b.failed).toBe(0);
    for (const id of ids) {
      const steps = await escalations(id);
      expect(steps.map((s) => `${s.changes.level.before}>${s.changes.level.after}`)).toEqual([
        'village>township',
      ]);
      const audit = await admin.get(`/hazards/${id}/audit`);
      expect(audit.body.chain.intact).toBe(true);
    }
    const after = await stats(county.county);
    // Ours moved village → township once each (earlier hazards may have moved on too: all of it adds up).
    expect(after.open).toBe(before.open);
    expect(after.byLevel.village + after.byLevel.township + after.byLevel.county).toBe(after.open);
    const all = await allOpenHazards(admin);
    expect(all.filter((h) => h.level === 'township').length).toBe(after.byLevel.township);
    expect(all.filter((h) => h.overdue).length).toBe(after.overdue);
  });

  it('changes nothing when run again after it finished', async ({ county, sweep, stats }) => {
    await sweep();
    const before = await stats(county.county);
    const again = await sweep();
    expect(again).toMatchObject({ due: 0, escalated: 0, markedOverdue: 0 });
    expect(await stats(county.county)).toEqual(before);
  });

  it('takes a major hazard from the township to the county when its deadline passes', async ({
    county,
    admin,
    township,
    sweep,
    report,
    escalations,
  }) => {
    const created = await report('major', '液氨储罐无围堰');
    expect(created.body.level).toBe('township');
    // Past the 90 working days of a major hazard's deadline.
    clock.advance(150 * DAY);
    await Promise.all([sweep(), sweep(), sweep()]);
    const hazard = (await admin.get(`/hazards/${created.body.id}`)).body;
    expect(hazard).toMatchObject({ level: 'county', overdue: true });
    expect(hazard.escalateAt).toBeUndefined();
    const steps = await escalations(created.body.id);
    expect(steps.map((s) => `${s.changes.level.before}>${s.changes.level.after}`)).toEqual([
      'village>township',
      'township>county',
    ]);
    const inbox = await admin.get('/notifications');
    expect(inbox.body.items.some((n: { subject: { id: string } }) => n.subject.id === created.body.id)).toBe(
      true,
    );
  });

  it('lets an officer raise a hazard one level by hand, keeping the deadline as the next due time', async ({
    admin,
    township,
    department,
    member,
    report,
  }) => {
    const created = await report();
    expect((await member.post(`/hazards/${created.body.id}/escalate`)).status).toBe(403);
    const raised = await township.post(`/hazards/${created.body.id}/escalate`, { reason: '需县级协调' });
    expect(raised.body).toMatchObject({
      level: 'township',
      escalationStep: 1,
      overdue: false,
      escalateAt: created.body.deadline,
    });
    const audit = await admin.get(`/hazards/${created.body.id}/audit`);
    expect(audit.body.items.at(-1)).toMatchObject({
      action: 'escalated',
      reason: '需县级协调',
      details: { cause: 'manual', from: 'village', to: 'township' },
    });
    const inbox = await department.get('/notifications');
    expect(inbox.body.items.some((n: { subject: { id: string } }) => n.subject.id === created.body.id)).toBe(
      true,
    );
  });

  it('stops watching a hazard once it is closed: a passed deadline no longer raises it', async ({
    admin,
    member,
    sweep,
    report,
  }) => {
    const created = await report();
    const bytes = testJpeg(8801);
    const requested = await member.post(`/hazards/${created.body.id}/photos`, {
      contentType: 'image/jpeg',
      size: bytes.byteLength,
      sha256: sha256Hex(bytes),
    });
    await uploadWith(requested.body.upload, bytes);
    await member.post(`/hazards/${created.body.id}/photos/${requested.body.photo.id}/confirm`);
    const closed = await member.post(`/hazards/${created.body.id}/resolve-on-site`, {
      note: '当场整改',
      photoIds: [requested.body.photo.id],
    });
    expect(closed.body.status).toBe('closed');
    clock.advance(40 * DAY);
    await sweep();
    const after = (await admin.get(`/hazards/${created.body.id}`)).body;
    expect(after).toMatchObject({
      status: 'closed',
      level: 'village',
      overdue: false,
      escalations: [],
      version: closed.body.version,
    });
  });
});

function diffLevels(before: Record<string, number>, after: Record<string, number>) {
  return {
    village: after.village! - before.village!,
    township: after.township! - before.township!,
    county: after.county! - before.county!,
  };
}

async function allOpenHazards(admin: Client) {
  const items = await everyItem<{ level: string; overdue: boolean; status: string }>(admin, '/hazards');
  return items.filter((h) => h.status !== 'closed');
}

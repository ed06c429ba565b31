import { AdjustableClock } from '@gridsafe/core';
import { runEscalationSweep, runReminderSweep, SettingsRepository, type TenantStore } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { type Client, countyTest } from '../support/fixtures.ts';

const clock = new AdjustableClock();

async function escalationSweep(store: TenantStore) {
  const { settings } = await new SettingsRepository(store).get();
  return runEscalationSweep({ store, clock, settings });
}

const it = countyTest({ prefix: 'nt', clock })
  /** A major hazard goes to the township at once (重大隐患即时上报), and the township hears of it. */
  .extend('reportMajor', { scope: 'file' }, ({ county, member }) => async (title: string) => {
    const created = await member.post('/hazards', { unitId: county.unit(3), severity: 'major', title });
    expect(created.status).toBe(201);
    clock.advance(1000);
    return created.body.id as string;
  })
  .extend(
    'remind',
    { scope: 'file' },
    ({ store }) =>
      () =>
        runReminderSweep({ store, clock }),
  );

// Whatever the demo seed left due is swept first, so each test sees only its own notices arrive.
it.beforeAll(async ({ store }) => void (await escalationSweep(store)));

const unread = async (client: Client) =>
  (await client.get('/notifications/unread-count')).body as { count: number; more: boolean };

describe('the notice bell', () => {
  it('counts a new notice for the township officer and drops by one when it is read', async ({
    township,
    reportMajor,
  }) => {
    const before = await unread(township);
    const hazardId = await reportMajor('液氨储罐区无围堰');
    expect((await unread(township)).count).toBe(before.count + 1);

    const inbox = await township.get('/notifications?unread=true');
    const notice = inbox.body.items.find((n: { subject: { id: string } }) => n.subject.id === hazardId);
    expect(notice).toMatchObject({ topic: 'hazard_escalated', subject: { type: 'hazard' }, read: false });
    await township.post(`/notifications/${notice.id}/read`);
    expect((await unread(township)).count).toBe(before.count);
  });

  it('marks everything read at once for the caller only, and counts what arrives afterwards', async ({
    township,
    department,
    reportMajor,
  }) => {
    await reportMajor('液氨管道腐蚀');
    expect((await unread(township)).count).toBeGreaterThan(0);
    const departmentBefore = await unread(department);

    const marked = await township.post('/notifications/read-all');
    expect(marked.status).toBe(200);
    expect(await unread(township)).toEqual({ count: 0, more: false });
    const list = await township.get('/notifications');
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((n: { read: boolean }) => n.read)).toBe(true);
    // The department heard of the same hazards; its notices stay unread.
    expect(await unread(department)).toEqual(departmentBefore);

    const later = await reportMajor('冷库门禁失效');
    expect((await unread(township)).count).toBe(1);
    const fresh = await township.get('/notifications?unread=true');
    expect(fresh.body.items.map((n: { subject: { id: string } }) => n.subject.id)).toEqual([later]);
    // Again is harmless.
    expect((await township.post('/notifications/read-all')).status).toBe(200);
    expect((await unread(township)).count).toBe(0);
  });

  it('answers a grid member with nothing unread when no notice names its posts', async ({ member }) => {
    const mine = await member.get('/notifications');
    expect((await unread(member)).count).toBe(
      mine.body.items.filter((n: { read: boolean }) => !n.read).length,
    );
  });
});

describe('reminders', () => {
  it('reminds the village of an overdue patrol once, however many sweeps run, and not the township', async ({
    member,
    township,
    remind,
  }) => {
    const scheduled = await member.get('/patrols?status=scheduled&limit=1');
    const patrol = scheduled.body.items[0] as { id: string; dueAt: string };
    // An hour past its due time (back or forward): the first sweep after a patrol falls due.
    clock.advance(Date.parse(patrol.dueAt) + 3_600_000 - clock.now().getTime());
    await remind();
    const again = await remind();
    expect(again.created).toBe(0);

    const inbox = await member.get('/notifications?limit=100');
    const patrolNotices = inbox.body.items.filter(
      (n: { topic: string; subject: { id: string } }) =>
        n.topic === 'patrol_overdue' && n.subject.id === patrol.id,
    );
    expect(patrolNotices).toHaveLength(1);
    expect(patrolNotices[0].subject).toEqual({ type: 'patrol', id: patrol.id });
    const townshipInbox = await township.get('/notifications?limit=100');
    expect(townshipInbox.body.items.some((n: { topic: string }) => n.topic === 'patrol_overdue')).toBe(false);
  });

  it('reminds the unit and the village of a hazard deadline three days ahead once, however many sweeps run', async ({
    county,
    member,
    remind,
  }) => {
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '配电箱未接地',
    });
    const deadline = Date.parse(created.body.deadline);
    clock.advance(deadline - 2 * 86_400_000 - clock.now().getTime());

    const first = await remind();
    const second = await remind();
    expect(first.created).toBeGreaterThan(0);
    expect(second).toEqual({ created: 0, existing: first.created + first.existing });

    const inbox = await member.get('/notifications?limit=100');
    const reminders = inbox.body.items.filter(
      (n: { topic: string; subject: { id: string } }) =>
        n.topic === 'hazard_deadline_near' && n.subject.id === created.body.id,
    );
    expect(reminders).toHaveLength(1);
    expect(reminders[0].title).toContain('配电箱未接地');
  });
});

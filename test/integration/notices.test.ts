import { AdjustableClock } from '@gridsafe/core';
import { runEscalationSweep, SettingsRepository, TenantStore } from '@gridsafe/db';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clientFor,
  DEMO_LOGIN_PASSWORD,
  type SeededCounty,
  seedTestCounty,
  startTestApi,
  uniqueTenant,
} from '../support/harness.ts';

const clock = new AdjustableClock();
let api: Awaited<ReturnType<typeof startTestApi>>;
let county: SeededCounty;
let township: ReturnType<typeof clientFor>;
let member: ReturnType<typeof clientFor>;
let department: ReturnType<typeof clientFor>;

async function sweep() {
  const store = new TenantStore(api.deps.documentClient, api.tableName, county.tenant);
  const { settings } = await new SettingsRepository(store).get();
  return runEscalationSweep({ store, clock, settings });
}

beforeAll(async () => {
  const tenant = uniqueTenant('nt');
  api = await startTestApi({ tenants: [tenant], clock });
  county = await seedTestCounty(api, tenant);
  const login = async (username: string) =>
    clientFor(api.app, tenant, await api.login(tenant, username, DEMO_LOGIN_PASSWORD));
  township = await login('township.officer');
  member = await login('grid.member');
  department = await login('dept.officer');
  // Whatever the demo seed left due is swept first, so each test sees only its own notices arrive.
  await sweep();
}, 180_000);

/** A major hazard goes to the township at once (重大隐患即时上报), and the township hears of it. */
const reportMajor = async (title: string) => {
  const created = await member.post('/hazards', { unitId: county.unit(3), severity: 'major', title });
  expect(created.status).toBe(201);
  clock.advance(1000);
  return created.body.id as string;
};

const unread = async (client: ReturnType<typeof clientFor>) =>
  (await client.get('/notifications/unread-count')).body as { count: number; more: boolean };

describe('the notice bell', () => {
  it('counts a new notice for the township officer and drops by one when it is read', async () => {
    const before = await unread(township);
    const hazardId = await reportMajor('液氨储罐区无围堰');
    expect((await unread(township)).count).toBe(before.count + 1);

    const inbox = await township.get('/notifications?unread=true');
    const notice = inbox.body.items.find((n: { subject: { id: string } }) => n.subject.id === hazardId);
    expect(notice).toMatchObject({ topic: 'hazard_escalated', subject: { type: 'hazard' }, read: false });
    await township.post(`/notifications/${notice.id}/read`);
    expect((await unread(township)).count).toBe(before.count);
  });

  it('marks everything read at once for the caller only, and counts what arrives afterwards', async () => {
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

  it('answers a grid member with nothing unread when no notice names its posts', async () => {
    const mine = await member.get('/notifications');
    expect((await unread(member)).count).toBe(
      mine.body.items.filter((n: { read: boolean }) => !n.read).length,
    );
  });
});

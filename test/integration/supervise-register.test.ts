import { countyApiBasePath } from '@gridsafe/core/contract';
import { HazardRepository, hazardEntity, migrateSupervisedToRegister } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const FIVE = {
  responsibility: '冷库负责人张三；乡镇安监站',
  measures: '增设泄爆窗，更换氨泄漏报警器',
  funds: 120000,
  deadline: '2027-02-28',
  plan: '氨泄漏专项应急预案：停机、疏散、喷淋',
};

let serial = 0;
const it = countyTest({ prefix: 'sv' })
  /** A major hazard in the grid member's village (unit 3, an ammonia cold store), open. */
  .extend('major', { scope: 'file' }, ({ member, county }) => async () => {
    const created = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'major',
      title: `液氨机房无泄爆设施${++serial}`,
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; version: number };
  })
  /** The API's HTML answer (the client reads JSON). */
  .extend('html', { scope: 'file' }, async ({ api, county }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    return async (path: string) => {
      const response = await api.app.request(`${countyApiBasePath(county.tenant)}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        csp: response.headers.get('content-security-policy') ?? '',
        text: await response.text(),
      };
    };
  });

describe('listing a major hazard for supervision (挂牌督办)', () => {
  it('refuses a listing without its 五落实 and names each missing field, changing nothing', async ({
    admin,
    major,
  }) => {
    const hazard = await major();
    // The shape a phone queued before the fields existed.
    const refused = await admin.post(`/hazards/${hazard.id}/supervise`, { reason: '县安委办挂牌督办' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'responsibility',
      'measures',
      'funds',
      'deadline',
      'plan',
    ]);
    const partial = await admin.post(`/hazards/${hazard.id}/supervise`, {
      ...FIVE,
      funds: undefined,
      plan: '',
    });
    expect(partial.status).toBe(400);
    expect((await admin.get(`/hazards/${hazard.id}`)).body).toMatchObject({
      supervised: false,
      version: hazard.version,
    });
  });

  it('lists a major hazard with its 五落实 and a 督办单 numbered per county and year', async ({
    admin,
    major,
  }) => {
    const [a, b] = [await major(), await major()];
    const first = await admin.post(`/hazards/${a.id}/supervise`, FIVE);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      supervised: true,
      level: 'county',
      supervision: { ...FIVE, stage: 'listed' },
    });
    const second = await admin.post(`/hazards/${b.id}/supervise`, FIVE);
    const [year, n] = (first.body.supervision.number as string).split('-');
    expect(year).toMatch(/^20\d\d$/);
    expect(second.body.supervision.number).toBe(`${year}-${String(Number(n) + 1).padStart(3, '0')}`);
    const audit = await admin.get(`/hazards/${a.id}/audit`);
    expect(audit.body.items.at(-1)).toMatchObject({ action: 'supervised' });
    expect(audit.body.chain.intact).toBe(true);
  });

  it('prints the 督办单 as a page that runs no script, with its number and the five commitments', async ({
    admin,
    major,
    html,
  }) => {
    const hazard = await major();
    const listed = await admin.post(`/hazards/${hazard.id}/supervise`, FIVE);
    const page = await html(`/hazards/${hazard.id}/supervision-order`);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.csp).toContain("default-src 'none'");
    expect(page.text).toContain('重大事故隐患挂牌督办通知书');
    expect(page.text).toContain(listed.body.supervision.number.slice(5));
    for (const value of [FIVE.responsibility, FIVE.measures, FIVE.plan, FIVE.deadline])
      expect(page.text).toContain(value);
    expect((await html(`/hazards/${(await major()).id}/supervision-order`)).status).toBe(409);
  });
});

describe('closing a listed hazard: 验收 and then 销号', () => {
  it('closes only through the county admin’s acceptance and then 销号, each audited', async ({
    admin,
    township,
    member,
    major,
    county,
  }) => {
    const hazard = await major();
    await admin.post(`/hazards/${hazard.id}/supervise`, FIVE);
    // Before the rectification is reported there is nothing to accept.
    expect((await admin.post(`/hazards/${hazard.id}/accept`)).status).toBe(409);
    const photo = await addFixPhoto(member, county.tenant, hazard.id);
    const reported = await member.post(`/hazards/${hazard.id}/report-rectified`, {
      note: '已增设',
      photoIds: [photo],
    });
    expect(reported.status).toBe(200);
    expect(reported.body.allowedActions ?? []).not.toContain('accept');
    expect((await admin.get(`/hazards/${hazard.id}`)).body.allowedActions).toEqual(['reject', 'accept']);
    expect((await admin.post(`/hazards/${hazard.id}/verify`)).status).toBe(409);
    expect((await admin.post(`/hazards/${hazard.id}/delist`)).status).toBe(409);
    expect((await township.post(`/hazards/${hazard.id}/accept`)).status).toBe(403);
    const accepted = await admin.post(`/hazards/${hazard.id}/accept`, { note: '现场验收合格' });
    expect(accepted.body).toMatchObject({ status: 'rectified', supervision: { stage: 'accepted' } });
    const delisted = await admin.post(`/hazards/${hazard.id}/delist`);
    expect(delisted.body).toMatchObject({ status: 'closed', supervision: { stage: 'delisted' } });
    const actions = (await admin.get(`/hazards/${hazard.id}/audit`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions.slice(-2)).toEqual(['accepted', 'delisted']);
  });
});

describe('the register (GET /hazards?supervised=true)', () => {
  it('lists only listed hazards, longest listed first, from its own partition', async ({ admin, major }) => {
    const listedOne = await major();
    const notListed = await major();
    await admin.post(`/hazards/${listedOne.id}/supervise`, FIVE);
    const register = await admin.get('/hazards?supervised=true&limit=100');
    expect(register.status).toBe(200);
    const ids = register.body.items.map((h: { id: string }) => h.id);
    expect(ids).toContain(listedOne.id);
    expect(ids).not.toContain(notListed.id);
    expect(register.body.items.every((h: { supervised: boolean }) => h.supervised)).toBe(true);
    const listedAt = register.body.items.map((h: { supervisedAt: string }) => h.supervisedAt);
    expect([...listedAt].sort()).toEqual(listedAt);
  });

  it('shows a township officer only the listed hazards of the township', async ({
    township,
    admin,
    county,
  }) => {
    const all = (await admin.get('/hazards?supervised=true&limit=100')).body.items as { gridPath: string }[];
    const theirs = (await township.get('/hazards?supervised=true&limit=100')).body.items as {
      gridPath: string;
    }[];
    expect(theirs.length).toBeLessThanOrEqual(all.length);
    for (const hazard of theirs) expect(hazard.gridPath.split('/')[1]).toBe(county.township1);
  });

  it('brings hazards listed before the register into it, their 五落实 to be completed (待补充)', async ({
    admin,
    major,
    store,
  }) => {
    const hazard = await major();
    // Raised to the county by hand, then listed the old way: the flag alone, no register entry and no 五落实
    // (written past the API, as the code before the register left it).
    expect((await admin.post(`/hazards/${hazard.id}/escalate`, { reason: '县级督办' })).status).toBe(200);
    const repository = new HazardRepository(store);
    await store.update({
      Key: hazardEntity.key(store, hazard.id),
      UpdateExpression: 'SET #s = :t, #at = :at',
      ExpressionAttributeNames: { '#s': 'supervised', '#at': 'supervisedAt' },
      ExpressionAttributeValues: { ':t': true, ':at': new Date().toISOString() },
    });
    const missing = (await admin.get('/hazards?supervised=true&limit=100')).body.items.map(
      (h: { id: string }) => h.id,
    );
    expect(missing).not.toContain(hazard.id);
    const report = await migrateSupervisedToRegister(store, (level) => repository.listAtLevel(level));
    expect(report.listed).toBeGreaterThan(0);
    const after = (await admin.get('/hazards?supervised=true&limit=100')).body.items as {
      id: string;
      supervision?: unknown;
    }[];
    const joined = after.find((h) => h.id === hazard.id);
    expect(joined).toBeDefined();
    expect(joined!.supervision).toBeUndefined();
    // Listing it again completes it, and gives it its number.
    const completed = await admin.post(`/hazards/${hazard.id}/supervise`, FIVE);
    expect(completed.body.supervision).toMatchObject({ ...FIVE, stage: 'listed' });
    expect(completed.body.supervision.number).toMatch(/^20\d\d-\d{3}$/);
    // Run again, the migration changes nothing more.
    await migrateSupervisedToRegister(store, (level) => repository.listAtLevel(level));
    const again = (await admin.get('/hazards?supervised=true&limit=100')).body.items.filter(
      (h: { id: string }) => h.id === hazard.id,
    );
    expect(again).toHaveLength(1);
  });
});

describe('working days in the county settings', () => {
  it('moves a new hazard’s deadline when the county adds a day off of its own', async ({
    admin,
    member,
    county,
  }) => {
    const current = await admin.get('/settings');
    const base = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '工作日基准',
    });
    const deadline = new Date(base.body.deadline);
    // A day off on a working day before the deadline pushes every later deadline one working day on.
    const day = new Date(deadline.getTime() - 7 * 86_400_000 + 8 * 3_600_000);
    while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() - 1);
    const saved = await admin.put('/settings', {
      version: current.body.version,
      settings: {
        ...current.body.settings,
        workingCalendar: { extraHolidays: [day.toISOString().slice(0, 10)], extraWorkingDays: [] },
      },
    });
    expect(saved.status).toBe(200);
    const later = await member.post('/hazards', {
      unitId: county.unit(3),
      severity: 'general',
      title: '工作日调整',
    });
    expect(Date.parse(later.body.deadline)).toBeGreaterThan(Date.parse(base.body.deadline));
    const refused = await admin.put('/settings', {
      version: saved.body.version,
      settings: {
        ...saved.body.settings,
        workingCalendar: { extraHolidays: ['2026-02-30x'], extraWorkingDays: [] },
      },
    });
    expect(refused.status).toBe(400);
  });
});

/** A confirmed photo of the fix, added by the grid member. */
async function addFixPhoto(
  member: { post: (path: string, body?: unknown) => Promise<{ status: number; body: any }> },
  _tenant: string,
  hazardId: string,
): Promise<string> {
  const { sha256Hex, testJpeg, uploadWith } = await import('../support/photos.ts');
  const bytes = testJpeg(77_000 + ++serial);
  const requested = await member.post(`/hazards/${hazardId}/photos`, {
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(requested.status).toBe(201);
  await uploadWith(requested.body.upload, bytes);
  expect((await member.post(`/hazards/${hazardId}/photos/${requested.body.photo.id}/confirm`)).status).toBe(
    200,
  );
  return requested.body.photo.id;
}

import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'wf' });

type Figures = { id: string; name: string; due: number; done: number; overdue: number; far: number };

describe('the workforce view', () => {
  it('counts a period’s patrols by village, the totals adding up, and each figure drills down to its patrols', async ({
    admin,
  }) => {
    const view = await admin.get('/workforce');
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    const villages = view.body.villages as Figures[];
    for (const state of ['due', 'done', 'overdue', 'far'] as const)
      expect(villages.reduce((sum, row) => sum + row[state], 0)).toBe(view.body.totals[state]);
    expect(view.body.totals.due).toBeGreaterThan(0);
    expect(view.body.thresholdMeters).toBe(500);
    const busy = villages.find((row) => row.due > 0)!;
    for (const state of ['due', 'done', 'overdue', 'far'] as const) {
      const drill = await admin.get(`/workforce/patrols?village=${busy.id}&state=${state}`);
      expect(drill.status).toBe(200);
      expect(drill.body.items).toHaveLength(busy[state]);
      for (const patrol of drill.body.items) expect(patrol.gridId).toBe(busy.id);
    }
  });

  it('gives each grid member the patrols of their villages and the ones they completed, far ones flagged', async ({
    admin,
  }) => {
    const view = await admin.get('/workforce');
    const members = view.body.members as (Figures & { villageIds: string[] })[];
    expect(members.length).toBeGreaterThan(0);
    for (const member of members.slice(0, 3)) {
      const done = await admin.get(`/workforce/patrols?member=${member.id}&state=done`);
      expect(done.body.items).toHaveLength(member.done);
      const far = await admin.get(`/workforce/patrols?member=${member.id}&state=far`);
      expect(far.body.items).toHaveLength(member.far);
      for (const patrol of far.body.items) expect(patrol.distanceMeters).toBeGreaterThan(500);
      const due = await admin.get(`/workforce/patrols?member=${member.id}`);
      expect(due.body.items).toHaveLength(member.due);
    }
  });

  it('shows a township officer only its township’s villages and refuses a grid member', async ({
    county,
    admin,
    township,
    member,
  }) => {
    const all = (await admin.get('/workforce')).body.villages as Figures[];
    const own = await township.get('/workforce');
    expect(own.status).toBe(200);
    const ids = (own.body.villages as Figures[]).map((row) => row.id);
    expect(ids).toContain(county.village1);
    expect(ids).not.toContain(county.villageInTownship2);
    expect(ids.length).toBeLessThan(all.length);
    expect((await township.get(`/workforce?grid=${county.township2}`)).status).toBe(403);
    expect((await member.get('/workforce')).status).toBe(403);
  });

  it('refuses a period longer than 92 days or backwards, naming the field', async ({ admin }) => {
    const long = await admin.get('/workforce?from=2026-01-01&to=2026-06-30');
    expect(long.status).toBe(400);
    expect(long.body.errors[0].path).toBe('query.to');
    const backwards = await admin.get('/workforce?from=2026-06-30&to=2026-06-01');
    expect(backwards.status).toBe(400);
    const noSuchDay = await admin.get('/workforce/patrols?to=2026-02-30');
    expect(noSuchDay.status).toBe(400);
    expect(noSuchDay.body.errors[0].path).toBe('query.to');
  });

  it('downloads the view as an Excel workbook', async ({ api, county }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const response = await api.app.request(`/t/${county.tenant}/api/v1/workforce?format=xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');
  });
});

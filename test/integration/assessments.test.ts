import { makeCreditCode, previousQuarter, quarterOf } from '@gridsafe/core';
import { AssessmentSnapshots } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { countyTest, everyItem } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'as' });
const quarter = quarterOf(new Date());

describe('the quarterly assessment', () => {
  it('gives figures for every township and department that the records reproduce, counted independently', async ({
    county,
    admin,
  }) => {
    const answer = await admin.get(`/assessments?quarter=${quarter}`);
    expect(answer.status).toBe(200);
    const { start, end, rows } = answer.body as { start: string; end: string; rows: any[] };
    expect(rows.filter((r) => r.kind === 'township')).toHaveLength(4);
    expect(rows.filter((r) => r.kind === 'department')).toHaveLength(5);

    const [units, points, patrols, hazards] = await Promise.all([
      everyItem(admin, '/units'),
      everyItem(admin, '/risk-points'),
      everyItem(admin, `/patrols?grid=${county.county}`),
      everyItem(admin, '/hazards'),
    ]);
    const within = (at: string | undefined) => at !== undefined && at >= start && at < end;
    const filed = new Set(points.filter((p) => p.status === 'filed').map((p) => p.unitId));
    // Grid members' rows are reproduced in assessment-score.test.ts.
    for (const row of rows.filter((r) => r.kind !== 'member')) {
      const mine = (r: { gridPath: string; departmentId?: string }) =>
        row.kind === 'township' ? r.gridPath.split('/')[1] === row.id : r.departmentId === row.id;
      const ownUnits = units.filter((u) => mine(u) && u.createdAt < end);
      const duePatrols = patrols.filter((p) => mine(p) && within(p.dueAt));
      const dueHazards = hazards.filter((h) => mine(h) && within(h.deadline));
      let escalations = 0;
      for (const h of hazards.filter(mine))
        escalations += h.escalations.filter(
          (s: { cause: string; at: string }) => s.cause === 'deadline' && within(s.at),
        ).length;
      expect(row, `${row.kind} ${row.name}`).toMatchObject({
        units: ownUnits.length,
        unitsFiled: ownUnits.filter((u) => filed.has(u.id)).length,
        patrolsDue: duePatrols.length,
        patrolsDone: duePatrols.filter((p) => p.status === 'done' && p.completedAt < end).length,
        hazardsDue: dueHazards.length,
        hazardsOnTime: dueHazards.filter((h) => h.rectifiedAt && h.rectifiedAt <= h.deadline).length,
        overdueEscalations: escalations,
      });
    }
    // The demo county gives the assessment something to measure.
    expect(rows.some((r) => r.patrolsDue > 0)).toBe(true);
    expect(rows.some((r) => r.overdueEscalations > 0)).toBe(true);
    expect(rows.some((r) => r.unitsFiled > 0)).toBe(true);
  });

  it('exports the same figures as CSV opening with a BOM for Excel', async ({ api, county, admin }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const { rows } = (await admin.get(`/assessments?quarter=${quarter}`)).body as { rows: any[] };
    const requests: { path: string; headers: Record<string, string> }[] = [
      { path: `/assessments?quarter=${quarter}&format=csv`, headers: {} },
      { path: `/assessments?quarter=${quarter}`, headers: { accept: 'text/csv' } },
    ];
    for (const request of requests) {
      const response = await api.app.request(`/t/${county.tenant}/api/v1${request.path}`, {
        headers: { authorization: `Bearer ${token}`, ...request.headers },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      const bytes = new Uint8Array(await response.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = new TextDecoder().decode(bytes.subarray(3)).trim().split('\r\n');
      expect(lines[0]).toMatch(/^季度,类型,名称,单位数,已备案单位数,备案覆盖率/);
      expect(lines).toHaveLength(1 + rows.length);
      for (const [i, row] of rows.entries()) {
        const cells = lines[i + 1]!.split(',');
        expect(cells.slice(2, 5)).toEqual([row.name, String(row.units), String(row.unitsFiled)]);
        expect([cells[6], cells[7], cells[9], cells[10], cells[12]]).toEqual(
          [row.patrolsDue, row.patrolsDone, row.hazardsDue, row.hazardsOnTime, row.overdueEscalations].map(
            String,
          ),
        );
      }
    }
  });

  it('shows an officer only its own township’s or department’s row and refuses a grid member', async ({
    county,
    admin,
    township,
    department,
    member,
  }) => {
    const own = await township.get(`/assessments?quarter=${quarter}`);
    expect(own.body.rows.map((r: { id: string }) => r.id)).toEqual([county.township1]);
    const dept = await department.get(`/assessments?quarter=${quarter}`);
    expect(dept.body.rows.map((r: { id: string }) => r.id)).toEqual([county.emergencyDept]);
    expect((await member.get(`/assessments?quarter=${quarter}`)).status).toBe(403);
    const bad = await admin.get('/assessments?quarter=2026Q5');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.quarter');
  });

  it('answers from the snapshot computed earlier, saying when, until the nightly refresh computes it again', async ({
    county,
    store,
    admin,
  }) => {
    const first = await admin.get(`/assessments?quarter=${quarter}`);
    const unitsOf = (body: any) => body.rows.find((r: { id: string }) => r.id === county.township1).units;
    const created = await admin.post('/units', {
      name: '考核快照测试厂',
      creditCode: makeCreditCode('91341222', 7700),
      industry: 'gas',
      gridId: county.village1,
    });
    expect(created.status).toBe(201);
    const again = await admin.get(`/assessments?quarter=${quarter}`);
    expect(again.body.computedAt).toBe(first.body.computedAt);
    expect(unitsOf(again.body)).toBe(unitsOf(first.body));

    // The next night (and, near a quarter's end, the night after it closed) the quarter is computed again.
    const snapshots = new AssessmentSnapshots(store);
    const nextNight = { now: () => new Date(Date.now() + 21 * 3_600_000) };
    expect(await snapshots.refreshDue(nextNight)).toContain(quarter);
    expect(await snapshots.refreshDue(nextNight)).toEqual([]);
    const refreshed = await admin.get(`/assessments?quarter=${quarter}`);
    expect(refreshed.body.computedAt > first.body.computedAt).toBe(true);
    expect(unitsOf(refreshed.body)).toBe(unitsOf(first.body) + 1);
  });

  it('refuses a quarter that has not begun with a 400 naming query.quarter, and computes nothing for it', async ({
    store,
    township,
  }) => {
    const snapshots = new AssessmentSnapshots(store);
    for (const future of ['2099Q3', '2100Q4']) {
      const answer = await township.get(`/assessments?quarter=${future}`);
      expect(answer.status).toBe(400);
      expect(answer.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.quarter']);
      expect(await snapshots.computations(future)).toBe(0);
    }
  });

  it('computes the previous quarter once when five officers ask for it at the same moment', async ({
    store,
    admin,
    township,
    department,
  }) => {
    const previous = previousQuarter(quarter);
    const snapshots = new AssessmentSnapshots(store);
    expect(await snapshots.computations(previous)).toBe(0);
    const answers = await Promise.all(
      [admin, admin, township, department, admin].map((client) =>
        client.get(`/assessments?quarter=${previous}`),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await snapshots.computations(previous)).toBe(1);
    // Every one of them got the same figures, computed at the same moment.
    expect(new Set(answers.map((a) => a.body.computedAt)).size).toBe(1);
  });

  it('answers an older quarter from its stored snapshot, and 404 when none was stored, without computing it', async ({
    store,
    admin,
  }) => {
    const stored = '2024Q2';
    const neverStored = '2023Q1';
    const snapshots = new AssessmentSnapshots(store);
    await snapshots.compute(stored, new Date('2024-07-01T02:00:00+08:00'));
    const old = await admin.get(`/assessments?quarter=${stored}`);
    expect(old.status).toBe(200);
    expect(old.body.computedAt).toBe('2024-06-30T18:00:00.000Z');
    const missing = await admin.get(`/assessments?quarter=${neverStored}`);
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain(neverStored);
    expect(await snapshots.computations(neverStored)).toBe(0);
    expect(await snapshots.computations(stored)).toBe(1);
  });
});

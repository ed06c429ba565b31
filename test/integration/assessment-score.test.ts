import { DEFAULT_ASSESSMENT_SCORING, quarterOf } from '@gridsafe/core';
import { AssessmentSnapshots, readAuditTrail } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { countyTest } from '../support/fixtures.ts';
import { DEMO_LOGIN_PASSWORD } from '../support/harness.ts';

const it = countyTest({ prefix: 'sc' });
const quarter = quarterOf(new Date());

type Row = {
  kind: string;
  id: string;
  name: string;
  score: number;
  rank: number;
  deduction: number;
} & Record<string, any>;
const rowOf = (body: { rows: Row[] }, id: string) => body.rows.find((row) => row.id === id)!;

describe('the scored assessment', () => {
  it('gives every township, department and grid member row a score and a rank among rows of its kind', async ({
    admin,
  }) => {
    const answer = await admin.get(`/assessments?quarter=${quarter}`);
    expect(answer.status).toBe(200);
    const rows = answer.body.rows as Row[];
    expect(answer.body.scoring).toEqual(DEFAULT_ASSESSMENT_SCORING);
    expect(rows.some((row) => row.kind === 'member')).toBe(true);
    for (const kind of ['township', 'department', 'member']) {
      const own = rows.filter((row) => row.kind === kind);
      for (const row of own) {
        expect(row.score).toBeGreaterThanOrEqual(0);
        expect(row.score).toBeLessThanOrEqual(100);
        expect(row.rank).toBe(1 + own.filter((other) => other.score > row.score).length);
        expect(row.score).toBeCloseTo(Math.max(0, row.baseScore - row.deduction), 2);
      }
    }
  });

  it('deducts a recorded 约谈 from the township’s score, lists it, and a withdrawal restores the score with both kept', async ({
    county,
    store,
    admin,
    township,
  }) => {
    const before = rowOf((await admin.get(`/assessments?quarter=${quarter}`)).body, county.township2);
    const recorded = await admin.post('/assessments/actions', {
      kind: 'interview',
      quarter,
      targetKind: 'township',
      targetId: county.township2,
      reason: '隐患整改超期未完成，约谈主要负责人',
    });
    expect(recorded.status, JSON.stringify(recorded.body)).toBe(201);
    const after = rowOf((await admin.get(`/assessments?quarter=${quarter}`)).body, county.township2);
    expect(after.interviews).toBe(before.interviews + 1);
    expect(after.deduction).toBeCloseTo(
      before.deduction + DEFAULT_ASSESSMENT_SCORING.deductions.interview,
      2,
    );
    expect(after.score).toBeCloseTo(
      Math.max(0, before.score - DEFAULT_ASSESSMENT_SCORING.deductions.interview),
      2,
    );

    const listed = await admin.get(`/assessments/actions?quarter=${quarter}`);
    expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(recorded.body.id);
    // The township officer of another township sees none of it.
    const theirs = await township.get(`/assessments/actions?quarter=${quarter}`);
    expect(theirs.body.items.map((item: { id: string }) => item.id)).not.toContain(recorded.body.id);

    const withdrawal = await admin.post('/assessments/actions', {
      kind: 'withdrawal',
      withdraws: recorded.body.id,
      reason: '误录，撤销',
    });
    expect(withdrawal.status, JSON.stringify(withdrawal.body)).toBe(201);
    const restored = rowOf((await admin.get(`/assessments?quarter=${quarter}`)).body, county.township2);
    expect(restored.score).toBeCloseTo(before.score, 2);
    const again = await admin.post('/assessments/actions', {
      kind: 'withdrawal',
      withdraws: recorded.body.id,
      reason: '再次撤销',
    });
    expect(again.status).toBe(409);
    const kept = (await admin.get(`/assessments/actions?quarter=${quarter}`)).body.items as any[];
    expect(kept.find((item) => item.id === recorded.body.id)).toMatchObject({
      withdrawnBy: withdrawal.body.id,
    });
    expect(kept.find((item) => item.id === withdrawal.body.id)).toMatchObject({
      withdraws: recorded.body.id,
    });
    const trail = await readAuditTrail(store, 'assessment-action', recorded.body.id);
    expect(trail.map((event) => event.action)).toEqual(['recorded', 'withdrawn']);
  });

  it('ranks the townships by score, a 通报 of the leader moving it down', async ({ county, admin }) => {
    const rows = (await admin.get(`/assessments?quarter=${quarter}`)).body.rows as Row[];
    const townships = rows.filter((row) => row.kind === 'township');
    const sorted = [...townships].sort((a, b) => a.rank - b.rank);
    expect(sorted.map((row) => row.score)).toEqual(
      [...townships.map((row) => row.score)].sort((a, b) => b - a),
    );
    const leader = sorted[0]!;
    for (let i = 0; i < 8; i++) {
      const circular = await admin.post('/assessments/actions', {
        kind: 'circular',
        quarter,
        targetKind: 'township',
        targetId: leader.id,
        reason: `第${i + 1}次通报`,
      });
      expect(circular.status).toBe(201);
    }
    const moved = rowOf((await admin.get(`/assessments?quarter=${quarter}`)).body, leader.id);
    expect(moved.circulars).toBe(8);
    expect(moved.score).toBeCloseTo(
      Math.max(0, leader.score - 8 * DEFAULT_ASSESSMENT_SCORING.deductions.circular),
      2,
    );
    void county;
  });

  it('refuses a 约谈 without a target, naming the field, and one against a township that does not exist, writing nothing', async ({
    county,
    admin,
    township,
  }) => {
    const count = async () => (await admin.get(`/assessments/actions?quarter=${quarter}`)).body.items.length;
    const before = await count();
    const missing = await admin.post('/assessments/actions', {
      kind: 'interview',
      quarter,
      reason: '无对象',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'body.targetKind',
      'body.targetId',
    ]);
    const nowhere = await admin.post('/assessments/actions', {
      kind: 'interview',
      quarter,
      targetKind: 'township',
      targetId: county.village1,
      reason: '村不是乡镇',
    });
    expect(nowhere.status).toBe(404);
    const refused = await township.post('/assessments/actions', {
      kind: 'interview',
      quarter,
      targetKind: 'township',
      targetId: county.township1,
      reason: '乡镇不能约谈自己',
    });
    expect(refused.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('scores with the county’s own weights once the settings change them, as a new settings version', async ({
    admin,
  }) => {
    const current = (await admin.get('/settings')).body;
    const weights = { filingCoverage: 0, patrolCompletion: 100, onTimeRectification: 0 };
    const saved = await admin.put('/settings', {
      settings: { ...current.settings, assessment: { ...current.settings.assessment, weights } },
      version: current.version,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.version).toBe(current.version + 1);
    const rows = (await admin.get(`/assessments?quarter=${quarter}`)).body.rows as Row[];
    for (const row of rows.filter((r) => r.patrolCompletion !== null))
      expect(row.baseScore).toBeCloseTo(row.patrolCompletion * 100, 2);
    await admin.put('/settings', { settings: current.settings, version: saved.body.version });
  });

  it('reads a snapshot stored before scores existed (no member rows) with scores and ranks', async ({
    store,
    admin,
  }) => {
    const old = '2024Q3';
    const snapshots = new AssessmentSnapshots(store);
    const computed = await snapshots.compute(old, new Date('2024-10-01T02:00:00+08:00'));
    const legacy = { ...computed, rows: computed.rows.filter((row) => row.kind !== 'member') };
    await store.transact(
      [
        {
          Update: {
            TableName: store.tableName,
            Key: { pk: store.key('ASSESS', old), sk: 'ASSESS' },
            UpdateExpression: 'SET assessment = :assessment',
            ExpressionAttributeValues: { ':assessment': JSON.stringify(legacy) },
          },
        },
      ],
      'assessment',
    );
    const answer = await admin.get(`/assessments?quarter=${old}`);
    expect(answer.status).toBe(200);
    expect(answer.body.rows.length).toBe(legacy.rows.length);
    for (const row of answer.body.rows as Row[]) {
      expect(typeof row.score).toBe('number');
      expect(row.rank).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives the annual assessment as the year’s quarters combined', async ({ county, admin }) => {
    const year = quarter.slice(0, 4);
    const annual = await admin.get(`/assessments?year=${year}`);
    expect(annual.status, JSON.stringify(annual.body)).toBe(200);
    expect(annual.body.year).toBe(year);
    const quarters = annual.body.quarters as string[];
    expect(quarters).toContain(quarter);
    const parts = await Promise.all(quarters.map((q) => admin.get(`/assessments?quarter=${q}`)));
    const annualRow = rowOf(annual.body, county.township1);
    const sum = (field: string) =>
      parts.reduce((total, part) => total + rowOf(part.body, county.township1)[field], 0);
    expect(annualRow.patrolsDue).toBe(sum('patrolsDue'));
    expect(annualRow.overdueEscalations).toBe(sum('overdueEscalations'));
    expect(annualRow.interviews).toBe(sum('interviews'));
    expect((await admin.get(`/assessments?year=2099`)).status).toBe(400);
    const both = await admin.get(`/assessments?year=${year}&quarter=${quarter}`);
    expect(both.status).toBe(400);
  });

  it('prints the 通报 as HTML with no script allowed, the townships ranked', async ({
    api,
    county,
    admin,
  }) => {
    const token = await api.login(county.tenant, 'county.admin', DEMO_LOGIN_PASSWORD);
    const response = await api.app.request(
      `/t/${county.tenant}/api/v1/assessments/print?quarter=${quarter}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await response.text();
    expect(page).toContain('考核情况的通报');
    const rows = (await admin.get(`/assessments?quarter=${quarter}`)).body.rows as Row[];
    const first = rows.filter((r) => r.kind === 'township').sort((a, b) => a.rank - b.rank)[0]!;
    expect(page).toContain(first.name);
  });
});

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { chinaDay, dayBefore } from '@gridsafe/core';
import {
  backfillStatisticsLedger,
  DepartmentRepository,
  GridRepository,
  ledgerPartitionKey,
  type TenantStore,
} from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { type Client, countyTest, everyItem } from '../support/fixtures.ts';
import { redPoint } from '../support/record-bodies.ts';

const it = countyTest({ prefix: 'st' });
const today = chinaDay(new Date());
/** Every day the demo county has lived: its records are dated within weeks of today. */
const ALL_TIME = `from=2020-01-01&to=${today}`;

interface Located {
  gridPath: string;
  departmentId?: string;
}

/** The statistics recounted from the register, the hazard board and the patrol list, as a person would. */
async function recount(client: Client, countyId: string) {
  const [points, hazards, patrols] = await Promise.all([
    everyItem(client, '/risk-points'),
    everyItem(client, '/hazards'),
    everyItem(client, `/patrols?grid=${countyId}`),
  ]);
  return (mine: (record: Located) => boolean) => {
    const filed = points.filter((p) => mine(p) && p.status === 'filed');
    const colour = (c: string) => filed.filter((p) => p.color === c).length;
    const open = hazards.filter((h) => mine(h) && h.status !== 'closed');
    return {
      riskPoints: {
        filed: {
          red: colour('red'),
          orange: colour('orange'),
          yellow: colour('yellow'),
          blue: colour('blue'),
          ungraded: colour('ungraded'),
          total: filed.length,
        },
        inReview: points.filter((p) => mine(p) && ['submitted', 'township_approved'].includes(p.status))
          .length,
        draft: points.filter((p) => mine(p) && p.status === 'draft').length,
      },
      hazards: {
        found: hazards.filter(mine).length,
        rectified: hazards.filter((h) => mine(h) && h.rectifiedAt).length,
        overdue: open.filter((h) => h.overdue).length,
        listed: open.filter((h) => h.supervised).length,
      },
      patrols: {
        due: patrols.filter((p) => mine(p) && chinaDay(new Date(p.dueAt)) <= today).length,
        done: patrols.filter((p) => mine(p) && p.status === 'done').length,
      },
    };
  };
}

describe('statistics for the level above', () => {
  it('counts the county and each township as the register, the hazard board and the patrol list hold them', async ({
    county,
    admin,
  }) => {
    const answer = await admin.get(`/statistics?${ALL_TIME}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const counted = await recount(admin, county.county);
    expect(answer.body).toMatchObject({ from: '2020-01-01', to: today, by: 'grid', ...counted(() => true) });
    expect(answer.body.grid).toMatchObject({ id: county.county, level: 'county' });
    expect(answer.body.rows.map((row: { id: string }) => row.id)).toContain(county.township1);
    for (const row of answer.body.rows) {
      expect(row, row.name).toMatchObject({
        kind: 'grid',
        ...counted((record) => record.gridPath.split('/')[1] === row.id),
      });
    }
    // The demo county gives every figure something to count, drafts apart from filed points.
    const { riskPoints, hazards, patrols } = answer.body;
    expect(riskPoints.filed.total).toBeGreaterThan(0);
    expect(riskPoints.draft).toBeGreaterThan(0);
    expect(riskPoints.total).toBe(riskPoints.filed.total + riskPoints.inReview + riskPoints.draft);
    expect(hazards.found).toBeGreaterThan(0);
    expect(hazards.overdue + hazards.listed).toBeGreaterThan(0);
    expect(patrols.done).toBeGreaterThan(0);
  });

  it('gives each filed colour its share of the filed total and writes the paragraph reported upward', async ({
    admin,
  }) => {
    const { body } = await admin.get(`/statistics?${ALL_TIME}`);
    const { filed, inReview } = body.riskPoints;
    for (const colour of ['red', 'orange', 'yellow', 'blue', 'ungraded']) {
      expect(body.riskPoints.filed.shares[colour]).toBeCloseTo(filed[colour] / filed.total, 4);
    }
    expect(body.summary).toContain(`已上报备案风险点${filed.total + inReview}个`);
    expect(body.summary).toContain(`红色${filed.red}个，占${((filed.red / filed.total) * 100).toFixed(2)}%`);
  });

  it('rows per department count each department’s industries county-wide', async ({ county, admin }) => {
    const answer = await admin.get(`/statistics?${ALL_TIME}&by=department`);
    expect(answer.status).toBe(200);
    const counted = await recount(admin, county.county);
    const ids = answer.body.rows.map((row: { id: string }) => row.id);
    expect(ids).toEqual(expect.arrayContaining([county.emergencyDept, county.commerceDept]));
    for (const row of answer.body.rows) {
      expect(row, row.name).toMatchObject({
        kind: 'department',
        ...counted((record) => record.departmentId === row.id),
      });
    }
  });

  it('counts at the end of `to`: a draft filed today is not in yesterday’s figures', async ({
    county,
    admin,
    member,
  }) => {
    const yesterday = `from=2020-01-01&to=${dayBefore(today)}`;
    const [beforeToday, beforeYesterday] = await Promise.all([
      admin.get(`/statistics?grid=${county.village1}&${ALL_TIME}`),
      admin.get(`/statistics?grid=${county.village1}&${yesterday}`),
    ]);
    const created = await member.post('/risk-points', { ...redPoint(county), name: '统计用液氨储罐' });
    expect(created.status).toBe(201);
    const [afterToday, afterYesterday] = await Promise.all([
      admin.get(`/statistics?grid=${county.village1}&${ALL_TIME}`),
      admin.get(`/statistics?grid=${county.village1}&${yesterday}`),
    ]);
    expect(afterToday.body.riskPoints.draft).toBe(beforeToday.body.riskPoints.draft + 1);
    expect(afterToday.body.riskPoints.filed).toEqual(beforeToday.body.riskPoints.filed);
    expect(afterYesterday.body.riskPoints).toEqual(beforeYesterday.body.riskPoints);
  });

  it('answers each person within their own area, and refuses another township and a unit’s people', async ({
    county,
    admin,
    township,
    department,
    member,
    unitUser,
  }) => {
    const own = await township.get(`/statistics?${ALL_TIME}`);
    expect(own.status).toBe(200);
    expect(own.body.grid.id).toBe(county.township1);
    expect(own.body.rows.map((row: { id: string }) => row.id)).toContain(county.village1);
    const counted = await recount(admin, county.county);
    expect(own.body).toMatchObject(counted((record) => record.gridPath.split('/')[1] === county.township1));
    expect((await township.get(`/statistics?grid=${county.township2}`)).status).toBe(403);

    const village = await member.get(`/statistics?${ALL_TIME}`);
    expect(village.status).toBe(200);
    expect(village.body).toMatchObject({ grid: { id: county.village1, level: 'village' }, rows: [] });

    const industries = await department.get(`/statistics?${ALL_TIME}`);
    expect(industries.status).toBe(200);
    const departmentId = industries.body.department.id;
    expect(industries.body).toMatchObject(counted((record) => record.departmentId === departmentId));
    expect((await unitUser.get('/statistics')).status).toBe(403);
  });

  it('refuses a period that ends after today or begins after it ends, naming the field', async ({
    admin,
  }) => {
    const future = await admin.get('/statistics?to=2100-12-31');
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([expect.objectContaining({ path: 'query.to' })]);
    const backwards = await admin.get(`/statistics?from=${today}&to=2020-01-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([expect.objectContaining({ path: 'query.from' })]);
    const notADay = await admin.get('/statistics?from=2026-02-30');
    expect(notADay.status).toBe(400);
    expect(notADay.body.errors).toEqual([expect.objectContaining({ path: 'query.from' })]);
  });

  it('the migration rebuilds, for a county without a ledger, the figures the live ledger kept', async ({
    admin,
    store,
  }) => {
    const kept = await admin.get(`/statistics?${ALL_TIME}`);
    const keptByDepartment = await admin.get(`/statistics?${ALL_TIME}&by=department`);
    await wipeLedger(store);
    const wiped = await admin.get(`/statistics?${ALL_TIME}`);
    expect(wiped.body.riskPoints.total).toBe(0);

    expect(await backfillStatisticsLedger(store, new Date())).toMatchObject({ skipped: false });
    const rebuilt = await admin.get(`/statistics?${ALL_TIME}`);
    const { exactFrom, ...figures } = rebuilt.body;
    expect(exactFrom).toBe(today);
    expect(figures).toEqual(kept.body);
    expect((await admin.get(`/statistics?${ALL_TIME}&by=department`)).body.rows).toEqual(
      keptByDepartment.body.rows,
    );
    // A county that has a ledger is left alone: running the migration again changes nothing.
    expect(await backfillStatisticsLedger(store, new Date())).toMatchObject({ skipped: true });
    expect((await admin.get(`/statistics?${ALL_TIME}`)).body).toEqual(rebuilt.body);
  });
});

/** Deletes every ledger bucket of the county, as a county written before the ledger would have none. */
async function wipeLedger(store: TenantStore) {
  const [grids, departments] = await Promise.all([
    new GridRepository(store).listAll(),
    new DepartmentRepository(store).list(),
  ]);
  const partitions = grids.flatMap((grid) => [
    ledgerPartitionKey(store, { gridId: grid.id }),
    ...departments.map((d) => ledgerPartitionKey(store, { gridId: grid.id, departmentId: d.id })),
  ]);
  for (const pk of partitions) {
    const items = await store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });
    for (const item of items) {
      await store.client.send(
        new DeleteCommand({ TableName: store.tableName, Key: { pk: item.pk, sk: item.sk } }),
      );
    }
  }
}

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ulidSource } from '@gridsafe/core';
import {
  type Entity,
  GridRepository,
  HazardRepository,
  hazardEntity,
  RiskPointRepository,
  riskPointEntity,
  TenantStore,
  UnitRepository,
  unitEntity,
} from '@gridsafe/db';
import { afterEach, describe, expect, vi } from 'vitest';
import { countyTest, type TestApi } from '../support/fixtures.ts';

/**
 * Issue 14: IAM's LeadingKeys confines a county role's writes by the table's partition key only, so another
 * county's role can put an item under its own pk whose index keys name this county. Such an item is written here
 * straight into DynamoDB Local, and this county's lists must not answer it.
 */
const it = countyTest({ prefix: 'fk', neighbour: { prefix: 'fk', shape: 'taihe' } })
  .extend(
    'theirs',
    { scope: 'file' },
    ({ api, neighbour }) => new TenantStore(api.deps.documentClient, api.tableName, neighbour.tenant),
  )
  .extend('forge', { scope: 'file' }, async ({ api, county, store, theirs }) => {
    const villagePath = (await new GridRepository(store).get(county.village1))!.path;
    return <T extends { id: string; gridPath: string }>(entity: Entity<T>, record: T) =>
      forge(api, { ours: store, theirs, villagePath }, entity, record);
  });

afterEach(() => vi.restoreAllMocks());

/**
 * Copies a record of the other county under a new id: its pk stays the other county's (all its role may
 * write), its index keys are built for this county and its path is this county's village.
 */
async function forge<T extends { id: string; gridPath: string }>(
  api: TestApi,
  { ours, theirs, villagePath }: { ours: TenantStore; theirs: TenantStore; villagePath: string },
  entity: Entity<T>,
  record: T,
): Promise<string> {
  const id = ulidSource.next();
  const copy = { ...record, id, gridPath: villagePath };
  const item = {
    ...entity.toItem(ours, copy, { auditSeq: 1, auditHead: '0'.repeat(64) }),
    ...entity.key(theirs, id),
  };
  await api.deps.documentClient.send(new PutCommand({ TableName: api.tableName, Item: item }));
  // The precondition: the index really answers the forged item to this county's partition.
  const answered = await api.deps.documentClient.send(
    new QueryCommand({
      ...entity.query(ours, { index: 'gsi1', within: villagePath }),
      TableName: api.tableName,
    }),
  );
  expect((answered.Items ?? []).map((found) => found.id)).toContain(id);
  return id;
}

const idsOf = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

describe('an item of another county with forged index keys', () => {
  it('is left out of the hazard board and its status list, and the drop is logged as a metric', async ({
    county,
    neighbour,
    admin,
    theirs,
    forge,
  }) => {
    const [hazard] = (await new HazardRepository(theirs).list({ withinPath: '' }, { limit: 1 })).items;
    expect(hazard, 'the other county has a hazard to copy').toBeDefined();
    const id = await forge(hazardEntity, hazard!);
    const stdout = vi.spyOn(process.stdout, 'write');

    const board = await admin.get(`/hazards?grid=${county.village1}&limit=100`);
    const byStatus = await admin.get(`/hazards?grid=${county.village1}&status=${hazard!.status}&limit=100`);
    expect(board.status).toBe(200);
    expect(byStatus.status).toBe(200);
    // One page holds the whole village, so the forged item (inside its range) was not merely on a later page.
    expect(board.body.nextCursor).toBeUndefined();
    expect(byStatus.body.nextCursor).toBeUndefined();
    expect(idsOf(board.body)).not.toContain(id);
    expect(idsOf(byStatus.body)).not.toContain(id);
    expect((await admin.get(`/hazards/${id}`)).status).toBe(404);

    const reports = stdout.mock.calls
      .map(([chunk]) => String(chunk))
      .filter((line) => line.includes('"ForeignItemsDropped"'))
      .map((line) => JSON.parse(line));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]).toMatchObject({ tenant: county.tenant, ForeignItemsDropped: 1 });
    expect(reports[0]._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: 'ForeignItemsDropped', Unit: 'Count' },
    ]);
    expect(JSON.stringify(reports)).not.toContain(neighbour.tenant);
  });

  it('is left out of the unit list and of the risk-point register, which answers only summary fields', async ({
    county,
    admin,
    theirs,
    forge,
  }) => {
    const [unit] = (await new UnitRepository(theirs).list({ withinPath: '' }, { limit: 1 })).items;
    const [point] = (await new RiskPointRepository(theirs).list({ withinPath: '' }, { limit: 1 })).items;
    expect(unit, 'the other county has a unit to copy').toBeDefined();
    expect(point, 'the other county has a risk point to copy').toBeDefined();
    const unitId = await forge(unitEntity, unit!);
    const pointId = await forge(riskPointEntity, point!);

    const units = await admin.get(`/units?grid=${county.village1}&limit=100`);
    const points = await admin.get(`/risk-points?grid=${county.village1}&limit=100`);
    expect(units.status).toBe(200);
    expect(points.status).toBe(200);
    expect(units.body.items.length).toBeGreaterThan(0);
    expect(units.body.nextCursor).toBeUndefined();
    expect(points.body.nextCursor).toBeUndefined();
    expect(idsOf(units.body)).not.toContain(unitId);
    expect(idsOf(points.body)).not.toContain(pointId);
    // The county check reads each item's pk, but a projected answer still carries only the summary fields.
    expect(points.body.items.every((item: Record<string, unknown>) => !('pk' in item))).toBe(true);
  });
});

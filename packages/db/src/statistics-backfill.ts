import {
  chinaDay,
  type Hazard,
  hazardFigures,
  type Patrol,
  patrolFigures,
  type RecordFigures,
  type RiskPoint,
  riskPointFigures,
} from '@gridsafe/core';
import { LedgerBatch, type LedgerPlace, ledgerPartitionKey } from './statistics-ledger.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';

/** Items per transaction of the backfill (each a whole bucket; far under DynamoDB's 100). */
const BACKFILL_CHUNK = 25;

/**
 * `npm run migrate` for counties written before the statistics ledger: builds the ledger from the records as they
 * are. Flows get their true days (a hazard found on its `createdAt`, rectified on its `rectifiedAt`; a patrol due
 * on its `dueAt`, done on its `completedAt`). Stocks have no history before the ledger, so each record's present
 * state is counted from the day it was created: figures for a day before the migration read every record as if
 * it had always been what it is now (a point filed last week counts as filed since its creation). The answer's
 * `historyFrom` says from which day figures are exact.
 *
 * A county whose root partition already holds buckets has a ledger and is left alone, so the migration is safe
 * to run again; the buckets are written whole (Put, shard `b`) with the root's last, so an interrupted run
 * starts over and replaces what it wrote. Run it before the new county API serves, as every migration here.
 */
export async function backfillStatisticsLedger(
  store: TenantStore,
  now: Date,
): Promise<{ skipped: boolean; records: number; buckets: number }> {
  const roots = await store.queryAll({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk',
    ExpressionAttributeValues: { ':pk': store.key('GRIDLEVEL', 'county') },
  });
  const rootId = roots[0]?.id;
  if (typeof rootId !== 'string') return { skipped: true, records: 0, buckets: 0 };
  const existing = await store.queryPage(
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': ledgerPartitionKey(store, { gridId: rootId }) },
    },
    { limit: 1 },
  );
  if (existing.items.length > 0) return { skipped: true, records: 0, buckets: 0 };

  const [points, hazards, patrols] = await Promise.all([
    store.collectionFields('RPS', ['status', 'color', 'gridPath', 'departmentId', 'createdAt']),
    store.collectionFields('HAZARDS', [
      'status',
      'overdue',
      'supervised',
      'rectifiedAt',
      'gridPath',
      'departmentId',
      'createdAt',
    ]),
    store.collectionFields('PATROLS', [
      'status',
      'dueAt',
      'completedAt',
      'gridPath',
      'departmentId',
      'createdAt',
    ]),
  ]);
  const batch = new LedgerBatch(store, now);
  const count = (item: StoredItem, figures: RecordFigures, flowDays: Record<string, string | undefined>) => {
    const place: LedgerPlace = {
      gridPath: String(item.gridPath),
      ...(typeof item.departmentId === 'string' ? { departmentId: item.departmentId } : {}),
    };
    const created = chinaDay(new Date(String(item.createdAt)));
    for (const [name, value] of Object.entries(figures.stocks))
      batch.add(place, name as never, created, value ?? 0);
    for (const flow of figures.flows)
      batch.add(place, flow.name, flow.day ?? flowDays[flow.name] ?? created, 1);
  };
  for (const item of points) count(item, riskPointFigures(item as unknown as RiskPoint), {});
  for (const item of hazards) {
    const hazard = item as unknown as Hazard;
    count(item, hazardFigures(hazard), {
      hz_rectified: hazard.rectifiedAt ? chinaDay(new Date(hazard.rectifiedAt)) : undefined,
    });
  }
  for (const item of patrols) {
    const patrol = item as unknown as Patrol;
    count(item, patrolFigures(patrol), {
      pt_done: patrol.completedAt ? chinaDay(new Date(patrol.completedAt)) : undefined,
    });
  }
  const puts = batch.puts('b');
  for (let start = 0; start < puts.length; start += BACKFILL_CHUNK) {
    await store.transact(puts.slice(start, start + BACKFILL_CHUNK), 'statistics ledger');
  }
  await store.transact(
    [
      {
        Put: {
          TableName: store.tableName,
          Item: { pk: store.key('LEDGER'), sk: 'HISTORY', type: 'LedgerHistory', exactFrom: chinaDay(now) },
        },
      },
    ],
    'statistics ledger',
  );
  return { skipped: false, records: points.length + hazards.length + patrols.length, buckets: puts.length };
}

/** The day from which the county's ledger is exact (the migration's day), or undefined: exact from the start. */
export async function ledgerExactFrom(store: TenantStore): Promise<string | undefined> {
  const item = await store.get(store.key('LEDGER'), 'HISTORY');
  return typeof item?.exactFrom === 'string' ? item.exactFrom : undefined;
}

import { ConflictError, type CounterDeltas, type Hazard, type RiskPoint, type Unit } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf } from './audit-log.ts';
import { addCounts } from './grid-stats.ts';
import { HAZARD_ENTITY, hazardCounts } from './hazard-repository.ts';
import { sortKeyRange } from './keys.ts';
import { PATROL_ENTITY } from './patrol-repository.ts';
import { pathRewrite } from './rehome.ts';
import { countsOf } from './risk-point-repository.ts';
import {
  MAX_TRANSACTION_ITEMS,
  type StoredItem,
  type TenantStore,
  type TransactItem,
} from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/** What travels with a unit to another village, ready to join the unit's own transaction. */
export interface UnitCarriage {
  items: TransactItem[];
  /** The carried records' counts, to move from the old path to the new one with the unit's own. */
  deltas: CounterDeltas;
  moved: { riskPoints: number; hazards: number; patrols: number };
}

/**
 * The unit's own update, its audit event and up to 4 counter updates leave this many items for carried records
 * (two each: the record and its audit event).
 */
export const MAX_CARRIED_RECORDS = Math.floor((MAX_TRANSACTION_ITEMS - 2 - 4) / 2);

/**
 * A unit that moves to another village takes its present with it: its risk points, its hazards not yet closed
 * and its open patrol task are the new village's grid member's to watch, and count there. Closed hazards and
 * completed patrols stay where they happened. Each carried record is rewritten under its version (a change
 * that slips in fails the move with 409, nothing half moved) with an audit event `moved_with_unit`.
 *
 * Reads: the unit's records in its old village (one Query per collection, filtered on the unit; a village
 * holds tens of records) and its open patrol slot.
 */
export async function unitCarriage(
  store: TenantStore,
  unit: Pick<Unit, 'id' | 'gridId' | 'gridPath'>,
  to: { gridId: string; gridPath: string },
  ctx: WriteContext,
): Promise<UnitCarriage> {
  // The unit's records in its old village; `openOnly` leaves out closed ones (DynamoDB refuses unused names).
  const inOldVillage = (collection: string, openOnly: boolean) =>
    store.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :path AND :pathEnd',
      FilterExpression: openOnly ? '#unitId = :unit AND #status <> :closed' : '#unitId = :unit',
      ExpressionAttributeNames: { '#unitId': 'unitId', ...(openOnly ? { '#status': 'status' } : {}) },
      ExpressionAttributeValues: {
        ':pk': store.key(collection),
        ...sortKeyRange(`${unit.gridPath}#`),
        ':unit': unit.id,
        ...(openOnly ? { ':closed': 'closed' } : {}),
      },
    });
  const [points, hazards, openSlot] = await Promise.all([
    inOldVillage('RPS', false),
    inOldVillage('HAZARDS', true),
    store.get(store.key('PATROLOPEN'), unit.id, true),
  ]);
  const patrol = openSlot
    ? await store.get(store.key('PATROL', String(openSlot.patrolId)), 'PATROL', true)
    : undefined;

  const carried: [StoredItem, string][] = [
    ...points.map((item) => [item, 'risk-point'] as [StoredItem, string]),
    ...hazards.map((item) => [item, HAZARD_ENTITY] as [StoredItem, string]),
    ...(patrol && String(patrol.gridPath) === unit.gridPath
      ? [[patrol, PATROL_ENTITY] as [StoredItem, string]]
      : []),
  ];
  if (carried.length > MAX_CARRIED_RECORDS) {
    throw new ConflictError(
      `The unit has ${carried.length} risk points, open hazards and patrol tasks; at most ${MAX_CARRIED_RECORDS} can move with it in one step.`,
      'too_many_to_move',
    );
  }
  const deltas: Record<string, number> = {};
  for (const item of points) addCounts(deltas, countsOf(item as unknown as RiskPoint));
  for (const item of hazards) addCounts(deltas, hazardCounts(item as unknown as Hazard));

  const items: TransactItem[] = [];
  for (const [item, entityType] of carried) {
    const audit = appendAuditEvent(store, chainHeadOf(item), {
      entityType,
      entityId: String(item.id),
      action: 'moved_with_unit',
      ...auditFacts(ctx),
      changes: {
        gridId: { before: item.gridId ?? null, after: to.gridId },
        gridPath: { before: item.gridPath ?? null, after: to.gridPath },
      },
    });
    const { sets, names, values } = pathRewrite(item, unit.gridPath, to.gridPath);
    items.push(
      {
        Update: {
          TableName: store.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: `SET ${[...sets, '#gridId = :gridId', '#auditSeq = :auditSeq', '#auditHead = :auditHead', '#updatedAt = :now'].join(', ')} ADD #version :one`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: {
            ...names,
            '#gridId': 'gridId',
            '#auditSeq': 'auditSeq',
            '#auditHead': 'auditHead',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ...values,
            ':gridId': to.gridId,
            ':auditSeq': audit.next.auditSeq,
            ':auditHead': audit.next.auditHead,
            ':now': ctx.now.toISOString(),
            ':one': 1,
            ':expected': item.version,
          },
        },
      },
      audit.put,
    );
  }
  return {
    items,
    deltas: deltas as CounterDeltas,
    moved: {
      riskPoints: points.length,
      hazards: hazards.length,
      patrols: carried.length - points.length - hazards.length,
    },
  };
}

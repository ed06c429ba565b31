import {
  ConflictError,
  type CounterDeltas,
  type Hazard,
  type Patrol,
  type RiskPoint,
  type Unit,
} from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf } from './audit-log.ts';
import { addCounts } from './grid-stats.ts';
import { HAZARD_ENTITY, hazardCounts, hazardLedgerRecord } from './hazard-repository.ts';
import { sortKeyRange } from './keys.ts';
import { PATROL_ENTITY, patrolLedgerRecord } from './patrol-repository.ts';
import { pathRewrite } from './rehome.ts';
import { countsOf, riskPointLedgerRecord } from './risk-point-repository.ts';
import { LedgerBatch, type LedgerRecord } from './statistics-ledger.ts';
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
 * The unit's own update, its audit event, up to 4 counter updates and up to 24 statistics ledger updates (the
 * old and the new place's 6 partitions, each a day and a month) leave this many items for carried records (two
 * each: the record and its audit event).
 */
export const MAX_CARRIED_RECORDS = Math.floor((MAX_TRANSACTION_ITEMS - 2 - 4 - 24) / 2);

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
  unit: Pick<Unit, 'id' | 'gridId' | 'gridPath' | 'departmentId'>,
  to: { gridId: string; gridPath: string; departmentId?: string },
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

  // The statistics move too: the carried records' stocks leave the old place today and arrive at the new one.
  const ledger = new LedgerBatch(store, ctx.now);
  const toPlace = { gridPath: to.gridPath, ...(to.departmentId ? { departmentId: to.departmentId } : {}) };
  for (const [item, entityType] of carried) {
    const record = ledgerRecordOf(item, entityType);
    ledger.change(record, { ...record, place: toPlace });
  }

  const moves = unit.gridPath !== to.gridPath;
  const rehomes = unit.departmentId !== to.departmentId;
  const items: TransactItem[] = [];
  for (const [item, entityType] of carried) {
    const audit = appendAuditEvent(store, chainHeadOf(item), {
      entityType,
      entityId: String(item.id),
      action: 'moved_with_unit',
      ...auditFacts(ctx),
      changes: {
        ...(moves
          ? {
              gridId: { before: item.gridId ?? null, after: to.gridId },
              gridPath: { before: item.gridPath ?? null, after: to.gridPath },
            }
          : {}),
        ...(rehomes
          ? { departmentId: { before: item.departmentId ?? null, after: to.departmentId ?? null } }
          : {}),
      },
    });
    const { sets: pathSets, names, values } = pathRewrite(item, unit.gridPath, to.gridPath);
    // A record leaving every department leaves its index: its sort key is removed, not moved.
    const leavesDepartments = rehomes && to.departmentId === undefined;
    const sets = leavesDepartments ? pathSets.filter((set) => !set.startsWith('#gsi3sk')) : pathSets;
    if (leavesDepartments) delete values[':gsi3sk'];
    const department = rehomes
      ? departmentRewrite(store, item, entityType, `${to.gridPath}#${String(item.id)}`, to.departmentId)
      : { sets: [], removes: [], names: {}, values: {} };
    items.push(
      {
        Update: {
          TableName: store.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: `SET ${[...sets, ...department.sets, '#gridId = :gridId', '#auditSeq = :auditSeq', '#auditHead = :auditHead', '#updatedAt = :now'].join(', ')}${department.removes.length > 0 ? ` REMOVE ${department.removes.join(', ')}` : ''} ADD #version :one`,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: {
            ...names,
            ...department.names,
            '#gridId': 'gridId',
            '#auditSeq': 'auditSeq',
            '#auditHead': 'auditHead',
            '#updatedAt': 'updatedAt',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ...values,
            ...department.values,
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
  items.push(...ledger.items());
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

/** A carried record as the statistics ledger counts it, where it is now. */
function ledgerRecordOf(item: StoredItem, entityType: string): LedgerRecord {
  if (entityType === HAZARD_ENTITY) return hazardLedgerRecord(item as unknown as Hazard);
  if (entityType === PATROL_ENTITY) return patrolLedgerRecord(item as unknown as Patrol);
  return riskPointLedgerRecord(item as unknown as RiskPoint);
}

/** Each carried collection's department index (a patrol is listed by department through a filter only). */
const DEPARTMENT_INDEX: Record<string, string | undefined> = {
  'risk-point': 'RPDEPT',
  [HAZARD_ENTITY]: 'HZDEPT',
  [PATROL_ENTITY]: undefined,
};

/**
 * The clauses that put a carried record under the unit's new department: its `departmentId` and its place in
 * the department's index (`gsi3`), so the old department's lists and scope checks lose it in the same
 * transaction and the new one's find it. No department: both go.
 */
function departmentRewrite(
  store: TenantStore,
  item: StoredItem,
  entityType: string,
  sortKey: string,
  departmentId: string | undefined,
): { sets: string[]; removes: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const index = DEPARTMENT_INDEX[entityType];
  const names: Record<string, string> = { '#departmentId': 'departmentId' };
  if (index) Object.assign(names, { '#gsi3pk': 'gsi3pk', '#gsi3sk': 'gsi3sk' });
  if (departmentId === undefined) {
    return {
      sets: [],
      removes: ['#departmentId', ...(index ? ['#gsi3pk', '#gsi3sk'] : [])],
      names,
      values: {},
    };
  }
  // A record that had a department keeps its index sort key (a village move rewrites it through pathRewrite).
  const setsSortKey = index !== undefined && typeof item.gsi3sk !== 'string';
  if (!setsSortKey) delete names['#gsi3sk'];
  return {
    sets: [
      '#departmentId = :departmentId',
      ...(index ? ['#gsi3pk = :gsi3pk'] : []),
      ...(setsSortKey ? ['#gsi3sk = :gsi3sk'] : []),
    ],
    removes: [],
    names,
    values: {
      ':departmentId': departmentId,
      ...(index ? { ':gsi3pk': store.key(index, departmentId) } : {}),
      ...(setsSortKey ? { ':gsi3sk': sortKey } : {}),
    },
  };
}

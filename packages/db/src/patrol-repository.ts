import { type Hazard, type NotificationMessage, type Patrol, patrolFigures } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { patrolEntity } from './entities.ts';
import { addCounts, counterUpdates } from './grid-stats.ts';
import { HazardRepository, hazardLedgerRecord } from './hazard-repository.ts';
import { RecordRepository } from './record-repository.ts';
import { LedgerBatch, type LedgerRecord, ledgerChange } from './statistics-ledger.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

export const PATROL_ENTITY = 'patrol';

export interface PatrolFilter {
  withinPath: string;
  status?: Patrol['status'];
  /** Only scheduled patrols due before this instant (ISO): the overdue ones. */
  dueBefore?: string;
  departmentId?: string;
  unitId?: string;
}

/**
 * Patrol tasks (declared in entities.ts: pk PATROL#<id>, indexed by subtree, status, due time and unit).
 * One item per unit in PATROLOPEN / <unitId> names the unit's open task: creating a task claims it, completing
 * one hands it to the next, so a unit never has two open tasks however many planners run.
 * Photos waiting for a patrol's completion sit beside it at PATROL#<id> / PHOTO#<photoId> (expiring after a day).
 */
export class PatrolRepository extends RecordRepository<Patrol> {
  constructor(store: TenantStore) {
    super(store, patrolEntity);
  }

  /** listPatrols{BySubtree,ByStatus,ByUnit}: one Query; the overdue list is the scheduled one filtered on dueAt. */
  async list(filter: PatrolFilter, page: { limit: number; cursor?: string }): Promise<Page<Patrol>> {
    const byUnit = filter.unitId !== undefined;
    return patrolEntity.page(
      this.store,
      {
        index: byUnit ? 'gsi4' : filter.status ? 'gsi2' : 'gsi1',
        of: filter,
        // A unit's history is in one partition already, newest first; a subtree narrows the others by path.
        ...(byUnit ? { newestFirst: true } : { within: filter.withinPath }),
        where: { status: filter.status, departmentId: filter.departmentId },
        ...(filter.dueBefore
          ? {
              filter: {
                expression: '#dueAt < :dueBefore',
                names: { '#dueAt': 'dueAt' },
                values: { ':dueBefore': filter.dueBefore },
              },
            }
          : {}),
      },
      page,
    );
  }

  /** listPatrolsDueBetween: every page of gsi3 PATROLDUE between two instants (the quarterly assessment). */
  async listDueBetween(from: string, to: string): Promise<Patrol[]> {
    const patrols = await patrolEntity.all(this.store, {
      index: 'gsi3',
      sk: ['BETWEEN :from AND :to', { ':from': from, ':to': `${to}#` }],
    });
    return patrols.filter((patrol) => patrol.dueAt >= from && patrol.dueAt < to);
  }

  /** listUnitsWithOpenPatrols: every page of PATROLOPEN; one small item per unit. */
  async unitsWithOpenPatrol(): Promise<Set<string>> {
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('PATROLOPEN') },
    });
    return new Set(items.map((item) => String(item.sk)));
  }

  private creationItems(patrol: Patrol, ctx: WriteContext): TransactItem[] {
    const details = { unitId: patrol.unitId, dueAt: patrol.dueAt, intervalDays: patrol.intervalDays };
    return this.writes(patrol, NEW_CHAIN, ctx, [{ action: 'scheduled', details }]);
  }

  /** A new task's writes with its `due` in the statistics ledger (a completion merges its own into one batch). */
  private scheduledItems(patrol: Patrol, ctx: WriteContext): TransactItem[] {
    return [
      ...this.creationItems(patrol, ctx),
      ...ledgerChange(this.store, ctx.now, undefined, patrolLedgerRecord(patrol)),
    ];
  }

  /** Schedules a unit's task, claiming the unit's open slot: a unit that already has an open task refuses (409). */
  async create(patrol: Patrol, ctx: WriteContext): Promise<Patrol> {
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('PATROLOPEN'),
              sk: patrol.unitId,
              type: 'OpenPatrol',
              patrolId: patrol.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...this.scheduledItems(patrol, ctx),
      ],
      'patrol',
    );
    return patrol;
  }

  /**
   * Completes a patrol in ONE transaction: the patrol (optimistic lock, and it must still be scheduled), its
   * audit event, the next task with its own event and the unit's open slot handed to it, every hazard the
   * deficient items open with their events and notices, and their counters added up once per grid node.
   */
  async complete(
    stored: StoredItem,
    done: Patrol,
    expectedVersion: number,
    ctx: WriteContext,
    options: {
      next?: Patrol;
      hazards?: { hazard: Hazard; notifications: readonly NotificationMessage[] }[];
      extraItems?: TransactItem[];
    } = {},
  ): Promise<Patrol> {
    const { before, next, items } = this.change(
      stored,
      done,
      ctx,
      {
        action: 'completed',
        details: {
          items: done.items?.length ?? 0,
          deficient: done.items?.filter((item) => item.result === 'deficient').length ?? 0,
          hazardIds: done.hazardIds,
          distanceMeters: done.distanceMeters ?? null,
          distanceFlagged: done.distanceFlagged ?? false,
          nextPatrolId: done.nextPatrolId ?? null,
        },
      },
      {
        version: expectedVersion,
        condition: '#status = :scheduled',
        names: { '#status': 'status' },
        values: { ':scheduled': 'scheduled' },
      },
    );
    const hazards = new HazardRepository(this.store);
    if (options.next) {
      items.push(...this.creationItems(options.next, ctx), {
        Update: {
          TableName: this.store.tableName,
          Key: { pk: this.store.key('PATROLOPEN'), sk: before.unitId },
          UpdateExpression: 'SET patrolId = :next',
          // A slot that names another task means someone re-planned the unit meanwhile: do not fork the schedule.
          ConditionExpression: 'attribute_not_exists(pk) OR patrolId = :current',
          ExpressionAttributeValues: { ':next': options.next.id, ':current': before.id },
        },
      });
    }
    // The statistics of the whole completion in one batch: the task done, the next one due, the hazards found.
    const ledger = new LedgerBatch(this.store, ctx.now).change(
      patrolLedgerRecord(before),
      patrolLedgerRecord(next),
    );
    if (options.next) ledger.change(undefined, patrolLedgerRecord(options.next));
    const deltas: Record<string, number> = {};
    for (const { hazard, notifications } of options.hazards ?? []) {
      const created = hazards.creationItems(hazard, ctx, notifications);
      items.push(...created.items);
      addCounts(deltas, created.deltas);
      ledger.change(undefined, hazardLedgerRecord(hazard));
    }
    items.push(
      ...counterUpdates(this.store, before.gridPath, deltas),
      ...ledger.items(),
      ...(options.extraItems ?? []),
    );
    await this.store.transact(items, 'patrol');
    await hazards.indexCreated((options.hazards ?? []).map(({ hazard }) => hazard));
    return next;
  }
}

/** Where a patrol counts in the statistics ledger (its due day, and its completion), and what it counts there. */
export function patrolLedgerRecord(
  patrol: Pick<Patrol, 'status' | 'dueAt' | 'gridPath' | 'departmentId'>,
): LedgerRecord {
  return {
    place: {
      gridPath: patrol.gridPath,
      ...(patrol.departmentId ? { departmentId: patrol.departmentId } : {}),
    },
    figures: patrolFigures(patrol),
  };
}

import type { Hazard, NotificationMessage, Patrol } from '@gridsafe/core';
import { appendAuditEvent, type ChainHead, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { addCounts, counterUpdates } from './grid-stats.ts';
import { HazardRepository } from './hazard-repository.ts';
import { sortKeyRange } from './keys.ts';
import { fromItem, type Page, type StoredItem, type TenantStore, type TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

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
 * Patrol tasks. Item: pk PATROL#<id> / sk PATROL, indexed for the ways people look for them:
 * - gsi1 PATROLS / <gridPath>#<id>: every patrol in a subtree (also what a village move re-homes);
 * - gsi2 PATROLSTATUS#<status> / <gridPath>#<dueAt>#<id>: scheduled (to do, and overdue when dueAt has passed)
 *   or done, within a subtree, each village's in due order;
 * - gsi3 PATROLDUE / <dueAt>#<id>: patrols by due time county-wide (a quarter's patrols for the assessment);
 * - gsi4 PATROLUNIT#<unitId> / <dueAt>#<id>: a unit's patrol history.
 * One item per unit in PATROLOPEN / <unitId> names the unit's open task: creating a task claims it, completing
 * one hands it to the next, so a unit never has two open tasks however many planners run.
 * Photos waiting for a patrol's completion sit beside it at PATROL#<id> / PHOTO#<photoId> (expiring after a day).
 */
export class PatrolRepository {
  constructor(private readonly store: TenantStore) {}

  async getStored(id: string, consistent = false): Promise<StoredItem | undefined> {
    return this.store.get(this.store.key('PATROL', id), 'PATROL', consistent);
  }

  /** getPatrol: GetItem PATROL#<id>. */
  async get(id: string): Promise<Patrol | undefined> {
    const item = await this.getStored(id);
    return item ? fromItem<Patrol>(item) : undefined;
  }

  /** listPatrols{BySubtree,ByStatus,ByUnit}: one Query; the overdue list is the scheduled one filtered on dueAt. */
  async list(filter: PatrolFilter, page: { limit: number; cursor?: string }): Promise<Page<Patrol>> {
    const byUnit = filter.unitId !== undefined;
    const [index, pk] = byUnit
      ? (['gsi4', this.store.key('PATROLUNIT', filter.unitId!)] as const)
      : filter.status
        ? (['gsi2', this.store.key('PATROLSTATUS', filter.status)] as const)
        : (['gsi1', this.store.key('PATROLS')] as const);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    const filters: string[] = [];
    if (byUnit && filter.status) {
      names['#status'] = 'status';
      values[':status'] = filter.status;
      filters.push('#status = :status');
    }
    if (filter.dueBefore) {
      names['#dueAt'] = 'dueAt';
      values[':dueBefore'] = filter.dueBefore;
      filters.push('#dueAt < :dueBefore');
    }
    if (filter.departmentId) {
      names['#departmentId'] = 'departmentId';
      values[':departmentId'] = filter.departmentId;
      filters.push('#departmentId = :departmentId');
    }
    // A unit's history is in one partition already; a subtree narrows the others by path.
    const withinArea = !byUnit && filter.withinPath !== '';
    if (withinArea) Object.assign(values, sortKeyRange(filter.withinPath));
    const result = await this.store.queryPage(
      {
        IndexName: index,
        KeyConditionExpression: withinArea
          ? `${index}pk = :pk AND ${index}sk BETWEEN :path AND :pathEnd`
          : `${index}pk = :pk`,
        ...(filters.length > 0
          ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
          : {}),
        ExpressionAttributeValues: values,
        ...(byUnit ? { ScanIndexForward: false } : {}),
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<Patrol>(item)), nextCursor: result.nextCursor };
  }

  /** listPatrolsDueBetween: every page of gsi3 PATROLDUE between two instants (the quarterly assessment). */
  async listDueBetween(from: string, to: string): Promise<Patrol[]> {
    const items = await this.store.queryAll({
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': this.store.key('PATROLDUE'), ':from': from, ':to': `${to}#` },
    });
    return items
      .map((item) => fromItem<Patrol>(item))
      .filter((patrol) => patrol.dueAt >= from && patrol.dueAt < to);
  }

  /** listUnitsWithOpenPatrols: every page of PATROLOPEN; one small item per unit. */
  async unitsWithOpenPatrol(): Promise<Set<string>> {
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('PATROLOPEN') },
    });
    return new Set(items.map((item) => String(item.sk)));
  }

  private itemOf(patrol: Patrol, chain: ChainHead) {
    return {
      pk: this.store.key('PATROL', patrol.id),
      sk: 'PATROL',
      type: 'Patrol',
      gsi1pk: this.store.key('PATROLS'),
      gsi1sk: `${patrol.gridPath}#${patrol.id}`,
      gsi2pk: this.store.key('PATROLSTATUS', patrol.status),
      gsi2sk: `${patrol.gridPath}#${patrol.dueAt}#${patrol.id}`,
      gsi3pk: this.store.key('PATROLDUE'),
      gsi3sk: `${patrol.dueAt}#${patrol.id}`,
      gsi4pk: this.store.key('PATROLUNIT', patrol.unitId),
      gsi4sk: `${patrol.dueAt}#${patrol.id}`,
      ...patrol,
      ...chain,
    };
  }

  private creationItems(patrol: Patrol, ctx: WriteContext): TransactItem[] {
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: PATROL_ENTITY,
      entityId: patrol.id,
      action: 'scheduled',
      ...auditFacts(ctx),
      details: { unitId: patrol.unitId, dueAt: patrol.dueAt, intervalDays: patrol.intervalDays },
    });
    return [
      {
        Put: {
          TableName: this.store.tableName,
          Item: this.itemOf(patrol, audit.next),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      audit.put,
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
        ...this.creationItems(patrol, ctx),
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
    const before = fromItem<Patrol>(stored);
    const after: Patrol = { ...done, version: before.version + 1, updatedAt: ctx.now.toISOString() };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: PATROL_ENTITY,
      entityId: before.id,
      action: 'completed',
      ...auditFacts(ctx),
      details: {
        items: after.items?.length ?? 0,
        deficient: after.items?.filter((item) => item.result === 'deficient').length ?? 0,
        hazardIds: after.hazardIds,
        distanceMeters: after.distanceMeters ?? null,
        distanceFlagged: after.distanceFlagged ?? false,
        nextPatrolId: after.nextPatrolId ?? null,
      },
    });
    const hazards = new HazardRepository(this.store);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.store.tableName,
          Item: this.itemOf(after, audit.next),
          ConditionExpression: 'attribute_exists(pk) AND #version = :expected AND #status = :scheduled',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':expected': expectedVersion, ':scheduled': 'scheduled' },
        },
      },
      audit.put,
    ];
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
    const deltas: Record<string, number> = {};
    for (const { hazard, notifications } of options.hazards ?? []) {
      const created = hazards.creationItems(hazard, ctx, notifications);
      items.push(...created.items);
      addCounts(deltas, created.deltas);
    }
    items.push(...counterUpdates(this.store, before.gridPath, deltas), ...(options.extraItems ?? []));
    await this.store.transact(items, 'patrol');
    return after;
  }
}

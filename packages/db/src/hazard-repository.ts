import {
  type CounterDeltas,
  diff,
  type Hazard,
  type HazardStatus,
  isWatched,
  type NotificationMessage,
} from '@gridsafe/core';
import { appendAuditEvent, type ChainHead, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { counterUpdates, subtractCounts } from './grid-stats.ts';
import { sortKeyRange } from './keys.ts';
import { NotificationRepository } from './notification-repository.ts';
import { fromItem, type Page, type StoredItem, type TenantStore, type TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

const AUDITED_FIELDS = [
  'title',
  'description',
  'status',
  'level',
  'escalationStep',
  'deadline',
  'escalateAt',
  'overdue',
  'supervised',
  'rectification',
  'resolution',
  'rejectReason',
  'rejections',
] as const satisfies readonly (keyof Hazard)[];

export const HAZARD_ENTITY = 'hazard';

export interface HazardFilter {
  withinPath: string;
  status?: HazardStatus;
  level?: Hazard['level'];
  departmentId?: string;
  unitId?: string;
  /** true: only open hazards marked overdue; false: only those not marked. */
  overdue?: boolean;
}

/** A change to write: the event it records and the notices that go with it. */
export interface HazardEvent {
  action: string;
  reason?: string;
  details?: Record<string, unknown>;
  notifications?: readonly NotificationMessage[];
  /** Written in the same transaction (the idempotency record of a step sent from a field device). */
  extraItems?: TransactItem[];
}

/**
 * Hazard work orders. Item: pk HZ#<id> / sk HZ, indexed four ways, each sort key `<gridPath>#<id>` so any of
 * them narrows to a grid subtree with begins_with:
 * - gsi1 HAZARDS: every hazard in a subtree (the board; also what a village move re-homes);
 * - gsi2 HZSTATUS#<status>: a status in a subtree (open work, rectifications waiting for verification);
 * - gsi3 HZDEPT#<departmentId>: a department's hazards (the industry chain);
 * - gsi4 HZLEVEL#<level>: hazards at an escalation level in a subtree (what the township or county handles);
 * - due DUE#HAZARD / <escalateAt>#<id>: sparse, only hazards the sweep still watches (open or rectifying with
 *   something due); a closed or rectified hazard carries no duepk, so the sweep reads only live work.
 * Photos announced but not yet confirmed sit beside the hazard at HZ#<id> / PHOTO#<photoId> (expiring after a day).
 */
export class HazardRepository {
  private readonly notifications: NotificationRepository;

  constructor(private readonly store: TenantStore) {
    this.notifications = new NotificationRepository(store);
  }

  async getStored(id: string, consistent = false): Promise<StoredItem | undefined> {
    return this.store.get(this.store.key('HZ', id), 'HZ', consistent);
  }

  /** getHazard: GetItem HZ#<id>. */
  async get(id: string): Promise<Hazard | undefined> {
    const item = await this.getStored(id);
    return item ? fromItem<Hazard>(item) : undefined;
  }

  /** listHazards{BySubtree,ByStatus,ByDepartment,ByLevel}: one Query on the most selective index, the rest filtered. */
  async list(filter: HazardFilter, page: { limit: number; cursor?: string }): Promise<Page<Hazard>> {
    const [index, pk, used] = filter.status
      ? (['gsi2', this.store.key('HZSTATUS', filter.status), 'status'] as const)
      : filter.departmentId
        ? (['gsi3', this.store.key('HZDEPT', filter.departmentId), 'departmentId'] as const)
        : filter.level
          ? (['gsi4', this.store.key('HZLEVEL', filter.level), 'level'] as const)
          : (['gsi1', this.store.key('HAZARDS'), 'none'] as const);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': pk };
    const filters: string[] = [];
    const narrow = (field: 'status' | 'level' | 'departmentId' | 'unitId', value: string | undefined) => {
      if (value === undefined || field === used) return;
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      filters.push(`#${field} = :${field}`);
    };
    narrow('status', filter.status);
    narrow('departmentId', filter.departmentId);
    narrow('level', filter.level);
    narrow('unitId', filter.unitId);
    if (filter.overdue !== undefined) {
      names['#overdue'] = 'overdue';
      names['#status'] = 'status';
      values[':overdue'] = true;
      values[':closed'] = 'closed';
      filters.push(
        filter.overdue
          ? '(#overdue = :overdue AND #status <> :closed)'
          : '(#overdue <> :overdue OR #status = :closed)',
      );
    }
    const withinArea = filter.withinPath !== '';
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
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<Hazard>(item)), nextCursor: result.nextCursor };
  }

  /** listAllHazards: every page of gsi1 HAZARDS (the quarterly assessment reads them all, once a quarter). */
  async listAll(): Promise<Hazard[]> {
    const items = await this.store.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('HAZARDS') },
    });
    return items.map((item) => fromItem<Hazard>(item));
  }

  /** listDueHazards: Query the sparse `due` index, DUE#HAZARD with duesk up to now, oldest first. */
  async listDue(now: Date, page: { limit: number; cursor?: string }): Promise<Page<Hazard>> {
    const result = await this.store.queryPage(
      {
        IndexName: 'due',
        KeyConditionExpression: 'duepk = :pk AND duesk <= :now',
        // '~' sorts after every ULID character, so a hazard due exactly now is included.
        ExpressionAttributeValues: {
          ':pk': this.store.key('DUE', 'HAZARD'),
          ':now': `${now.toISOString()}#~`,
        },
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<Hazard>(item)), nextCursor: result.nextCursor };
  }

  private itemOf(hazard: Hazard, chain: ChainHead) {
    const sortKey = `${hazard.gridPath}#${hazard.id}`;
    return {
      pk: this.store.key('HZ', hazard.id),
      sk: 'HZ',
      type: 'Hazard',
      gsi1pk: this.store.key('HAZARDS'),
      gsi1sk: sortKey,
      gsi2pk: this.store.key('HZSTATUS', hazard.status),
      gsi2sk: sortKey,
      ...(hazard.departmentId
        ? { gsi3pk: this.store.key('HZDEPT', hazard.departmentId), gsi3sk: sortKey }
        : {}),
      gsi4pk: this.store.key('HZLEVEL', hazard.level),
      gsi4sk: sortKey,
      // Sparse: present only while the sweep has something to do; the Put rewrites the whole item, so a hazard
      // that is rectified or closed simply leaves the index.
      ...(isWatched(hazard)
        ? { duepk: this.store.key('DUE', 'HAZARD'), duesk: `${hazard.escalateAt}#${hazard.id}` }
        : {}),
      ...hazard,
      ...chain,
    };
  }

  /**
   * The writes that create a hazard, without its counters (a patrol creating several adds theirs up once): the
   * item, its `created` event, an `escalated` event when it starts above the village, and its notices.
   */
  creationItems(
    hazard: Hazard,
    ctx: WriteContext,
    notifications: readonly NotificationMessage[] = [],
  ): { items: TransactItem[]; deltas: CounterDeltas } {
    const created = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: HAZARD_ENTITY,
      entityId: hazard.id,
      action: 'created',
      ...auditFacts(ctx),
      details: {
        title: hazard.title,
        severity: hazard.severity,
        unitId: hazard.unitId,
        riskPointId: hazard.riskPointId ?? null,
        patrolId: hazard.patrolId ?? null,
        deadline: hazard.deadline,
      },
    });
    const events = [created];
    let head = created.next;
    for (const step of hazard.escalations) {
      const escalated = appendAuditEvent(this.store, head, {
        entityType: HAZARD_ENTITY,
        entityId: hazard.id,
        action: 'escalated',
        ...auditFacts(ctx),
        changes: { level: { before: step.from, after: step.to } },
        details: { cause: step.cause },
      });
      events.push(escalated);
      head = escalated.next;
    }
    return {
      items: [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(hazard, head),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...events.map((event) => event.put),
        ...this.notifications.puts(notifications),
      ],
      deltas: hazardCounts(hazard),
    };
  }

  /** One transaction: the hazard, its audit events, its notices and its counters up the tree. */
  async create(
    hazard: Hazard,
    ctx: WriteContext,
    options: { notifications?: readonly NotificationMessage[]; extraItems?: TransactItem[] } = {},
  ): Promise<Hazard> {
    const { items, deltas } = this.creationItems(hazard, ctx, options.notifications);
    await this.store.transact(
      [...items, ...counterUpdates(this.store, hazard.gridPath, deltas), ...(options.extraItems ?? [])],
      'hazard',
    );
    return hazard;
  }

  /**
   * Writes a changed hazard: one transaction of the item (optimistic lock on the version the caller saw, and for
   * the sweep on the escalation step too), its audit event, the counter moves the change implies and its notices.
   */
  async save(
    stored: StoredItem,
    after: Hazard,
    expectedVersion: number,
    ctx: WriteContext,
    event: HazardEvent,
    expectedLadder?: Pick<Hazard, 'level' | 'escalationStep'>,
  ): Promise<Hazard> {
    const before = fromItem<Hazard>(stored);
    const next: Hazard = { ...after, version: before.version + 1, updatedAt: ctx.now.toISOString() };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: HAZARD_ENTITY,
      entityId: before.id,
      action: event.action,
      ...auditFacts(ctx),
      changes: diff(before, next, AUDITED_FIELDS),
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.details ? { details: event.details } : {}),
    });
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':expected': expectedVersion };
    let condition = 'attribute_exists(pk) AND #version = :expected';
    if (expectedLadder) {
      // Two sweeps racing on one hazard: only the one that still sees the step it read may take the next one.
      names['#level'] = 'level';
      names['#step'] = 'escalationStep';
      values[':level'] = expectedLadder.level;
      values[':step'] = expectedLadder.escalationStep;
      condition += ' AND #level = :level AND #step = :step';
    }
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(next, audit.next),
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        },
        audit.put,
        ...counterUpdates(
          this.store,
          next.gridPath,
          subtractCounts(hazardCounts(next), hazardCounts(before)),
        ),
        ...this.notifications.puts(event.notifications ?? []),
        ...(event.extraItems ?? []),
      ],
      'hazard',
    );
    return next;
  }
}

/**
 * What one hazard adds to its grid's counters. Not yet closed: one open, one at its level, one overdue when the
 * sweep has marked it. Closed: one closed and nothing else, so closing takes it off every open figure at once.
 */
export function hazardCounts(hazard: Pick<Hazard, 'status' | 'level' | 'overdue'>): CounterDeltas {
  if (hazard.status === 'closed') return { hz_closed: 1 };
  return {
    hz_open: 1,
    [`hz_${hazard.level}`]: 1,
    ...(hazard.overdue ? { hz_overdue: 1 } : {}),
  } as CounterDeltas;
}

import {
  type CounterDeltas,
  type Hazard,
  type HazardStatus,
  hazardFigures,
  type NotificationMessage,
  type SearchDocument,
  searchDocument,
} from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { hazardEntity } from './entities.ts';
import { counterUpdates, subtractCounts } from './grid-stats.ts';
import { NotificationRepository } from './notification-repository.ts';
import { type AuditNote, RecordRepository, withinPath } from './record-repository.ts';
import { SearchIndex } from './search-index.ts';
import { type LedgerRecord, ledgerChange } from './statistics-ledger.ts';
import { registerChanges } from './supervision-register.ts';
import {
  MAX_TRANSACTION_ITEMS,
  type Page,
  type StoredItem,
  type TenantStore,
  type TransactItem,
} from './tenant-store.ts';
import { hazardOutbox } from './webhook-events.ts';
import type { WriteContext } from './write-context.ts';

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
  'supervision',
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
 * Hazard work orders (declared in entities.ts: pk HZ#<id>, four subtree indexes and the sparse `due` index).
 * Photos announced but not yet confirmed sit beside the hazard at HZ#<id> / PHOTO#<photoId> (expiring after a day).
 */
export class HazardRepository extends RecordRepository<Hazard> {
  private readonly notifications: NotificationRepository;

  private readonly search: SearchIndex;

  constructor(store: TenantStore) {
    super(store, hazardEntity);
    this.notifications = new NotificationRepository(store);
    this.search = new SearchIndex(store, 'hazard');
  }

  /** listHazardsAtLevel: every page of gsi4 HZLEVEL#<level> (the register's migration reads the county's). */
  async listAtLevel(level: Hazard['level']): Promise<Hazard[]> {
    return hazardEntity.all(this.store, { index: 'gsi4', of: { level } });
  }

  /**
   * searchHazards: the hazards whose title holds `query` (the n-gram index, search-index.ts), in the list's place
   * and passing its filters.
   */
  async searchList(filter: HazardFilter & { query: string }, page: { limit: number; cursor?: string }) {
    const { status, departmentId, level, unitId, overdue } = filter;
    return this.searchPage(
      this.search,
      filter.query,
      page,
      (hazard) =>
        withinPath(hazard, filter.withinPath) &&
        (!status || hazard.status === status) &&
        (!departmentId || hazard.departmentId === departmentId) &&
        (!level || hazard.level === level) &&
        (!unitId || hazard.unitId === unitId) &&
        (overdue === undefined ||
          (overdue
            ? hazard.overdue === true && hazard.status !== 'closed'
            : hazard.overdue !== true || hazard.status === 'closed')),
    );
  }

  /**
   * The postings of hazards a patrol completion created, written after its transaction: fifteen hazards with
   * their notices already fill most of one, so their postings follow in transactions of their own (Puts only, so
   * writing them again is harmless, and the migration's backfill writes any a failure left out).
   */
  async indexCreated(hazards: readonly Hazard[]): Promise<void> {
    const puts = hazards.flatMap((hazard) => this.search.puts(hazard.id, hazardSearchDocument(hazard)));
    for (let start = 0; start < puts.length; start += MAX_TRANSACTION_ITEMS)
      await this.store.transact(puts.slice(start, start + MAX_TRANSACTION_ITEMS), 'hazard');
  }

  /**
   * listHazards{BySubtree,ByStatus,ByDepartment,ByLevel}: one Query on the most selective index the filters
   * allow (status, then department, then level), the rest filtered.
   */
  async list(filter: HazardFilter, page: { limit: number; cursor?: string }): Promise<Page<Hazard>> {
    const index = filter.status ? 'gsi2' : filter.departmentId ? 'gsi3' : filter.level ? 'gsi4' : 'gsi1';
    const { status, departmentId, level, unitId } = filter;
    return hazardEntity.page(
      this.store,
      {
        index,
        of: filter,
        within: filter.withinPath,
        where: { status, departmentId, level, unitId },
        ...(filter.overdue === undefined
          ? {}
          : {
              filter: {
                expression: filter.overdue
                  ? '(#overdue = :overdue AND #status <> :closed)'
                  : '(#overdue <> :overdue OR #status = :closed)',
                names: { '#overdue': 'overdue', '#status': 'status' },
                values: { ':overdue': true, ':closed': 'closed' },
              },
            }),
      },
      page,
    );
  }

  /** listAllHazards: every page of gsi1 HAZARDS (the quarterly assessment reads them all, once a quarter). */
  async listAll(): Promise<Hazard[]> {
    return hazardEntity.all(this.store, { index: 'gsi1' });
  }

  /** listDueHazards: Query the sparse `due` index, DUE#HAZARD with duesk up to now, oldest first. */
  async listDue(now: Date, page: { limit: number; cursor?: string }): Promise<Page<Hazard>> {
    // '~' sorts after every ULID character, so a hazard due exactly now is included.
    return hazardEntity.page(
      this.store,
      { index: 'due', sk: ['<= :now', { ':now': `${now.toISOString()}#~` }] },
      page,
    );
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
    const created: AuditNote = {
      action: 'created',
      details: {
        title: hazard.title,
        severity: hazard.severity,
        unitId: hazard.unitId,
        riskPointId: hazard.riskPointId ?? null,
        patrolId: hazard.patrolId ?? null,
        deadline: hazard.deadline,
      },
    };
    const escalations = hazard.escalations.map(
      (step): AuditNote => ({
        action: 'escalated',
        changes: { level: { before: step.from, after: step.to } },
        details: { cause: step.cause },
      }),
    );
    return {
      items: [
        ...this.writes(hazard, NEW_CHAIN, ctx, [created, ...escalations]),
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
      [
        ...items,
        ...this.search.puts(hazard.id, hazardSearchDocument(hazard)),
        ...registerChanges(this.store, undefined, hazard),
        ...counterUpdates(this.store, hazard.gridPath, deltas),
        ...ledgerChange(this.store, ctx.now, undefined, hazardLedgerRecord(hazard)),
        ...(options.extraItems ?? []),
        ...(await hazardOutbox(this.store, undefined, hazard)),
      ],
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
    const { before, next, items } = this.change(
      stored,
      after,
      ctx,
      event,
      {
        version: expectedVersion,
        // Two sweeps racing on one hazard: only the one that still sees the step it read may take the next one.
        ...(expectedLadder
          ? {
              condition: '#level = :level AND #step = :step',
              names: { '#level': 'level', '#step': 'escalationStep' },
              values: { ':level': expectedLadder.level, ':step': expectedLadder.escalationStep },
            }
          : {}),
      },
      AUDITED_FIELDS,
    );
    await this.store.transact(
      [
        ...items,
        ...this.search.changes(next.id, hazardSearchDocument(before), hazardSearchDocument(next)),
        ...registerChanges(this.store, before, next),
        ...counterUpdates(
          this.store,
          next.gridPath,
          subtractCounts(hazardCounts(next), hazardCounts(before)),
        ),
        ...ledgerChange(this.store, ctx.now, hazardLedgerRecord(before), hazardLedgerRecord(next)),
        ...this.notifications.puts(event.notifications ?? []),
        ...(event.extraItems ?? []),
        // Its webhooks' deliveries when it rose a level or closed (webhook-outbox.ts).
        ...(await hazardOutbox(this.store, before, next)),
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

/** Where a hazard counts in the statistics ledger, and what it counts there. */
export function hazardLedgerRecord(
  hazard: Pick<Hazard, 'status' | 'overdue' | 'supervised' | 'rectifiedAt' | 'gridPath' | 'departmentId'>,
): LedgerRecord {
  return {
    place: {
      gridPath: hazard.gridPath,
      ...(hazard.departmentId ? { departmentId: hazard.departmentId } : {}),
    },
    figures: hazardFigures(hazard),
  };
}

/** What of a hazard the search index holds: its title, cut to 24 characters (at most 25 postings). */
export function hazardSearchDocument(hazard: Pick<Hazard, 'title'>): SearchDocument {
  return searchDocument([[hazard.title, 24]]);
}

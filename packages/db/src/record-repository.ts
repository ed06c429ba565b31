import { type AuditEvent, diff } from '@gridsafe/core';
import { appendAuditEvent, type ChainHead, chainHeadOf } from './audit-log.ts';
import type { Entity, VersionLock } from './entity.ts';
import type { SearchIndex } from './search-index.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/** What one audit event of a record says, beyond who, when and where. */
export type AuditNote = Pick<AuditEvent, 'action' | 'changes' | 'reason' | 'details'>;

interface Versioned {
  id: string;
  version: number;
  updatedAt: string;
}

/**
 * What every repository of a declared entity shares: reading a record by id, and the one shape of a write (the
 * record's whole item and its audit events, chained on the record). A repository adds only its domain writes:
 * which events, which counters, which notices go into the same transaction.
 */
export abstract class RecordRepository<T extends Versioned> {
  constructor(
    protected readonly store: TenantStore,
    protected readonly entity: Entity<T>,
  ) {}

  /** The item as stored (with its chain head and index keys), for a change that must see the version read. */
  async getStored(id: string, consistent = false): Promise<StoredItem | undefined> {
    const { pk, sk } = this.entity.key(this.store, id);
    return this.store.get(pk, sk, consistent);
  }

  /** get<Entity>: GetItem <prefix>#<id>. */
  async get(id: string): Promise<T | undefined> {
    const item = await this.getStored(id);
    return item ? this.entity.fromItem(item) : undefined;
  }

  /**
   * The record's Put and its audit events, chained on from `from` (a new record: NEW_CHAIN), the record carrying
   * the last event's head. Without `lock` the record must be new; with it, still at the version the writer saw.
   */
  protected writes(
    record: T,
    from: ChainHead,
    ctx: WriteContext,
    notes: readonly AuditNote[],
    lock?: VersionLock,
  ): TransactItem[] {
    const events: TransactItem[] = [];
    let head = from;
    for (const note of notes) {
      const event = appendAuditEvent(this.store, head, {
        entityType: this.entity.audit,
        entityId: record.id,
        ...auditFacts(ctx),
        ...note,
      });
      events.push(event.put);
      head = event.next;
    }
    return [this.entity.put(this.store, record, head, lock), ...events];
  }

  /**
   * A change to a stored record: the next version (one up from the stored one, updated now), its Put under the
   * lock and its audit event, whose `changes` are the `audited` fields that differ (or the event's own). An
   * empty reason or details is left out of the event; anything else the event carries (its notices) is not
   * the audit trail's.
   */
  protected change(
    stored: StoredItem,
    after: T,
    ctx: WriteContext,
    event: Omit<AuditNote, 'changes'> & { changes?: AuditNote['changes'] },
    lock: VersionLock,
    audited?: readonly (keyof T)[],
  ): { before: T; next: T; items: TransactItem[] } {
    const before = this.entity.fromItem(stored);
    const next: T = { ...after, version: before.version + 1, updatedAt: ctx.now.toISOString() };
    const { action, reason, details } = event;
    const note: AuditNote = {
      action,
      ...(audited
        ? { changes: diff(before, next, audited) }
        : event.changes
          ? { changes: event.changes }
          : {}),
      ...(reason ? { reason } : {}),
      ...(details ? { details } : {}),
    };
    return { before, next, items: this.writes(next, chainHeadOf(stored), ctx, [note], lock) };
  }

  /**
   * The plain edit of a record (`updated`): the fields given replace the stored ones (a field left undefined
   * keeps its value), under the version the caller saw, audited as the `audited` fields that changed.
   */
  protected async updateFields(
    stored: StoredItem,
    changes: Partial<T>,
    expectedVersion: number,
    ctx: WriteContext,
    audited: readonly (keyof T)[],
  ): Promise<T> {
    const before = this.entity.fromItem(stored);
    const { next, items } = this.change(
      stored,
      { ...before, ...definedOnly(changes) },
      ctx,
      { action: 'updated' },
      { version: expectedVersion },
      audited,
    );
    await this.store.transact(items, this.entity.audit);
    return next;
  }

  /**
   * A page of a list search: the ids the index answers (BatchGetItem of those records, at most a page), kept when
   * `keep` says they are in the list's place and pass its filters. The records, not the postings, decide scope.
   */
  protected async searchPage(
    index: SearchIndex,
    query: string,
    page: { limit: number; cursor?: string },
    keep: (record: T) => boolean,
  ): Promise<Page<T>> {
    const hits = await index.search(query, page);
    const stored = await this.store.batchGet(hits.ids.map((id) => this.entity.key(this.store, id)));
    const byId = new Map(stored.map((item) => [String(item.id), this.entity.fromItem<T>(item)]));
    const items = hits.ids.flatMap((id) => {
      const record = byId.get(id);
      return record && keep(record) ? [record] : [];
    });
    return { items, ...(hits.nextCursor ? { nextCursor: hits.nextCursor } : {}) };
  }
}

/** The fields of a partial change that say something (an explicit undefined means "leave it"). */
export function definedOnly<T extends object>(changes: T): Partial<T> {
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The test a subtree list's sort-key range makes (`<gridPath>#<id>` starts with the path), on a record. */
export function withinPath(record: { gridPath: string; id: string }, path: string): boolean {
  return `${record.gridPath}#${record.id}`.startsWith(path);
}

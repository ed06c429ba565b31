import { type Alert, type AlertSource, ConflictError, type NotificationMessage } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { alertEntity, alertSourceEntity } from './entities.ts';
import { NotificationRepository } from './notification-repository.ts';
import { RecordRepository } from './record-repository.ts';
import type { Page, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import { alertOutbox } from './webhook-events.ts';
import type { WriteContext } from './write-context.ts';

export interface AlertFilter {
  withinPath: string;
  departmentId?: string;
  unitId?: string;
  status?: Alert['status'];
}

/** What the intake answers: the alert's id, and whether this request made it or found it made. */
export interface AcceptedAlert {
  id: string;
  created: boolean;
}

/** How long a source's minute counter is kept after its minute (DynamoDB TTL removes it). */
const RATE_ITEM_SECONDS = 10 * 60;

/**
 * Monitoring alerts (pk ALERT#<id>, entities.ts) and what keeps the intake honest:
 * - ALERTEVT#<sourceId>#<eventId> / ALERTEVT, put with the alert under `attribute_not_exists(pk)` in one
 *   transaction: the second copy of an event fails that condition and answers the first alert's id, so two copies
 *   in flight at once still make one alert (never read-then-write);
 * - ALERTRATE#<sourceId> / <minute>: the source's own budget, one atomic UpdateItem a request (`ADD` under the
 *   condition that the count is below the limit), apart from every user's request.
 */
export class AlertRepository extends RecordRepository<Alert> {
  private readonly notifications: NotificationRepository;

  constructor(store: TenantStore) {
    super(store, alertEntity);
    this.notifications = new NotificationRepository(store);
  }

  private eventKey(sourceId: string, eventId: string) {
    return { pk: this.store.key('ALERTEVT', sourceId, eventId), sk: 'ALERTEVT' };
  }

  /** The alert an event of a source already made, if any (GetItem ALERTEVT#…, consistent). */
  async findByEvent(sourceId: string, eventId: string): Promise<string | undefined> {
    const { pk, sk } = this.eventKey(sourceId, eventId);
    const item = await this.store.get(pk, sk, true);
    return item ? String(item.alertId) : undefined;
  }

  /**
   * Takes one alert from the source's budget for the minute `now` is in: one UpdateItem, counted only while below
   * `limit`. Answers the seconds until the next minute when the budget is spent, else undefined.
   */
  async takeFromBudget(sourceId: string, limit: number, now: Date): Promise<number | undefined> {
    const minute = Math.floor(now.getTime() / 60_000);
    const taken = await this.store.update({
      Key: { pk: this.store.key('ALERTRATE', sourceId), sk: String(minute) },
      UpdateExpression: 'ADD #count :one SET #type = :type, expiresAt = :expires',
      ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
      ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':limit': limit,
        ':type': 'AlertRate',
        ':expires': minute * 60 + RATE_ITEM_SECONDS,
      },
    });
    if (taken) return undefined;
    return Math.max(1, Math.ceil(((minute + 1) * 60_000 - now.getTime()) / 1000));
  }

  /**
   * The alert, its `created` event, its event key and its notices in one transaction. When the event key is
   * taken (the same event again, or its twin in flight) nothing is written and the first alert's id answers.
   */
  async accept(
    alert: Alert,
    ctx: WriteContext,
    notifications: readonly NotificationMessage[],
  ): Promise<AcceptedAlert> {
    const key = this.eventKey(alert.sourceId, alert.eventId);
    const items: TransactItem[] = [
      ...this.writes(alert, NEW_CHAIN, ctx, [
        {
          action: 'created',
          details: {
            sourceId: alert.sourceId,
            eventId: alert.eventId,
            level: alert.level,
            kind: alert.kind,
            unitId: alert.unitId ?? null,
            riskPointId: alert.riskPointId ?? null,
          },
        },
      ]),
      {
        Put: {
          TableName: this.store.tableName,
          Item: { ...key, type: 'AlertEvent', alertId: alert.id, createdAt: alert.createdAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...this.notifications.puts(notifications),
      ...(await alertOutbox(this.store, alert)),
    ];
    try {
      await this.store.transact(items, 'alert');
      return { id: alert.id, created: true };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const first = await this.findByEvent(alert.sourceId, alert.eventId);
      if (!first) throw error;
      return { id: first, created: false };
    }
  }

  /**
   * listAlerts{BySubtree,ByStatus,ByDepartment}: one Query of gsi3 (a department), gsi2 (a status) or gsi1 (a
   * subtree), the rest filtered.
   */
  async list(filter: AlertFilter, page: { limit: number; cursor?: string }): Promise<Page<Alert>> {
    const { departmentId, unitId, status } = filter;
    const index = departmentId ? 'gsi3' : status ? 'gsi2' : 'gsi1';
    return alertEntity.page(
      this.store,
      { index, of: filter, within: filter.withinPath, where: { departmentId, unitId, status } },
      page,
    );
  }

  /** The alert's change to `handled` under its version, for the transaction that creates its hazard. */
  handledItems(stored: StoredItem, after: Alert, expectedVersion: number, ctx: WriteContext) {
    return this.change(
      stored,
      after,
      ctx,
      { action: 'handled', details: { hazardId: after.hazardId ?? null } },
      { version: expectedVersion },
      ['status', 'hazardId'],
    );
  }
}

/** The systems registered to send alerts (pk ALERTSRC#<id>): their names, budgets and signing secrets. */
export class AlertSourceRepository extends RecordRepository<AlertSource> {
  constructor(store: TenantStore) {
    super(store, alertSourceEntity);
  }

  /** The source and its `created` event; the event names the source, never its secret. */
  async create(source: AlertSource, ctx: WriteContext): Promise<AlertSource> {
    await this.store.transact(
      this.writes(source, NEW_CHAIN, ctx, [
        { action: 'created', details: { name: source.name, ratePerMinute: source.ratePerMinute } },
      ]),
      'alert source',
    );
    return source;
  }

  /** listAlertSources: every item of gsi1 ALERTSRCS, oldest first (a county has a handful). */
  async listAll(): Promise<AlertSource[]> {
    return alertSourceEntity.all(this.store, { index: 'gsi1' });
  }

  /** A new secret under the version read; the event records when, not what. */
  async rotate(stored: StoredItem, after: AlertSource, ctx: WriteContext): Promise<AlertSource> {
    const before = alertSourceEntity.fromItem(stored);
    const { next, items } = this.change(
      stored,
      after,
      ctx,
      { action: 'secret_rotated', details: { previousSecretUntil: after.previousSecretUntil ?? null } },
      { version: before.version },
    );
    await this.store.transact(items, 'alert source');
    return next;
  }
}

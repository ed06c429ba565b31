import { ConflictError, type Webhook, type WebhookDelivery } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { webhookEntity } from './entities.ts';
import { sortKeyRange } from './keys.ts';
import { RecordRepository } from './record-repository.ts';
import { fromItem, type Page, type StoredItem, type TenantStore } from './tenant-store.ts';
import { deliveryKey, dueKeys, forgetWebhooks, readWebhooks } from './webhook-outbox.ts';
import type { WriteContext } from './write-context.ts';

type StoredWebhook = Webhook & { deleted?: boolean };

/**
 * A county's outbound webhooks (pk WEBHOOK#<id>, audited) and their delivery log (same partition, sk
 * DLV#<deliveryId>, newest last by ULID; a pending delivery is also in `due` DUE#WEBHOOK / <nextAttemptAt>#…).
 */
export class WebhookRepository extends RecordRepository<StoredWebhook> {
  constructor(store: TenantStore) {
    super(store, webhookEntity);
  }

  async create(hook: Webhook, ctx: WriteContext): Promise<Webhook> {
    await this.store.transact(
      this.writes(hook, NEW_CHAIN, ctx, [
        { action: 'created', details: { url: hook.url, events: hook.events } },
      ]),
      'webhook',
    );
    forgetWebhooks(this.store);
    return hook;
  }

  /** Every webhook not deleted, read now (not the outbox's cached list). */
  listAll(): Promise<Webhook[]> {
    return readWebhooks(this.store);
  }

  /** Enabling, disabling or deleting (it leaves the list; its log stays), under the version read. */
  async update(
    stored: StoredItem,
    after: StoredWebhook,
    action: string,
    ctx: WriteContext,
  ): Promise<Webhook> {
    const before = webhookEntity.fromItem(stored);
    const { next, items } = this.change(stored, after, ctx, { action }, { version: before.version }, [
      'enabled',
      'deleted',
    ]);
    await this.store.transact(items, 'webhook');
    forgetWebhooks(this.store);
    return next;
  }

  /** listWebhookDeliveries: Query WEBHOOK#<id> sk DLV#…, newest first. */
  deliveries(webhookId: string, page: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>> {
    return this.store
      .queryPage(
        {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
          ExpressionAttributeValues: { ':pk': this.store.key('WEBHOOK', webhookId), ...sortKeyRange('DLV#') },
          ScanIndexForward: false,
        },
        page,
      )
      .then((result) => ({ ...result, items: result.items.map(deliveryFromItem) }));
  }

  async getDelivery(webhookId: string, deliveryId: string): Promise<WebhookDelivery | undefined> {
    const { pk, sk } = deliveryKey(this.store, webhookId, deliveryId);
    const item = await this.store.get(pk, sk, true);
    return item ? deliveryFromItem(item) : undefined;
  }

  /**
   * Takes a due delivery for one attempt, so that two runs at once (the schedule and a kick, two kicks) never send
   * it twice: one conditional UpdateItem, on condition that it is still pending, due by `now` and nobody else's
   * claim is running. The claim holds for `leaseMs` (longer than any run); the delivery also leaves `due` until
   * then, so other runs do not list it, and a run that dies mid-send leaves it due again when the claim lapses.
   * Answers the delivery as claimed (read consistently by the write itself), or undefined when it was not due.
   */
  async claimDelivery(
    webhookId: string,
    deliveryId: string,
    claim: { token: string; now: Date; leaseMs: number },
  ): Promise<WebhookDelivery | undefined> {
    const now = claim.now.toISOString();
    const until = new Date(claim.now.getTime() + claim.leaseMs).toISOString();
    const item = await this.store.update({
      Key: deliveryKey(this.store, webhookId, deliveryId),
      UpdateExpression: 'SET claimToken = :token, claimedUntil = :until, duesk = :duesk',
      ConditionExpression:
        'attribute_exists(pk) AND #status = :pending AND nextAttemptAt <= :now AND (attribute_not_exists(claimedUntil) OR claimedUntil <= :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':token': claim.token,
        ':until': until,
        ':duesk': dueKeys(this.store, until, webhookId, deliveryId).duesk,
        ':pending': 'pending',
        ':now': now,
      },
    });
    return item ? deliveryFromItem(item) : undefined;
  }

  /** listDueDeliveries: Query due DUE#WEBHOOK up to now, oldest due first. */
  due(now: Date, page: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>> {
    return this.store
      .queryPage(
        {
          IndexName: 'due',
          KeyConditionExpression: 'duepk = :pk AND duesk <= :now',
          ExpressionAttributeValues: {
            ':pk': this.store.key('DUE#WEBHOOK'),
            ':now': `${now.toISOString()}#~`,
          },
        },
        page,
      )
      .then((result) => ({ ...result, items: result.items.map(deliveryFromItem) }));
  }

  /**
   * The delivery after an attempt, on condition that nobody else moved it since `attempts` and `status` were read
   * and, given the claim's token, that the claim is still this run's. The Put leaves the claim behind. False
   * when the condition failed.
   */
  async saveDelivery(
    before: Pick<WebhookDelivery, 'attempts' | 'status'>,
    after: WebhookDelivery,
    claimToken?: string,
  ): Promise<boolean> {
    const item = {
      ...deliveryKey(this.store, after.webhookId, after.id),
      ...(after.status === 'pending' && after.nextAttemptAt
        ? dueKeys(this.store, after.nextAttemptAt, after.webhookId, after.id)
        : {}),
      type: 'WebhookDelivery',
      ...after,
    };
    try {
      await this.store.transact(
        [
          {
            Put: {
              TableName: this.store.tableName,
              Item: item,
              ConditionExpression: `attribute_exists(pk) AND attempts = :attempts AND #status = :status${claimToken ? ' AND claimToken = :token' : ''}`,
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':attempts': before.attempts,
                ':status': before.status,
                ...(claimToken ? { ':token': claimToken } : {}),
              },
            },
          },
        ],
        'webhook delivery',
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /** A replay: the delivery due again now and the `delivery_replayed` event on the webhook, in one transaction. */
  async replay(stored: StoredItem, before: WebhookDelivery, after: WebhookDelivery, ctx: WriteContext) {
    const hook = webhookEntity.fromItem(stored);
    const { items } = this.change(
      stored,
      hook,
      ctx,
      { action: 'delivery_replayed', details: { deliveryId: after.id, eventId: after.eventId } },
      { version: hook.version },
    );
    await this.store.transact(
      [
        ...items,
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...deliveryKey(this.store, after.webhookId, after.id),
              ...dueKeys(this.store, after.nextAttemptAt ?? ctx.now.toISOString(), after.webhookId, after.id),
              type: 'WebhookDelivery',
              ...after,
            },
            ConditionExpression: 'attribute_exists(pk) AND attempts = :attempts AND #status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':attempts': before.attempts, ':status': before.status },
          },
        },
      ],
      'webhook delivery',
    );
    return after;
  }
}

/** A delivery as stored, without its storage attributes and without a run's claim on it. */
function deliveryFromItem(item: StoredItem): WebhookDelivery {
  const {
    claimToken: _token,
    claimedUntil: _until,
    ...delivery
  } = fromItem<WebhookDelivery & { claimToken?: string; claimedUntil?: string }>(item);
  return delivery;
}

/** What the feed may be narrowed to: the caller's scope (scopeFilter) and a unit. */
export interface FeedFilter {
  withinPath: string;
  departmentId?: string;
  unitId?: string;
}

/**
 * exchangeFeed: Query `changed` EXCHANGE with sk > <since>, oldest change first, filtered to the caller's area
 * (the grid path starts with theirs, their department, their unit). Items are risk points and hazards as stored.
 */
export function exchangeFeed(
  store: TenantStore,
  since: string,
  filter: FeedFilter,
  page: { limit: number; cursor?: string },
): Promise<Page<StoredItem>> {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  // No time: the whole feed (an empty string is no value DynamoDB takes in a key condition).
  const values: Record<string, unknown> = {
    ':pk': store.key('EXCHANGE'),
    ...(since ? { ':since': since } : {}),
  };
  if (filter.withinPath) {
    filters.push('begins_with(#gridPath, :within)');
    names['#gridPath'] = 'gridPath';
    values[':within'] = filter.withinPath;
  }
  if (filter.departmentId) {
    filters.push('#departmentId = :departmentId');
    names['#departmentId'] = 'departmentId';
    values[':departmentId'] = filter.departmentId;
  }
  if (filter.unitId) {
    filters.push('#unitId = :unitId');
    names['#unitId'] = 'unitId';
    values[':unitId'] = filter.unitId;
  }
  return store.queryPage(
    {
      IndexName: 'changed',
      KeyConditionExpression: since ? 'changedpk = :pk AND changedsk > :since' : 'changedpk = :pk',
      ...(filters.length > 0
        ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names }
        : {}),
      ExpressionAttributeValues: values,
    },
    page,
  );
}

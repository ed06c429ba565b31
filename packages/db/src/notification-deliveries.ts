import {
  ConflictError,
  DEFAULT_NOTIFICATION_CHANNELS,
  type Delivery,
  type NotificationChannels,
  NotificationChannelsSchema,
  type PlannedDelivery,
  type User,
} from '@gridsafe/core';
import { userEntity } from './entities.ts';
import { fromItem, type Page, type TenantStore, type TransactItem } from './tenant-store.ts';
import { VersionedDocument } from './versioned-document.ts';
import type { WriteContext } from './write-context.ts';

/**
 * The county's outbound channels (SMS, group robots), all in its own partition:
 * - NOTIFYCHANNELS / CURRENT: the channel settings (JSON, versioned and audited like the settings);
 * - DELIVERY / <createdAt>#<deliveryId>: the delivery log, one line per planned delivery, read newest first;
 * - DELIVERYQ / <dueAt>#<deliveryId>: deliveries held for quiet hours or waiting for a retry, with what to send;
 *   the sweep reads the due ones with one Query (sk up to now), and a line leaves the queue when it is settled;
 * - SMSCAP#<personId>#<day> / SMSCAP: the SMS a person received that Beijing day, for the daily cap.
 */
export class ChannelSettingsRepository {
  private readonly document: VersionedDocument;
  constructor(store: TenantStore) {
    this.document = new VersionedDocument(store, {
      prefix: 'NOTIFYCHANNELS',
      type: 'NotificationChannels',
      attribute: 'channels',
      entityType: 'notification-channels',
    });
  }

  /** getNotificationChannels: GetItem NOTIFYCHANNELS / CURRENT (everything off, version 0, until set). */
  async get(): Promise<{ channels: NotificationChannels; version: number }> {
    const stored = await this.document.read();
    if (!stored) return { channels: DEFAULT_NOTIFICATION_CHANNELS, version: 0 };
    return { channels: NotificationChannelsSchema.parse(stored.value), version: stored.version };
  }

  /** Replaces the channel settings under an optimistic lock, with an audit event naming what changed. */
  async put(
    next: NotificationChannels,
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<{ channels: NotificationChannels; version: number }> {
    const before = (await this.get()).channels;
    // The robots' keys and secrets stay out of the audit trail: it says which robots, not how to post to them.
    const version = await this.document.replace(next, expectedVersion, ctx, {
      changes: { channels: { before: redacted(before), after: redacted(next) } },
    });
    return { channels: next, version };
  }
}

function redacted(channels: NotificationChannels): NotificationChannels {
  return {
    ...channels,
    robots: channels.robots.map(({ secret: _secret, ...robot }) => ({
      ...robot,
      webhookUrl: robot.webhookUrl.replace(/(key|access_token)=.*/, '$1=…'),
    })),
  };
}

export class DeliveryLog {
  constructor(private readonly store: TenantStore) {}

  private logKey(delivery: Pick<Delivery, 'createdAt' | 'id'>) {
    return { pk: this.store.key('DELIVERY'), sk: `${delivery.createdAt}#${delivery.id}` };
  }

  private queueKey(dueAt: string, id: string) {
    return { pk: this.store.key('DELIVERYQ'), sk: `${dueAt}#${id}` };
  }

  /**
   * Writes a planned delivery's first log line, only if it has none: a notice handed to the channels twice (a
   * retried request, a second sweep) finds the line and is not sent again. Answers false then.
   */
  async begin(delivery: Delivery): Promise<boolean> {
    try {
      await this.store.transact(
        [
          {
            Put: {
              TableName: this.store.tableName,
              Item: { ...this.logKey(delivery), type: 'Delivery', ...delivery },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        'delivery',
      );
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  }

  /**
   * The outcome of an attempt, in one transaction: the log line as it now stands, the line's old place in the
   * queue removed, and a new one when the delivery waits again (held, or retrying) carrying what to send.
   */
  async record(before: Delivery, after: Delivery, planned: PlannedDelivery): Promise<void> {
    const items: TransactItem[] = [
      {
        Put: { TableName: this.store.tableName, Item: { ...this.logKey(after), type: 'Delivery', ...after } },
      },
    ];
    if (before.nextAttemptAt)
      items.push({
        Delete: { TableName: this.store.tableName, Key: this.queueKey(before.nextAttemptAt, before.id) },
      });
    if (after.nextAttemptAt)
      items.push({
        Put: {
          TableName: this.store.tableName,
          Item: {
            ...this.queueKey(after.nextAttemptAt, after.id),
            type: 'DeliveryQueued',
            delivery: JSON.stringify(after),
            planned: JSON.stringify(planned),
          },
        },
      });
    await this.store.transact(items, 'delivery');
  }

  /** listDeliveries: Query DELIVERY, newest first. */
  async list(page: { limit: number; cursor?: string }): Promise<Page<Delivery>> {
    const result = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': this.store.key('DELIVERY') },
        ScanIndexForward: false,
      },
      page,
    );
    return { ...result, items: result.items.map((item) => fromItem<Delivery>(item)) };
  }

  /** listDueDeliveries: Query DELIVERYQ with sk up to now, oldest first, at most `limit`. */
  async due(now: Date, limit = 200): Promise<{ delivery: Delivery; planned: PlannedDelivery }[]> {
    const { items } = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND sk <= :now',
        ExpressionAttributeValues: { ':pk': this.store.key('DELIVERYQ'), ':now': `${now.toISOString()}#~` },
      },
      { limit },
    );
    return items.map((item) => ({
      delivery: JSON.parse(String(item.delivery)) as Delivery,
      planned: JSON.parse(String(item.planned)) as PlannedDelivery,
    }));
  }

  /**
   * Counts one SMS for a person on a Beijing day and answers whether it is within the cap. An urgent message is
   * counted and always passes; any other is refused once the day's count has reached the cap.
   */
  async countSms(personId: string, day: string, cap: number, urgent: boolean): Promise<boolean> {
    const counted = await this.store.update({
      Key: { pk: this.store.key('SMSCAP', personId, day), sk: 'SMSCAP' },
      UpdateExpression: 'ADD #n :one SET #type = :type',
      ...(urgent ? {} : { ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap' }),
      ExpressionAttributeNames: { '#n': 'n', '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'SmsCount', ...(urgent ? {} : { ':cap': cap }) },
    });
    return counted !== undefined;
  }
}

/** listUsers, every page: the people an SMS may reach (only read when a topic in the batch sends SMS). */
export async function allPeople(store: TenantStore): Promise<User[]> {
  const people: User[] = [];
  let cursor: string | undefined;
  do {
    const page: Page<User> = await userEntity.page(
      store,
      { index: 'gsi1' },
      { limit: 100, ...(cursor ? { cursor } : {}) },
    );
    people.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return people;
}

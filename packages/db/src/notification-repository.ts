import type { NotificationMessage, NotificationRecipient, Notifier } from '@gridsafe/core';
import { ValidationError } from '@gridsafe/core';
import { fromItem, type StoredItem, type TenantStore, type TransactItem } from './tenant-store.ts';

export interface NotificationView extends NotificationMessage {
  read: boolean;
}

/**
 * In-app notifications. Item: pk NOTE#<id> / sk NOTE, addressed to a post (a grid node, a department, a unit):
 * - gsi1 INBOX#<kind>#<recipientId> / <createdAt>#<id>: a post's inbox, newest first.
 * Read marks are per person, item pk NOTEREAD#<userId> / sk <createdAt>#<id>, so a page of the inbox finds its
 * marks with one Query over the same sort-key range. "Mark all read" is one item in the same partition, sk ALL
 * (sorts after every timestamp, so that Query never meets it), holding the time up to which everything is read:
 * one write however full the inbox, and the unread count only reads what arrived after it. Notifications are written in the transaction of the change
 * they announce (`puts`), so an escalation and its notice cannot part ways.
 */
export class NotificationRepository {
  constructor(private readonly store: TenantStore) {}

  private inboxKey(recipient: NotificationRecipient): string {
    return this.store.key('INBOX', recipient.kind, recipient.id);
  }

  /** The Puts of new notifications, for the transaction of the change they announce. */
  puts(messages: readonly NotificationMessage[]): TransactItem[] {
    return messages.map((message) => ({
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: this.store.key('NOTE', message.id),
          sk: 'NOTE',
          type: 'Notification',
          gsi1pk: this.inboxKey(message.recipient),
          gsi1sk: `${message.createdAt}#${message.id}`,
          ...message,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
  }

  /** getNotification: GetItem NOTE#<id>. */
  async get(id: string): Promise<NotificationMessage | undefined> {
    const item = await this.store.get(this.store.key('NOTE', id), 'NOTE');
    return item ? fromItem<NotificationMessage>(item) : undefined;
  }

  /**
   * listInbox: one Query of gsi1 INBOX#… per post the person holds (usually one), newest first, merged. The
   * cursor is the sort key of the last item shown, so the next page continues strictly below it in every inbox.
   */
  async listInbox(
    userId: string,
    recipients: readonly NotificationRecipient[],
    page: { limit: number; cursor?: string; unreadOnly?: boolean },
  ): Promise<{ items: NotificationView[]; nextCursor?: string }> {
    // The cursor is bound to the person and the posts they hold: another person's inbox cursor does not open.
    const list = ['inbox', userId, ...recipients.map((r) => `${r.kind}#${r.id}`)].join('|');
    const before = page.cursor ? sortKeyOf(await this.store.openCursor(page.cursor, list)) : undefined;
    const pages = await Promise.all(
      recipients.map((recipient) =>
        this.store.queryPage(
          {
            IndexName: 'gsi1',
            KeyConditionExpression: before ? 'gsi1pk = :pk AND gsi1sk < :before' : 'gsi1pk = :pk',
            ExpressionAttributeValues: {
              ':pk': this.inboxKey(recipient),
              ...(before ? { ':before': before } : {}),
            },
            ScanIndexForward: false,
          },
          { limit: page.limit },
        ),
      ),
    );
    const merged = pages
      .flatMap((p) => p.items)
      .sort((a, b) => String(b.gsi1sk).localeCompare(String(a.gsi1sk)))
      .slice(0, page.limit);
    const more = merged.length === page.limit || pages.some((p) => p.nextCursor !== undefined);
    const sortKeys = merged.map((item) => String(item.gsi1sk));
    const [read, readAllUpTo] = await Promise.all([
      this.readMarks(userId, sortKeys),
      this.readAllUpTo(userId),
    ]);
    const isRead = (item: StoredItem) =>
      read.has(String(item.gsi1sk)) || (readAllUpTo !== undefined && String(item.createdAt) <= readAllUpTo);
    const items = merged
      .map((item) => ({ ...fromItem<NotificationMessage>(item), read: isRead(item) }))
      .filter((item) => !page.unreadOnly || !item.read);
    const last = sortKeys[sortKeys.length - 1];
    return {
      items,
      ...(more && last ? { nextCursor: await this.store.sealCursor({ before: last }, list) } : {}),
    };
  }

  /**
   * countUnread: per post, one Query of gsi1 for what arrived after the person last marked all read (at most
   * `cap` + 1 items), and the read marks of those. Answers the count up to `cap`, and whether there are more.
   */
  async countUnread(
    userId: string,
    recipients: readonly NotificationRecipient[],
    cap = 99,
  ): Promise<{ count: number; more: boolean }> {
    const readAllUpTo = await this.readAllUpTo(userId);
    const pages = await Promise.all(
      recipients.map((recipient) =>
        this.store.queryPage(
          {
            IndexName: 'gsi1',
            // '#' sorts after the timestamp, so 'up to#' excludes everything created up to that instant.
            KeyConditionExpression: readAllUpTo ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
            ExpressionAttributeValues: {
              ':pk': this.inboxKey(recipient),
              ...(readAllUpTo ? { ':after': `${readAllUpTo}#~` } : {}),
            },
            ScanIndexForward: false,
          },
          { limit: cap + 1 },
        ),
      ),
    );
    const sortKeys = pages
      .flatMap((p) => p.items.map((item) => String(item.gsi1sk)))
      .sort()
      .reverse()
      .slice(0, cap + 1);
    const read = await this.readMarks(userId, sortKeys);
    const unread = sortKeys.filter((sortKey) => !read.has(sortKey)).length;
    return { count: Math.min(unread, cap), more: unread > cap };
  }

  /** getReadAll: GetItem NOTEREAD#<userId> / ALL, the time up to which the person marked everything read. */
  private async readAllUpTo(userId: string): Promise<string | undefined> {
    const item = await this.store.get(this.store.key('NOTEREAD', userId), 'ALL');
    return item ? String(item.readAt) : undefined;
  }

  /**
   * Marks everything created up to `now` read for one person, whatever posts they hold. The condition keeps the
   * mark from moving back when two requests cross; a later one that loses it has nothing left to do.
   */
  async markAllRead(userId: string, now: Date): Promise<void> {
    try {
      await this.store.transact(
        [
          {
            Put: {
              TableName: this.store.tableName,
              Item: {
                pk: this.store.key('NOTEREAD', userId),
                sk: 'ALL',
                type: 'NotificationReadAll',
                readAt: now.toISOString(),
              },
              ConditionExpression: 'attribute_not_exists(pk) OR readAt < :now',
              ExpressionAttributeValues: { ':now': now.toISOString() },
            },
          },
        ],
        'notification',
      );
    } catch (error) {
      if ((error as { code?: string }).code !== 'conflict') throw error;
    }
  }

  /** listReadMarks: Query NOTEREAD#<userId> between the page's oldest and newest sort keys. */
  private async readMarks(userId: string, sortKeys: readonly string[]): Promise<Set<string>> {
    if (sortKeys.length === 0) return new Set();
    const sorted = [...sortKeys].sort();
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: {
        ':pk': this.store.key('NOTEREAD', userId),
        ':low': sorted[0],
        ':high': sorted[sorted.length - 1],
      },
    });
    return new Set(items.map((item) => String(item.sk)));
  }

  /**
   * Copies one reader's marks to another id (the migration from token subjects to person ids); copying twice
   * is the same as once. The old marks stay: they are harmless and nothing reads them any more.
   */
  async copyReadMarks(fromId: string, toId: string): Promise<number> {
    const marks = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key('NOTEREAD', fromId) },
    });
    for (let i = 0; i < marks.length; i += 25) {
      await this.store.transact(
        marks.slice(i, i + 25).map((mark) => ({
          Put: {
            TableName: this.store.tableName,
            Item: { ...mark, pk: this.store.key('NOTEREAD', toId) },
          },
        })),
        'notification',
      );
    }
    return marks.length;
  }

  /** Marks a notification read for one person; marking twice is the same as once. */
  async markRead(userId: string, message: NotificationMessage, now: Date): Promise<void> {
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('NOTEREAD', userId),
              sk: `${message.createdAt}#${message.id}`,
              type: 'NotificationRead',
              readAt: now.toISOString(),
            },
          },
        },
      ],
      'notification',
    );
  }
}

/**
 * The in-app channel as a Notifier, for notices that belong to no state change (a state change writes its
 * notices in its own transaction through `NotificationRepository.puts`). Delivering a notice twice is harmless:
 * the second Put finds the first and is skipped.
 */
export class InAppNotifier implements Notifier {
  private readonly notifications: NotificationRepository;
  constructor(private readonly store: TenantStore) {
    this.notifications = new NotificationRepository(store);
  }

  async notify(messages: readonly NotificationMessage[]): Promise<void> {
    for (const put of this.notifications.puts(messages)) {
      try {
        await this.store.transact([put], 'notification');
      } catch (error) {
        if ((error as { code?: string }).code !== 'conflict') throw error;
      }
    }
  }
}

function sortKeyOf(position: Record<string, unknown>): string {
  const sortKey = String(position.before ?? '');
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9A-HJKMNP-TV-Z]{26}$/.test(sortKey)) {
    throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
  }
  return sortKey;
}

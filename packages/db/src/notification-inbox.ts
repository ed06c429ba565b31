import type { NotificationMessage, NotificationRecipient } from '@gridsafe/core';
import { ValidationError } from '@gridsafe/core';
import { NotificationRepository, type NotificationView } from './notification-repository.ts';
import { fromItem, type StoredItem, type TenantStore } from './tenant-store.ts';

/**
 * A person's inbox: its pages with the person's read marks, the bell's unread count, "mark all read". Apart
 * from the repository, which every state change loads to write its notices, so the API loads these only when
 * someone reads their notices.
 */
export class NotificationInbox {
  private readonly notifications: NotificationRepository;
  constructor(private readonly store: TenantStore) {
    this.notifications = new NotificationRepository(store);
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
              ':pk': this.notifications.inboxKey(recipient),
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

  /** getReadAll: GetItem NOTEREAD#<userId> / ALL, the time up to which the person marked everything read. */
  private async readAllUpTo(userId: string): Promise<string | undefined> {
    const item = await this.store.get(this.store.key('NOTEREAD', userId), 'ALL');
    return item ? String(item.readAt) : undefined;
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
            // '~' sorts after every ULID character, so '<up to>#~' excludes everything created up to that instant.
            KeyConditionExpression: readAllUpTo ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
            ExpressionAttributeValues: {
              ':pk': this.notifications.inboxKey(recipient),
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

  /**
   * Marks everything created up to `now` read for one person, whatever posts they hold: one item, NOTEREAD#<id>
   * / ALL. The condition keeps the mark from moving back when two requests cross; the later one that loses has
   * nothing left to do.
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
}

function sortKeyOf(position: Record<string, unknown>): string {
  const sortKey = String(position.before ?? '');
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9A-HJKMNP-TV-Z]{26}$/.test(sortKey)) {
    throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
  }
  return sortKey;
}

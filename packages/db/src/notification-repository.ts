import type { NotificationMessage, NotificationRecipient, Notifier } from '@gridsafe/core';
import { fromItem, type TenantStore, type TransactItem } from './tenant-store.ts';

export interface NotificationView extends NotificationMessage {
  read: boolean;
}

/**
 * In-app notifications. Item: pk NOTE#<id> / sk NOTE, addressed to a post (a grid node, a department, a unit):
 * - gsi1 INBOX#<kind>#<recipientId> / <createdAt>#<id>: a post's inbox, newest first.
 * Read marks are per person, item pk NOTEREAD#<userId> / sk <createdAt>#<id>, so a page of the inbox finds its
 * marks with one Query over the same sort-key range. "Mark all read" is one item in the same partition, sk ALL
 * (sorts after every timestamp, so that Query never meets it), holding the time up to which everything is read:
 * one write however full the inbox, and the unread count only reads what arrived after it. Reading the inbox is
 * NotificationInbox's (notification-inbox.ts), which only the notices' own requests load. Notifications are written in the transaction of the change
 * they announce (`puts`), so an escalation and its notice cannot part ways.
 */
export class NotificationRepository {
  constructor(private readonly store: TenantStore) {}

  inboxKey(recipient: NotificationRecipient): string {
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

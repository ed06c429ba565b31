import { diff, type User } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { fromItem, type Page, type StoredItem, type TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * People. Item: pk USER#<id> / sk USER; gsi1 USERS / <username> lists them by username. A second item,
 * pk USERNAME#<username>, keeps usernames unique within the county.
 */
export class UserRepository {
  constructor(private readonly store: TenantStore) {}

  async getStored(id: string, consistent = false): Promise<StoredItem | undefined> {
    return this.store.get(this.store.key('USER', id), 'USER', consistent);
  }

  /** getUser: GetItem USER#<id>. */
  async get(id: string): Promise<User | undefined> {
    const item = await this.getStored(id);
    return item ? fromItem<User>(item) : undefined;
  }

  /** findUserIdByUsername: GetItem USERNAME#<username>. */
  async findIdByUsername(username: string): Promise<string | undefined> {
    const item = await this.store.get(this.store.key('USERNAME', username), 'USERNAME');
    return item ? String(item.userId) : undefined;
  }

  /** listUsers: Query gsi1 USERS, by username. */
  async list(page: { limit: number; cursor?: string }): Promise<Page<User>> {
    const result = await this.store.queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': this.store.key('USERS') },
      },
      page,
    );
    return { items: result.items.map((item) => fromItem<User>(item)), nextCursor: result.nextCursor };
  }

  private itemOf(user: User, chain: { auditSeq: number; auditHead: string }) {
    return {
      pk: this.store.key('USER', user.id),
      sk: 'USER',
      type: 'User',
      gsi1pk: this.store.key('USERS'),
      gsi1sk: user.username,
      ...user,
      ...chain,
    };
  }

  async create(user: User, ctx: WriteContext): Promise<User> {
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: 'user',
      entityId: user.id,
      action: 'created',
      ...auditFacts(ctx),
      details: { username: user.username, role: user.role, scope: user.scope },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(user, audit.next),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('USERNAME', user.username),
              sk: 'USERNAME',
              type: 'Username',
              userId: user.id,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit.put,
      ],
      'user',
    );
    return user;
  }

  async update(stored: StoredItem, after: User, expectedVersion: number, ctx: WriteContext): Promise<User> {
    const before = fromItem<User>(stored);
    const next: User = { ...after, version: before.version + 1, updatedAt: ctx.now.toISOString() };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: 'user',
      entityId: before.id,
      action: 'updated',
      ...auditFacts(ctx),
      changes: diff(before, next, ['displayName', 'role', 'scope', 'phone', 'enabled']),
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(next, audit.next),
            ConditionExpression: 'attribute_exists(pk) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        audit.put,
      ],
      'user',
    );
    return next;
  }
}

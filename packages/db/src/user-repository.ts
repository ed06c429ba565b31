import { ConflictError, diff, type SubjectIdentity, type User } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { SubjectLinkRepository } from './subject-link-repository.ts';
import { fromItem, type Page, type StoredItem, type TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * People. Item: pk USER#<id> / sk USER; gsi1 USERS / <username> lists them by username. A second item,
 * pk USERNAME#<username>, keeps usernames unique within the county. Each provider account of the person has a
 * subject link (subject-link-repository.ts), rewritten in the transaction of every change to the person, so
 * authorization reads one item and is never older than the record.
 */
export class UserRepository {
  private readonly links: SubjectLinkRepository;
  constructor(private readonly store: TenantStore) {
    this.links = new SubjectLinkRepository(store);
  }

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
        ...this.links.puts(user, user.identities ?? []),
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
        ...this.links.puts(next),
        audit.put,
      ],
      'user',
    );
    return next;
  }

  /**
   * Links a provider account to an enabled person who has none from that provider yet (first login), or to
   * any person (`evenIfDisabled`: the migration of records that held only `sub`). Audited as `linked` on the person. A person disabled, changed
   * or linked meanwhile fails the version condition; a subject already linked to anyone fails its own.
   */
  async link(
    stored: StoredItem,
    identity: SubjectIdentity,
    ctx: WriteContext,
    options: { evenIfDisabled?: boolean } = {},
  ): Promise<User> {
    const before = fromItem<User>(stored);
    if (!before.enabled && !options.evenIfDisabled)
      throw new ConflictError('This person is disabled.', 'user_disabled');
    if ((before.identities ?? []).some((existing) => existing.provider === identity.provider)) {
      throw new ConflictError('This person already has an account of this provider.', 'already_linked');
    }
    const next: User = {
      ...before,
      identities: [...(before.identities ?? []), identity],
      version: before.version + 1,
      updatedAt: ctx.now.toISOString(),
    };
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: 'user',
      entityId: before.id,
      action: 'linked',
      ...auditFacts(ctx),
      details: { provider: identity.provider, subject: identity.subject },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: this.itemOf(next, audit.next),
            ConditionExpression: 'attribute_exists(pk) AND #version = :expected AND enabled = :enabled',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': before.version, ':enabled': before.enabled },
          },
        },
        ...this.links.puts(next, [identity]),
        audit.put,
      ],
      'user',
    );
    return next;
  }
}

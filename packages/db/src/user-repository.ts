import { ConflictError, type SubjectIdentity, type User } from '@gridsafe/core';
import { NEW_CHAIN } from './audit-log.ts';
import { userEntity } from './entities.ts';
import { RecordRepository } from './record-repository.ts';
import { SubjectLinkRepository } from './subject-link-repository.ts';
import type { Page, StoredItem, TenantStore } from './tenant-store.ts';
import type { WriteContext } from './write-context.ts';

/**
 * People (declared in entities.ts: pk USER#<id>, listed by username on gsi1). A second item,
 * pk USERNAME#<username>, keeps usernames unique within the county. Each provider account of the person has a
 * subject link (subject-link-repository.ts), rewritten in the transaction of every change to the person, so
 * authorization reads one item and is never older than the record.
 */
export class UserRepository extends RecordRepository<User> {
  private readonly links: SubjectLinkRepository;
  constructor(store: TenantStore) {
    super(store, userEntity);
    this.links = new SubjectLinkRepository(store);
  }

  /** findUserIdByUsername: GetItem USERNAME#<username>. */
  async findIdByUsername(username: string): Promise<string | undefined> {
    const item = await this.store.get(this.store.key('USERNAME', username), 'USERNAME');
    return item ? String(item.userId) : undefined;
  }

  /** listUsers: Query gsi1 USERS, by username. */
  async list(page: { limit: number; cursor?: string }): Promise<Page<User>> {
    return userEntity.page(this.store, { index: 'gsi1' }, page);
  }

  async create(user: User, ctx: WriteContext): Promise<User> {
    const details = { username: user.username, role: user.role, scope: user.scope };
    const [put, ...events] = this.writes(user, NEW_CHAIN, ctx, [{ action: 'created', details }]);
    await this.store.transact(
      [
        put!,
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
        ...events,
      ],
      'user',
    );
    return user;
  }

  async update(stored: StoredItem, after: User, expectedVersion: number, ctx: WriteContext): Promise<User> {
    const { next, items } = this.change(
      stored,
      after,
      ctx,
      { action: 'updated' },
      { version: expectedVersion },
      ['displayName', 'role', 'scope', 'phone', 'enabled'],
    );
    await this.store.transact([...items, ...this.links.puts(next)], 'user');
    return next;
  }

  /**
   * Records that the county admin set a new password for the person (the directory holds the password itself):
   * a version step and a `password_reset` event, so the trail shows who reset whose password and when.
   */
  async recordPasswordReset(
    stored: StoredItem,
    expectedVersion: number,
    ctx: WriteContext,
    details: { temporary: boolean },
  ): Promise<User> {
    const before = userEntity.fromItem(stored);
    const { next, items } = this.change(
      stored,
      before,
      ctx,
      { action: 'password_reset', details },
      { version: expectedVersion },
    );
    await this.store.transact([...items, ...this.links.puts(next)], 'user');
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
    const before = userEntity.fromItem(stored);
    if (!before.enabled && !options.evenIfDisabled)
      throw new ConflictError('This person is disabled.', 'user_disabled');
    if ((before.identities ?? []).some((existing) => existing.provider === identity.provider)) {
      throw new ConflictError('This person already has an account of this provider.', 'already_linked');
    }
    const { next, items } = this.change(
      stored,
      { ...before, identities: [...(before.identities ?? []), identity] },
      ctx,
      { action: 'linked', details: { provider: identity.provider, subject: identity.subject } },
      {
        version: before.version,
        condition: 'enabled = :enabled',
        values: { ':enabled': before.enabled },
      },
    );
    await this.store.transact([...items, ...this.links.puts(next, [identity])], 'user');
    return next;
  }
}

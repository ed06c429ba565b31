import type { Role, SubjectIdentity, User } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * What a request needs to know about its caller, found with one GetItem from the token's (provider, subject).
 * A copy of the person's role, scope and enabled flag: the person's record stays the source, and every write of
 * the record rewrites its links in the same transaction, so the copy is never older than the record.
 */
export interface SubjectLink {
  provider: string;
  subject: string;
  userId: string;
  username: string;
  role: Role;
  scope: string[];
  enabled: boolean;
  /** The person's pre-identity `sub` (User.sub), under which older idempotency records were kept. */
  legacySubject?: string;
}

/**
 * Subject links. Item: pk SUBJECT#<provider>#<subject> / sk SUBJECT. Provider ids are `[a-z0-9-]` (no `#`),
 * so the subject (any text the provider chose, up to its 255 characters) is the key's last part and cannot
 * make two links collide.
 */
export class SubjectLinkRepository {
  constructor(private readonly store: TenantStore) {}

  private key(identity: SubjectIdentity) {
    return { pk: this.store.key('SUBJECT', identity.provider, identity.subject), sk: 'SUBJECT' };
  }

  /** findPersonBySubject: GetItem SUBJECT#<provider>#<subject>. */
  async get(identity: SubjectIdentity, consistent = false): Promise<SubjectLink | undefined> {
    const { pk, sk } = this.key(identity);
    const item = await this.store.get(pk, sk, consistent);
    if (!item) return undefined;
    return {
      provider: String(item.provider),
      subject: String(item.subject),
      userId: String(item.userId),
      username: String(item.username),
      role: item.role as Role,
      scope: Array.isArray(item.scope) ? item.scope.map(String) : [],
      enabled: item.enabled === true,
      ...(typeof item.legacySubject === 'string' ? { legacySubject: item.legacySubject } : {}),
    };
  }

  /**
   * The Puts that make `user`'s links say what the record says, for the record's own transaction. `fresh`
   * names identities being linked now: their link must not exist yet (one subject, one person). The others
   * may only be overwritten while they still point at this person.
   */
  puts(user: User, fresh: readonly SubjectIdentity[] = []): TransactItem[] {
    return (user.identities ?? []).map((identity) => {
      const isFresh = fresh.some((f) => f.provider === identity.provider && f.subject === identity.subject);
      const link: SubjectLink = {
        provider: identity.provider,
        subject: identity.subject,
        userId: user.id,
        username: user.username,
        role: user.role,
        scope: user.scope,
        enabled: user.enabled,
        ...(user.sub ? { legacySubject: user.sub } : {}),
      };
      return {
        Put: {
          TableName: this.store.tableName,
          Item: { ...this.key(identity), type: 'SubjectLink', ...link },
          ConditionExpression: isFresh
            ? 'attribute_not_exists(pk)'
            : 'attribute_not_exists(pk) OR userId = :id',
          ...(isFresh ? {} : { ExpressionAttributeValues: { ':id': user.id } }),
        },
      };
    });
  }
}

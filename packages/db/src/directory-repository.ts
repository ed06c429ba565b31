import {
  ConflictError,
  type DirectoryAccount,
  type DirectoryRefreshToken,
  type DirectorySigningKey,
  type DirectoryStore,
  NotFoundError,
} from '@gridsafe/core';
import { sortKeyRange } from './keys.ts';
import { TTL_ATTRIBUTE } from './table-definition.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';

/**
 * The county's own directory (packages/identity `createCountyDirectory`), in the county's partition:
 * - accounts and signing keys in one partition, pk DIRECTORY / sk ACCOUNT#<username> and KEY#<kid>: a county's
 *   few hundred people are listed with one Query, and a cold start reads its keys with another;
 * - refresh tokens, pk REFRESH#<sha256> / sk REFRESH, removed by TTL when they expire.
 * Usernames are keyed case-folded (NFKC, lower case), as Cognito's case-insensitive pools sign in.
 */
export class DirectoryRepository implements DirectoryStore {
  constructor(private readonly store: TenantStore) {}

  private get pk() {
    return this.store.key('DIRECTORY');
  }

  private accountSk(username: string) {
    return `ACCOUNT#${username
      .slice(username.indexOf(':') + 1)
      .normalize('NFKC')
      .toLowerCase()}`;
  }

  private refreshKey(tokenHash: string) {
    return { pk: this.store.key('REFRESH', tokenHash), sk: 'REFRESH' };
  }

  async getAccount(username: string): Promise<DirectoryAccount | undefined> {
    const item = await this.store.get(this.pk, this.accountSk(username), true);
    return item ? toAccount(item) : undefined;
  }

  async createAccount(account: DirectoryAccount): Promise<void> {
    try {
      await this.store.transact(
        [
          {
            Put: {
              TableName: this.store.tableName,
              Item: {
                pk: this.pk,
                sk: this.accountSk(account.username),
                type: 'DirectoryAccount',
                ...account,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        'account',
      );
    } catch (error) {
      if (error instanceof ConflictError && error.code !== 'transaction_conflict')
        throw new ConflictError('A user with this username already exists.', 'username_taken', {
          cause: error,
        });
      throw error;
    }
  }

  async updateAccount(
    username: string,
    changes: Partial<Omit<DirectoryAccount, 'username' | 'sub' | 'createdAt'>>,
  ): Promise<void> {
    const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    const updated = await this.store.update({
      Key: { pk: this.pk, sk: this.accountSk(username) },
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#f${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
    });
    if (!updated) throw new NotFoundError('user');
  }

  async listUsernames(page: { cursor?: string; limit: number }) {
    const result = await this.store.queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
        ExpressionAttributeValues: { ':pk': this.pk, ...sortKeyRange('ACCOUNT#') },
        ProjectionExpression: 'pk, sk, username',
      },
      { limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) },
    );
    return {
      usernames: result.items.map((item) => String(item.username)),
      ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
    };
  }

  async signingKeys(): Promise<DirectorySigningKey[]> {
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
      ExpressionAttributeValues: { ':pk': this.pk, ...sortKeyRange('KEY#') },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      kid: String(item.kid),
      privateJwk: item.privateJwk as DirectorySigningKey['privateJwk'],
      publicJwk: item.publicJwk as DirectorySigningKey['publicJwk'],
      createdAt: String(item.createdAt),
    }));
  }

  async addSigningKey(key: DirectorySigningKey): Promise<DirectorySigningKey[]> {
    // Two cold starts of a county's first login may both make a key: the condition keeps the first, and both
    // then sign with whatever the partition holds.
    await this.store.update({
      Key: { pk: this.pk, sk: 'KEY#FIRST' },
      UpdateExpression:
        'SET #type = :type, kid = :kid, privateJwk = :private, publicJwk = :public, createdAt = :at',
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':type': 'DirectorySigningKey',
        ':kid': key.kid,
        ':private': key.privateJwk,
        ':public': key.publicJwk,
        ':at': key.createdAt,
      },
    });
    return this.signingKeys();
  }

  async putRefreshToken(tokenHash: string, record: DirectoryRefreshToken): Promise<void> {
    await this.store.update({
      Key: this.refreshKey(tokenHash),
      UpdateExpression: 'SET #type = :type, username = :username, issuedAt = :issuedAt, #ttl = :expiresAt',
      ExpressionAttributeNames: { '#type': 'type', '#ttl': TTL_ATTRIBUTE },
      ExpressionAttributeValues: {
        ':type': 'DirectoryRefreshToken',
        ':username': record.username,
        ':issuedAt': record.issuedAt,
        ':expiresAt': record.expiresAt,
      },
    });
  }

  async getRefreshToken(tokenHash: string): Promise<DirectoryRefreshToken | undefined> {
    const { pk, sk } = this.refreshKey(tokenHash);
    const item = await this.store.get(pk, sk, true);
    if (!item) return undefined;
    return {
      username: String(item.username),
      issuedAt: String(item.issuedAt),
      expiresAt: Number(item[TTL_ATTRIBUTE]),
    };
  }

  async deleteRefreshToken(tokenHash: string): Promise<void> {
    await this.store.transact(
      [{ Delete: { TableName: this.store.tableName, Key: this.refreshKey(tokenHash) } }],
      'session',
    );
  }
}

function toAccount(item: StoredItem): DirectoryAccount {
  const totp = item.totp as DirectoryAccount['totp'] | undefined;
  return {
    username: String(item.username),
    sub: String(item.sub),
    enabled: item.enabled === true,
    passwordHash: String(item.passwordHash),
    temporary: item.temporary === true,
    ...(typeof item.displayName === 'string' ? { displayName: item.displayName } : {}),
    ...(totp ? { totp } : {}),
    ...(typeof item.sessionsValidFrom === 'string' ? { sessionsValidFrom: item.sessionsValidFrom } : {}),
    createdAt: String(item.createdAt),
  };
}

import { createHash } from 'node:crypto';
import { ConflictError } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/** How long a retried request can still find its first answer: a day covers a phone that was offline overnight. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/**
 * Idempotency records for client-submitted creates (field devices retry on bad networks). The record is
 * written in the same transaction as the thing it creates, so "created" and "remembered" cannot part ways;
 * a concurrent retry loses the race on the record's condition and then reads the winner's answer.
 */
export class IdempotencyStore {
  /**
   * `formerCaller`: scopes end in the caller's person id (`units:<id>`); before person ids existed they ended
   * in the caller's token `sub`. A phone that queued a write before the change retries it with the same key
   * for up to a day (IDEMPOTENCY_TTL_SECONDS), so an answer not found under the person id is looked for under
   * the former id too. Records are never written under it.
   */
  constructor(
    private readonly store: TenantStore,
    private readonly formerCaller?: { current: string; former: string },
  ) {}

  private pk(scope: string, key: string): string {
    // Hash the client's key: it is arbitrary text and must not shape our key space.
    return this.store.key('IDEM', scope, createHash('sha256').update(key).digest('base64url'));
  }

  static fingerprint(body: unknown): string {
    return createHash('sha256')
      .update(JSON.stringify(body ?? null))
      .digest('hex');
  }

  /** The first answer for this key, or undefined. A reuse of the key for a different request is a conflict. */
  async find(scope: string, key: string, fingerprint: string): Promise<StoredResponse | undefined> {
    const item =
      (await this.store.get(this.pk(scope, key), 'IDEM', true)) ?? (await this.findFormer(scope, key));
    if (!item) return undefined;
    if (item.fingerprint !== fingerprint) {
      throw new ConflictError(
        'This Idempotency-Key was already used for a different request.',
        'idempotency_key_reused',
      );
    }
    return { status: Number(item.status), body: JSON.parse(String(item.body)) };
  }

  private async findFormer(scope: string, key: string) {
    const caller = this.formerCaller;
    if (!caller || caller.former === caller.current || !scope.endsWith(`:${caller.current}`))
      return undefined;
    const formerScope = `${scope.slice(0, -caller.current.length)}${caller.former}`;
    return this.store.get(this.pk(formerScope, key), 'IDEM', true);
  }

  record(scope: string, key: string, fingerprint: string, response: StoredResponse, now: Date): TransactItem {
    return {
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: this.pk(scope, key),
          sk: 'IDEM',
          type: 'Idempotency',
          fingerprint,
          status: response.status,
          body: JSON.stringify(response.body),
          expiresAt: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
}

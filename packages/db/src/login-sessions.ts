import { createHash } from 'node:crypto';
import type { TenantStore } from './tenant-store.ts';

export type PendingChallengeName = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

export interface PendingLogin {
  username: string;
  challenge: PendingChallengeName;
  /** The directory's own challenge session (absent for MFA_SETUP, which the API runs with the tokens). */
  directorySession?: string;
  /** Held only while a county admin sets up TOTP: they leave with the tokens once the first code is right. */
  tokens?: { accessToken: string; refreshToken: string; expiresIn: number };
  /** Whether the person already answered a second factor in this login. */
  mfaDone: boolean;
  wrongAnswers: number;
  expiresAt: number;
}

/** The directory's challenge sessions last 3 minutes; ours a little longer for the TOTP setup (an app to open). */
export const PENDING_LOGIN_SECONDS = 5 * 60;
const MAX_WRONG_ANSWERS = 5;

const hashOf = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Logins between the password and the tokens, and the last activity of each refresh token.
 *
 * - pk LOGINPENDING#<sha256(session)> / sk PENDING: a challenge the person must answer. The session id handed to
 *   the browser is random; only its hash is stored, so the table never holds a usable session id.
 * - pk LOGINSESSION#<sha256(refreshToken)> / sk SESSION: `lastSeenAt`, moved at each refresh. A refresh after
 *   the county's idle time is refused (see docs/decisions.md, "Idle sessions").
 * Both expire by TTL.
 */
export class LoginSessionRepository {
  constructor(private readonly store: TenantStore) {}

  private pendingKey(session: string) {
    return { pk: this.store.key('LOGINPENDING', hashOf(session)), sk: 'PENDING' };
  }

  private activityKey(refreshToken: string) {
    return { pk: this.store.key('LOGINSESSION', hashOf(refreshToken)), sk: 'SESSION' };
  }

  /** putPendingLogin: PutItem LOGINPENDING#<hash>. */
  async putPending(session: string, pending: Omit<PendingLogin, 'wrongAnswers' | 'expiresAt'>, now: Date) {
    const expiresAt = Math.floor(now.getTime() / 1000) + PENDING_LOGIN_SECONDS;
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...this.pendingKey(session),
              type: 'PendingLogin',
              ...pending,
              wrongAnswers: 0,
              expiresAt,
            },
          },
        },
      ],
      'login',
    );
  }

  /** getPendingLogin: GetItem LOGINPENDING#<hash> (consistent); expired ones are absent (TTL deletes late). */
  async getPending(session: string, now: Date): Promise<PendingLogin | undefined> {
    const key = this.pendingKey(session);
    const item = await this.store.get(key.pk, key.sk, true);
    if (!item || Number(item.expiresAt) <= now.getTime() / 1000) return undefined;
    return item as unknown as PendingLogin;
  }

  /** A wrong answer; after five the pending login is gone and the person starts again from the password. */
  async countWrongAnswer(session: string): Promise<void> {
    const item = await this.store.update({
      Key: this.pendingKey(session),
      UpdateExpression: 'SET wrongAnswers = wrongAnswers + :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1 },
    });
    if (item && Number(item.wrongAnswers) >= MAX_WRONG_ANSWERS) await this.deletePending(session);
  }

  async deletePending(session: string): Promise<void> {
    await this.store.transact(
      [{ Delete: { TableName: this.store.tableName, Key: this.pendingKey(session) } }],
      'login',
    );
  }

  /** touchSession: PutItem LOGINSESSION#<hash>; written at login and at every refresh. */
  async touch(refreshToken: string, who: { username: string; userId: string }, now: Date): Promise<void> {
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...this.activityKey(refreshToken),
              type: 'LoginSession',
              ...who,
              lastSeenAt: now.toISOString(),
              // A Cognito refresh token lives 30 days at most; its record need not outlive it.
              expiresAt: Math.floor(now.getTime() / 1000) + 31 * 86_400,
            },
          },
        },
      ],
      'session',
    );
  }

  /** getSession: GetItem LOGINSESSION#<hash>; who holds the refresh token and when it was last used. */
  async get(refreshToken: string): Promise<{ username: string; userId: string; lastSeen: Date } | undefined> {
    const key = this.activityKey(refreshToken);
    const item = await this.store.get(key.pk, key.sk, true);
    if (typeof item?.lastSeenAt !== 'string') return undefined;
    return {
      username: String(item.username),
      userId: String(item.userId),
      lastSeen: new Date(item.lastSeenAt),
    };
  }

  async forget(refreshToken: string): Promise<void> {
    await this.store.transact(
      [{ Delete: { TableName: this.store.tableName, Key: this.activityKey(refreshToken) } }],
      'session',
    );
  }
}

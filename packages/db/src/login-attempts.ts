import type { TenantStore } from './tenant-store.ts';

/** Wrong answers one username may give inside the window before its logins are refused. */
export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;
/** How long a lockout lasts from the failure that triggered it. */
export const LOCKOUT_SECONDS = 15 * 60;

export interface FailureOutcome {
  failures: number;
  /** True for exactly one failure: the one that started a lockout (so it is logged once). */
  lockedNow: boolean;
  lockedUntil?: Date;
}

/**
 * Failed logins per username, one item per username in the county's partition:
 * pk LOGINFAIL#<username> / sk LOGINFAIL, `{windowStart, failures, lockedUntil?, expiresAt}`.
 *
 * Per username, not per county or per address: one attacker guessing one name cannot lock the rest of the
 * county out, and a county behind one NAT address (a township office) is not throttled as a whole. The
 * counting is a fixed 15-minute window kept with conditional UpdateItems, so concurrent wrong answers on
 * several Lambdas never lose a count. TTL removes an item a day after its window.
 */
export class LoginAttemptRepository {
  constructor(private readonly store: TenantStore) {}

  private key(username: string) {
    // The pools sign in case-insensitively: `County.Admin` is the same account, so it is the same count.
    return { pk: this.store.key('LOGINFAIL', username.normalize('NFKC').toLowerCase()), sk: 'LOGINFAIL' };
  }

  /** getLoginLock: GetItem LOGINFAIL#<username> (consistent); when its lockout ends, if it is locked now. */
  async lockedUntil(username: string, now: Date): Promise<Date | undefined> {
    const item = await this.store.get(this.key(username).pk, 'LOGINFAIL', true);
    const until = typeof item?.lockedUntil === 'string' ? new Date(item.lockedUntil) : undefined;
    return until && until > now ? until : undefined;
  }

  /** Counts one wrong answer; the tenth inside a window locks the username for LOCKOUT_SECONDS. */
  async recordFailure(username: string, now: Date): Promise<FailureOutcome> {
    const epoch = Math.floor(now.getTime() / 1000);
    const windowFloor = new Date(now.getTime() - LOGIN_WINDOW_SECONDS * 1000).toISOString();
    const expiresAt = epoch + LOGIN_WINDOW_SECONDS + LOCKOUT_SECONDS + 86_400;
    let item: Record<string, unknown> | undefined;
    // Two conditional branches: count inside the current window, or open a new window when there is none or it
    // has passed. A race between the two is settled by the conditions; the loser tries again.
    for (let attempt = 0; attempt < 4 && !item; attempt++) {
      item = await this.store.update({
        Key: this.key(username),
        UpdateExpression: 'SET failures = failures + :one, expiresAt = :expiresAt',
        ConditionExpression: 'attribute_exists(pk) AND windowStart > :windowFloor',
        ExpressionAttributeValues: { ':one': 1, ':windowFloor': windowFloor, ':expiresAt': expiresAt },
      });
      item ??= await this.store.update({
        Key: this.key(username),
        UpdateExpression:
          'SET failures = :one, windowStart = :now, expiresAt = :expiresAt, #type = :type REMOVE lockedUntil',
        ConditionExpression: 'attribute_not_exists(pk) OR windowStart <= :windowFloor',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':now': now.toISOString(),
          ':windowFloor': windowFloor,
          ':expiresAt': expiresAt,
          ':type': 'LoginFailures',
        },
      });
    }
    const failures = Number(item?.failures ?? 0);
    if (failures !== LOGIN_FAILURE_LIMIT) return { failures, lockedNow: false };
    const lockedUntil = new Date(now.getTime() + LOCKOUT_SECONDS * 1000);
    const locked = await this.store.update({
      Key: this.key(username),
      UpdateExpression: 'SET lockedUntil = :until',
      ConditionExpression: 'attribute_not_exists(lockedUntil) OR lockedUntil < :now',
      ExpressionAttributeValues: { ':until': lockedUntil.toISOString(), ':now': now.toISOString() },
    });
    return { failures, lockedNow: locked !== undefined, lockedUntil };
  }

  /** A successful login forgets earlier typos, so a person's occasional mistakes never add up to a lockout. */
  async clear(username: string): Promise<void> {
    await this.store.update({
      Key: this.key(username),
      UpdateExpression: 'SET failures = :zero',
      ConditionExpression: 'attribute_exists(pk) AND failures > :zero',
      ExpressionAttributeValues: { ':zero': 0 },
    });
  }
}

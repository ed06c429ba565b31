import { IdempotencyStore } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { countyData } from './county-data.ts';

/** What a write stores beside its change, in the same transaction, so a retry finds the first answer. */
export type IdempotencyClaim = { scope: string; key: string; fingerprint: string };

/**
 * The idempotency record a keyed write puts in its own transaction, so a retry finds the first answer; none
 * for a write sent without a key.
 */
export function rememberAnswer(
  c: Context<AppEnv>,
  claim: IdempotencyClaim | undefined,
  answer: { status: number; body: unknown },
  now: Date,
) {
  return claim
    ? [countyData(c).idempotency.record(claim.scope, claim.key, claim.fingerprint, answer, now)]
    : [];
}

/**
 * Runs a client-keyed write once. A retry with the same key gets the first answer back; a concurrent retry
 * that lost the race (its write failed on the other's record or unique key) answers what the winner stored.
 * `write` must pass the claim to its repository write so the record lands in the change's own transaction.
 *
 * @example
 * const unit = await idempotent(c, `units:${principal.userId}`, input, (claim) => createUnit(c, input, claim));
 */
export async function idempotent<T>(
  c: Context<AppEnv>,
  scope: string,
  request: unknown,
  write: (claim: IdempotencyClaim | undefined) => Promise<T>,
): Promise<T> {
  const key = c.req.header('idempotency-key');
  if (!key) return write(undefined);
  const claim = { scope, key, fingerprint: IdempotencyStore.fingerprint(request) };
  const earlier = () => countyData(c).idempotency.find(scope, key, claim.fingerprint);
  const first = await earlier();
  if (first) return first.body as T;
  try {
    return await write(claim);
  } catch (error) {
    const winner = await awaitWinner(earlier);
    if (winner) return winner.body as T;
    throw error;
  }
}

/**
 * After a keyed write failed, what the concurrent copy that won stored. DynamoDB cancels a transaction that
 * meets another one in flight (TransactionConflict) before that one has committed, so the winner's record can
 * be a few milliseconds away: read again, briefly, before calling the failure real.
 */
export async function awaitWinner<T>(
  find: () => Promise<T | undefined>,
  attempts = 4,
): Promise<T | undefined> {
  for (let attempt = 0; ; attempt++) {
    const found = await find();
    if (found || attempt + 1 >= attempts) return found;
    await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
  }
}

import { IdempotencyStore } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { countyData } from './county-data.ts';

/** What a write stores beside its change, in the same transaction, so a retry finds the first answer. */
export type IdempotencyClaim = { scope: string; key: string; fingerprint: string };

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
    const winner = await earlier();
    if (winner) return winner.body as T;
    throw error;
  }
}

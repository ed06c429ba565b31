import type { Context } from 'hono';

/**
 * A per-address request budget for the public routes, kept in the process: a fixed window per client address.
 * In AWS a Lambda instance sees only its share of the traffic, so this is the last line, not the first: the
 * gateway's route throttling and a WAF rate-based rule per address carry the real limit (docs/decisions.md,
 * "The public notice board"). Locally and in tests it is the only one, and what the tests exercise.
 */
export class AddressRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Addresses remembered at most; the oldest windows are dropped first (a flood of addresses is WAF's). */
    private readonly maxAddresses = 10_000,
  ) {}

  /** Counts one request from `address` at `now`; false when it is over the budget of its window. */
  take(address: string, now: number): boolean {
    const window = this.windows.get(address);
    if (!window || now - window.start >= this.windowMs) {
      this.windows.delete(address);
      if (this.windows.size >= this.maxAddresses) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
      }
      this.windows.set(address, { start: now, count: 1 });
      return true;
    }
    window.count += 1;
    return window.count <= this.limit;
  }
}

/**
 * The client's address as the gateway saw it: the LAST entry of X-Forwarded-For, the one API Gateway appends
 * (earlier entries are whatever the client sent, and would let it pick a fresh bucket per request).
 */
export function clientAddress(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for');
  const last = forwarded?.split(',').pop()?.trim();
  return last ? last.slice(0, 64) : 'unknown';
}

/** Where new ids come from; injected so tests can make them predictable. */
export interface IdSource {
  next(): string;
}

/** Where "now" comes from; injected so tests can move time (deadlines, escalation, overdue patrols). */
export interface Clock {
  now(): Date;
}

/** Crockford's base32, the alphabet of ULIDs. */
const ULID_DIGITS = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
/** The last id's 10 time digits (the same for every id of one millisecond). */
let lastTimeDigits = '';
/** The 16 random digits (0–31) of the last id. */
const lastRandom = new Uint8Array(16);

const RANDOM_POOL_BYTES = 4096;
let randomPool = new Uint8Array(0);
let randomPoolAt = 0;

/**
 * Random bytes from the platform's generator, drawn 4 KB at a time: a call into `crypto.getRandomValues` still cost
 * 1–2% of the API's CPU on a short read when each id drew its own 16 bytes (docs/performance.md); from a pool it is
 * one call per 256 ids. The bytes are the same generator's, each used once. Also the page cursors' IVs: Node's
 * `randomBytes(12)` is a call into OpenSSL of 5–7 µs alone, and was 0.7% of a units list page's CPU in the API.
 *
 * The answer is a view into the pool: use it at once, or copy it.
 */
export function pooledRandomBytes(count: number): Uint8Array {
  if (randomPoolAt + count > randomPool.length) {
    randomPool = globalThis.crypto.getRandomValues(new Uint8Array(RANDOM_POOL_BYTES));
    randomPoolAt = 0;
  }
  randomPoolAt += count;
  return randomPool.subarray(randomPoolAt - count, randomPoolAt);
}

/**
 * A ULID: 10 digits of milliseconds, 16 random. Monotonic, so that ids minted in the same millisecond still sort in
 * creation order (audit events rely on it): the next one in a millisecond is the last one plus 1. Written here
 * rather than taken from the `ulid` package, which drew each random digit with a call of its own into
 * `crypto.getRandomValues` (16 per id, and the API mints one per request, its request id); this takes 16 bytes
 * from a pool of the same generator's, each byte's low 5 bits a digit, as evenly spread as the package's.
 */
function monotonicUlid(): string {
  const now = Date.now();
  if (now <= lastTime) {
    let digit = lastRandom.length - 1;
    while (digit >= 0 && lastRandom[digit] === 31) lastRandom[digit--] = 0;
    if (digit < 0) throw new Error('More ULIDs in one millisecond than its random part can count.');
    lastRandom[digit]! += 1;
  } else {
    lastTime = now;
    lastTimeDigits = '';
    for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32))
      lastTimeDigits = ULID_DIGITS[rest % 32] + lastTimeDigits;
    const bytes = pooledRandomBytes(16);
    for (let i = 0; i < 16; i++) lastRandom[i] = bytes[i]! & 31;
  }
  // Built digit by digit: mapping the digits into an array and joining it made an id in a new millisecond cost
  // about 3 µs (now about 0.5).
  let id = lastTimeDigits;
  for (let i = 0; i < 16; i++) id += ULID_DIGITS[lastRandom[i]!];
  return id;
}

export const ulidSource: IdSource = { next: () => monotonicUlid() };

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests and the local stack can move forward by hand. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isUlid(value: string): boolean {
  return ULID_PATTERN.test(value);
}

import { monotonicFactory } from 'ulid';

/** Where new ids come from; injected so tests can make them predictable. */
export interface IdSource {
  next(): string;
}

/** Where "now" comes from; injected so tests can move time (deadlines, escalation, overdue patrols). */
export interface Clock {
  now(): Date;
}

// Monotonic so that ids minted in the same millisecond still sort in creation order (audit events rely on it).
const monotonicUlid = monotonicFactory();

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

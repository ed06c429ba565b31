import { createHash } from 'node:crypto';
import type { Location } from './common-schemas.ts';
import type { Principal } from './principal.ts';

/**
 * One entry in a record's history. Events of one record form a hash chain: each carries the hash of the one
 * before, and its own hash covers every field plus that link, so editing, deleting or reordering any event
 * breaks every hash after it.
 */
export interface AuditEvent {
  entityType: string;
  entityId: string;
  /** 1 for the creating event, then +1 per change: the chain's order. */
  seq: number;
  at: string;
  actor: { id: string; username: string; role: string };
  action: string;
  /** Only the fields that changed, before → after. */
  changes?: Record<string, { before: unknown; after: unknown }>;
  reason?: string;
  location?: Location;
  /** Extra facts, such as photo evidence (key, sha256, size) or an import batch. */
  details?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export type UnhashedAuditEvent = Omit<AuditEvent, 'hash'>;

/** JSON with keys sorted at every depth, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashAuditEvent(event: UnhashedAuditEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

export function sealAuditEvent(event: UnhashedAuditEvent): AuditEvent {
  return { ...event, hash: hashAuditEvent(event) };
}

export function actorOf(principal: Principal): AuditEvent['actor'] {
  return { id: principal.userId, username: principal.username, role: principal.role };
}

/** The fields whose values differ, as before → after pairs (deep comparison through canonical JSON). */
export function diff<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T)[],
): AuditEvent['changes'] {
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const field of fields) {
    if (canonicalJson(before[field]) !== canonicalJson(after[field])) {
      changes[String(field)] = { before: before[field] ?? null, after: after[field] ?? null };
    }
  }
  return changes;
}

export type ChainVerdict =
  | { intact: true; length: number }
  | { intact: false; brokenAt: number; reason: string };

/** Walks a record's events oldest first and names the first broken link. */
export function verifyAuditChain(events: readonly AuditEvent[]): ChainVerdict {
  let prev = GENESIS_HASH;
  for (const [index, event] of events.entries()) {
    const expectedSeq = index + 1;
    if (event.seq !== expectedSeq) {
      return {
        intact: false,
        brokenAt: expectedSeq,
        reason: `event ${expectedSeq} is missing or out of order`,
      };
    }
    if (event.prevHash !== prev) {
      return {
        intact: false,
        brokenAt: event.seq,
        reason: `event ${event.seq} does not link to the event before it`,
      };
    }
    const { hash, ...rest } = event;
    if (hashAuditEvent(rest) !== hash) {
      return {
        intact: false,
        brokenAt: event.seq,
        reason: `event ${event.seq} was altered after it was written`,
      };
    }
    prev = hash;
  }
  return { intact: true, length: events.length };
}

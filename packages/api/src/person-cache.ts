import type { SubjectIdentity } from '@gridsafe/core';
import type { SubjectLink } from '@gridsafe/db';

/**
 * How long a process trusts the subject link it read. Disabling a person or changing a role reaches every other
 * running county function within this time; the process that made the change forgets at once.
 */
export const PERSON_CACHE_TTL_MS = 60_000;
/** A county has a few hundred to a few thousand people; past this the oldest entries go first. */
const MAX_ENTRIES = 5_000;

/**
 * The caller's subject link per (county, provider, subject), cached per process so most requests make no read
 * for authorization. Only links found are cached: a subject that is linked a moment later must not wait out a
 * cached "unknown".
 */
export class PersonCache {
  private readonly entries = new Map<string, { link: SubjectLink; readAt: number }>();

  constructor(
    private readonly ttlMs = PERSON_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async linkOf(
    tenant: string,
    identity: SubjectIdentity,
    read: () => Promise<SubjectLink | undefined>,
  ): Promise<SubjectLink | undefined> {
    const key = cacheKey(tenant, identity);
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.readAt < this.ttlMs) return entry.link;
    this.entries.delete(key);
    const link = await read();
    if (link) this.remember(tenant, link);
    return link;
  }

  remember(tenant: string, link: SubjectLink): void {
    const key = cacheKey(tenant, link);
    this.entries.delete(key);
    this.entries.set(key, { link, readAt: this.now() });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Drops every cached link of one person (called by the process that changed the person). */
  forgetPerson(tenant: string, userId: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.link.userId === userId && key.startsWith(`${tenant}\u0000`)) this.entries.delete(key);
    }
  }
}

function cacheKey(tenant: string, identity: SubjectIdentity): string {
  return `${tenant}\u0000${identity.provider}\u0000${identity.subject}`;
}

import { ConflictError, type Principal, type User } from '@gridsafe/core';
import { NotificationRepository } from './notification-repository.ts';
import type { TenantStore } from './tenant-store.ts';
import { UserRepository } from './user-repository.ts';

export interface PersonIdMigrationReport {
  tenant: string;
  people: number;
  linked: number;
  readMarks: number;
}

/**
 * Brings a county written before person ids to the current shape: every person whose record holds only the
 * password directory's `sub` gets a subject link for `provider` (audited as `linked` by `migration`), and the
 * notification read marks kept under the `sub` are copied under the person id. Idempotency records kept under
 * the `sub` are not copied: they live a day, and the API still finds them through the link's `legacySubject`.
 * Running it again changes nothing. Audit actors stay as they were written: they are historical facts.
 */
export async function migrateCountyToPersonIds(
  store: TenantStore,
  provider: string,
  now: Date,
): Promise<PersonIdMigrationReport> {
  const users = new UserRepository(store);
  const notifications = new NotificationRepository(store);
  const migration: Principal = {
    userId: 'migration',
    username: 'migration',
    tenant: store.tenant,
    role: 'county_admin',
    grants: [],
  };
  const report: PersonIdMigrationReport = { tenant: store.tenant, people: 0, linked: 0, readMarks: 0 };
  let cursor: string | undefined;
  do {
    const page = await users.list({ limit: 100, ...(cursor ? { cursor } : {}) });
    for (const person of page.items) {
      report.people += 1;
      if (!person.sub) continue;
      if (await linkFormerSubject(users, person, provider, { principal: migration, now })) report.linked += 1;
      report.readMarks += await notifications.copyReadMarks(person.sub, person.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return report;
}

async function linkFormerSubject(
  users: UserRepository,
  person: User,
  provider: string,
  ctx: { principal: Principal; now: Date },
): Promise<boolean> {
  if ((person.identities ?? []).some((identity) => identity.provider === provider)) return false;
  const stored = await users.getStored(person.id, true);
  if (!stored || !person.sub) return false;
  try {
    await users.link(stored, { provider, subject: person.sub }, ctx, { evenIfDisabled: true });
    return true;
  } catch (error) {
    // Linked at a first login between our read and our write: the goal is reached.
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

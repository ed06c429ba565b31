import { actorOf, NotFoundError, type Principal } from '@gridsafe/core';
import { type TenantRecord, TenantRegistry, type TenantStatus } from '@gridsafe/db';
import { poolUsername } from '@gridsafe/identity';
import type { PlatformDeps } from './platform-deps.ts';

export type LifecycleAction = 'suspend' | 'resume' | 'offboard';

const TRANSITIONS: Record<LifecycleAction, { from: TenantStatus[]; to: TenantStatus; action: string }> = {
  suspend: { from: ['active'], to: 'suspended', action: 'suspended' },
  resume: { from: ['suspended'], to: 'active', action: 'resumed' },
  offboard: { from: ['active', 'suspended'], to: 'offboarded', action: 'offboarded' },
};

/**
 * Suspends, resumes or offboards a county: the registry item, its audit event and the county-side mirror in
 * one transaction. The county API reads the mirror (cached for at most COUNTY_STATUS_TTL_MS) and refuses every
 * request but health while the county is not active. Users are not touched by a suspension, so resuming
 * restores exactly what was there (including users a county admin had disabled).
 */
export async function changeCountyStatus(
  deps: PlatformDeps,
  id: string,
  action: LifecycleAction,
  options: { expectedVersion?: number; reason?: string },
  operator: Principal,
): Promise<TenantRecord> {
  const registry = new TenantRegistry(deps.data.client, deps.data.tableName);
  const record = await registry.setStatus(
    id,
    { ...TRANSITIONS[action], expectedVersion: options.expectedVersion, reason: options.reason },
    actorOf(operator),
    deps.clock.now(),
  );
  deps.onCountyStatusChanged?.(id);
  deps.logger.info('county status changed', {
    tenant: id,
    status: record.status,
    operator: operator.username,
  });
  return record;
}

export interface DisableUsersProgress {
  disabled: number;
  done: boolean;
  nextCursor?: string;
}

/**
 * Disables every user of an offboarded county in the user directory, page by page, until done or the time
 * budget is spent (an API call must answer within the gateway's 30 s); `nextCursor` continues where it
 * stopped. The users are found by their `<county>:` pool username: the control plane's role cannot read the
 * county's own user records. Disabling twice is harmless, so a repeat is always safe.
 */
export async function disableCountyUsers(
  deps: PlatformDeps,
  tenant: string,
  options: { cursor?: string; budgetMs?: number; pageSize?: number } = {},
): Promise<DisableUsersProgress> {
  // County directories live in the counties' own partitions, which this role cannot read: the county's closed
  // door (its offboarded status) is what refuses its people there.
  if (deps.countyAccounts === 'county-directory') return { disabled: 0, done: true };
  const deadline = Date.now() + (options.budgetMs ?? 10_000);
  let cursor = options.cursor;
  let disabled = 0;
  do {
    const page = await deps.identity.listUsernames(poolUsername(tenant, ''), {
      ...(cursor ? { cursor } : {}),
      ...(options.pageSize ? { limit: options.pageSize } : {}),
    });
    // A few at a time: Cognito's admin-write quota is shared by every county of the cell.
    for (let i = 0; i < page.usernames.length; i += 5) {
      await Promise.all(
        page.usernames.slice(i, i + 5).map((username) => deps.identity.setEnabled(username, false)),
      );
    }
    disabled += page.usernames.length;
    cursor = page.nextCursor;
  } while (cursor && Date.now() < deadline);
  return { disabled, done: cursor === undefined, ...(cursor ? { nextCursor: cursor } : {}) };
}

/** Reads a county from the registry or answers 404. */
export async function requireCounty(deps: PlatformDeps, id: string): Promise<TenantRecord> {
  const record = await new TenantRegistry(deps.data.client, deps.data.tableName).get(id, true);
  if (!record) throw new NotFoundError('county');
  return record;
}

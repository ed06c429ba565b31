import { isGrantActive as isActive, NotFoundError, type Principal } from '@gridsafe/core';
import { GridRepository, VendorAccessGrantRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { writeContext } from '../county-data.ts';

// The grants' work, a chunk of its own (vendor-access-grants.ts registers the routes): a county admin gives
// the vendor access a few times a year, so no cold start should carry it.

/** A grant for `hours`, over the county's root grid, recorded with who gave it and why. */
export async function createGrant(c: Context<AppEnv>, principal: Principal, hours: number, reason: string) {
  const store = c.get('store');
  const root = (await new GridRepository(store).listByLevel('county', undefined, { limit: 1 })).items[0];
  if (!root) throw new NotFoundError('county root grid');
  const ctx = writeContext(c);
  const grant = await new VendorAccessGrantRepository(store).create(
    {
      id: c.get('deps').ids.next(),
      reason,
      rootGridId: root.id,
      createdAt: ctx.now.toISOString(),
      expiresAt: new Date(ctx.now.getTime() + hours * 3_600_000).toISOString(),
      grantedBy: { userId: principal.userId, username: principal.username },
    },
    ctx,
  );
  return { ...grant, active: true };
}

export async function listGrants(c: Context<AppEnv>) {
  const now = c.get('deps').clock.now();
  const grants = await new VendorAccessGrantRepository(c.get('store')).list();
  return { items: grants.map((grant) => ({ ...grant, active: isActive(grant, now) })) };
}

export async function revokeGrant(c: Context<AppEnv>, id: string) {
  const revoked = await new VendorAccessGrantRepository(c.get('store')).revoke(id, writeContext(c));
  return { ...revoked, active: false };
}

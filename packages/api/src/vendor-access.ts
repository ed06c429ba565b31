import { ForbiddenError, type Principal } from '@gridsafe/core';
import { LoginEventLog, VendorAccessGrantRepository } from '@gridsafe/db';
import type { VerifiedAccessToken } from '@gridsafe/identity';
import type { Context } from 'hono';
import type { AppEnv } from './app-env.ts';
import { stripPlatform } from './platform/platform-identity.ts';

/**
 * A vendor operator inside a county: admitted only while the county admin's grant is in force, only to read
 * (GET), over the whole county (the county's root grid), and every read is written to the county's login log
 * before it is answered, so no read goes unrecorded.
 */
export async function vendorPrincipal(c: Context<AppEnv>, verified: VerifiedAccessToken): Promise<Principal> {
  const deps = c.get('deps');
  const tenant = c.get('tenant');
  const now = deps.clock.now();
  const username = stripPlatform(String(verified.claims.username));
  const grant = await new VendorAccessGrantRepository(c.get('store')).active(now);
  if (!grant) {
    deps.logger.warn('vendor operator refused: no grant in force', {
      tenant,
      operator: username,
      requestId: c.get('requestId'),
    });
    throw new ForbiddenError('This county has not granted the vendor access.');
  }
  if (c.req.method !== 'GET') throw new ForbiddenError('Under a grant the vendor may only read.');
  await new LoginEventLog(c.get('store')).append({
    id: deps.ids.next(),
    at: now.toISOString(),
    kind: 'vendor_read',
    username: `@platform:${username}`,
    userId: verified.sub,
    detail: `GET ${c.req.path.slice(`/t/${tenant}/api/v1`.length)} grant=${grant.id}`.slice(0, 500),
  });
  return {
    userId: verified.sub,
    username,
    tenant,
    role: 'vendor_operator',
    grants: [{ kind: 'grid', id: grant.rootGridId }],
  };
}

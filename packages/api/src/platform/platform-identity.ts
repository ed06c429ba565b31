import { ForbiddenError, type Principal, UnauthorizedError } from '@gridsafe/core';
import { poolUsername } from '@gridsafe/identity';
import type { MiddlewareHandler } from 'hono';
import type { PlatformEnv } from './platform-deps.ts';

/**
 * The tenant claim of the vendor's own operators. County ids match `^[a-z][a-z0-9]{1,31}$`, so no county can
 * ever be called this, and no county URL (`/t/@platform/…`) can be served.
 */
export const PLATFORM_TENANT = '@platform';

/** Vendor operators live in the same user pool as counties' users, as `@platform:<username>`. */
export function platformPoolUsername(username: string): string {
  return poolUsername(PLATFORM_TENANT, username);
}

/**
 * Verifies the bearer token (the same JWKS verifier as the county API) and admits only the vendor's
 * operators: tenant claim `@platform` and role `vendor_operator`. Any county's token is refused with 403,
 * whatever its role.
 */
export const requireVendorOperator: MiddlewareHandler<PlatformEnv> = async (c, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  const deps = c.get('deps');
  const claims = await deps.tokens.verify(match[1]);
  if (claims.gs_tenant !== PLATFORM_TENANT || claims.gs_role !== 'vendor_operator') {
    deps.logger.warn('control plane refused a non-vendor token', {
      tokenTenant: claims.gs_tenant,
      role: claims.gs_role,
      sub: claims.sub,
      requestId: c.get('requestId'),
    });
    throw new ForbiddenError('Only the vendor’s operators may use the control plane.');
  }
  const operator: Principal = {
    userId: claims.sub,
    username: stripPlatform(claims.username),
    tenant: PLATFORM_TENANT,
    role: claims.gs_role,
    grants: [],
  };
  c.set('operator', operator);
  await next();
};

export function stripPlatform(poolName: string): string {
  const prefix = `${PLATFORM_TENANT}:`;
  return poolName.startsWith(prefix) ? poolName.slice(prefix.length) : poolName;
}

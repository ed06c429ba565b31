import { ForbiddenError, type Grant, type Principal, parseGrant, UnauthorizedError } from '@gridsafe/core';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { isVendorOperatorToken, vendorPrincipal } from './vendor-access.ts';

/**
 * Verifies the bearer token and checks that it was issued for the county in the URL. There is no header,
 * flag or environment variable that skips this: public routes are the ones registered before it.
 */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError();
  const deps = c.get('deps');
  const claims = await deps.tokens.verify(match[1]);
  const tenant = c.get('tenant');
  if (isVendorOperatorToken(claims)) {
    c.set('principal', await vendorPrincipal(c, claims));
    await next();
    return;
  }
  if (claims.gs_tenant !== tenant) {
    deps.logger.warn('token for another county refused', {
      tokenTenant: claims.gs_tenant,
      tenant,
      sub: claims.sub,
      requestId: c.get('requestId'),
    });
    throw new ForbiddenError('This token belongs to another county.');
  }
  const principal: Principal = {
    userId: claims.sub,
    username: stripTenant(claims.username, tenant),
    tenant,
    role: claims.gs_role,
    grants: claims.gs_scopes.map(parseGrant).filter((grant): grant is Grant => grant !== undefined),
  };
  c.set('principal', principal);
  await next();
};

function stripTenant(poolUsername: string, tenant: string): string {
  return poolUsername.startsWith(`${tenant}:`) ? poolUsername.slice(tenant.length + 1) : poolUsername;
}

import { ForbiddenError, type Principal, UnauthorizedError } from '@gridsafe/core';
import { poolUsername, type VerifiedAccessToken } from '@gridsafe/identity';
import type { MiddlewareHandler } from 'hono';
import type { PlatformDeps, PlatformEnv } from './platform-deps.ts';

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
 * Verifies the bearer token and admits only the vendor's operators: a token of the operators' provider (their
 * own pool in AWS, which no county role can administer) whose pool username is `@platform:<name>`. Usernames
 * are set only by whoever creates the account, and no county username can start with `@`, so any county's
 * token is refused with 403, whatever its role. No custom claim is involved, so the pool needs no token trigger.
 */
export const requireVendorOperator: MiddlewareHandler<PlatformEnv> = async (c, next) => {
  const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  const deps = c.get('deps');
  const verified = await deps.tokens.verify(match[1]);
  const operator = operatorOf(deps, verified);
  if (!operator) {
    deps.logger.warn('control plane refused a non-vendor token', {
      provider: verified.provider.id,
      sub: verified.sub,
      requestId: c.get('requestId'),
    });
    throw new ForbiddenError('Only the vendor’s operators may use the control plane.');
  }
  c.set('operator', operator);
  await next();
};

/** The vendor operator a verified token names, or undefined when it names anyone else. */
export function operatorOf(deps: PlatformDeps, verified: VerifiedAccessToken): Principal | undefined {
  if (deps.operatorProvider !== undefined && verified.provider.id !== deps.operatorProvider) return undefined;
  const poolName = verified.claims.username;
  if (typeof poolName !== 'string' || !poolName.startsWith(`${PLATFORM_TENANT}:`)) return undefined;
  return {
    userId: verified.sub,
    username: stripPlatform(poolName),
    tenant: PLATFORM_TENANT,
    role: 'vendor_operator',
    grants: [],
  };
}

export function stripPlatform(poolName: string): string {
  const prefix = `${PLATFORM_TENANT}:`;
  return poolName.startsWith(prefix) ? poolName.slice(prefix.length) : poolName;
}

import {
  acceptedProviders,
  ConflictError,
  ForbiddenError,
  type Grant,
  linkableUsername,
  type Principal,
  parseGrant,
  UnauthorizedError,
  type User,
} from '@gridsafe/core';
import { fromItem, type SubjectLink, SubjectLinkRepository, UserRepository } from '@gridsafe/db';
import type { VerifiedAccessToken } from '@gridsafe/identity';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.ts';
import { isVendorOperatorToken } from './vendor-operator-token.ts';

/**
 * Verifies the bearer token and finds the caller among the county's people. A token proves only issuer and
 * subject; role, scope and enabled come from the county's own records (one GetItem, cached per process), so a
 * token is bound to a county by the county's data, and disabling a person takes effect at their next request.
 * There is no header, flag or environment variable that skips this: public routes are the ones registered
 * before it.
 */
export const requireAuth: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new UnauthorizedError();
  const verified = await c.get('deps').tokens.verify(match[1]);
  // The vendor's operators enter a county only under its admin's grant (vendor-access.ts).
  if (isVendorOperatorToken(c.get('deps'), verified)) {
    // The grant check and its audit load only when an operator calls: a chunk no county's own request needs.
    const { vendorPrincipal } = await import('./vendor-access.ts');
    c.set('principal', await vendorPrincipal(c, verified));
    await next();
    return;
  }
  const { principal, link } = await resolveCaller(c, verified);
  c.set('principal', principal);
  if (link.legacySubject) c.set('formerCallerId', link.legacySubject);
  await next();
};

/**
 * The county's person behind a verified token: refused (and logged) when the provider is not one this county
 * accepts, when no enabled person is linked, or linked at first login by the provider's username claim.
 */
export async function resolveCaller(
  c: Context<AppEnv>,
  verified: VerifiedAccessToken,
): Promise<{ principal: Principal; link: SubjectLink }> {
  const deps = c.get('deps');
  const tenant = c.get('tenant');
  const facts = { tenant, provider: verified.provider.id, sub: verified.sub, requestId: c.get('requestId') };
  if (!acceptedProviders(deps.authProviders, tenant).some((p) => p.id === verified.provider.id)) {
    deps.logger.warn('token of a provider this county does not accept refused', facts);
    throw new UnauthorizedError('This county does not accept tokens of this identity provider.', {
      code: 'provider_not_accepted',
    });
  }
  // A county's own directory signs for that county alone: its token is no key to another county's API.
  if (verified.tenant !== undefined && verified.tenant !== tenant) {
    deps.logger.warn("another county's own token refused", { ...facts, issuedFor: verified.tenant });
    throw new UnauthorizedError('The token was issued by another county.', { code: 'provider_not_accepted' });
  }
  const identity = { provider: verified.provider.id, subject: verified.sub };
  const links = new SubjectLinkRepository(c.get('store'));
  const link =
    (await deps.people.linkOf(tenant, identity, () => links.get(identity))) ??
    (await linkAtFirstLogin(c, verified));
  if (!link.enabled) {
    deps.logger.warn('token of a disabled person refused', { ...facts, userId: link.userId });
    throw new UnauthorizedError('This account is disabled; ask your county administrator.', {
      code: 'account_disabled',
    });
  }
  return { principal: principalOf(link, tenant), link };
}

/**
 * The principal of a cached link, made once per link rather than per request (its grants parsed from the scope):
 * the person cache hands the same link object to every request of that person for a minute. Nothing changes a
 * principal after it is made.
 */
const principals = new WeakMap<SubjectLink, Principal>();

function principalOf(link: SubjectLink, tenant: string): Principal {
  const known = principals.get(link);
  if (known?.tenant === tenant) return known;
  const principal: Principal = {
    userId: link.userId,
    username: link.username,
    tenant,
    role: link.role,
    grants: link.scope.map(parseGrant).filter((grant): grant is Grant => grant !== undefined),
  };
  principals.set(link, principal);
  return principal;
}

/**
 * First login through a provider: the person the county admin created is found by the provider's configured
 * username claim, which must name this county (`<tenant>:<username>`). Another county's username, a claim not
 * configured as the provider's, a disabled person or one already linked through this provider links nobody.
 */
async function linkAtFirstLogin(c: Context<AppEnv>, verified: VerifiedAccessToken): Promise<SubjectLink> {
  const deps = c.get('deps');
  const tenant = c.get('tenant');
  const identity = { provider: verified.provider.id, subject: verified.sub };
  const facts = { tenant, provider: identity.provider, sub: identity.subject, requestId: c.get('requestId') };
  const notLinked = (reason: string) => {
    deps.logger.warn('token subject not linked to a person of this county', { ...facts, reason });
    return new ForbiddenError(
      'Your account is not linked to a person of this county. Ask your county administrator to add you.',
      'not_linked',
    );
  };
  const username = linkableUsername(verified.provider, verified.claims, tenant);
  if (!username) throw notLinked('no username of this county in the provider’s username claim');
  const users = new UserRepository(c.get('store'));
  const userId = await users.findIdByUsername(username);
  const stored = userId ? await users.getStored(userId, true) : undefined;
  if (!stored) throw notLinked('no person with this username');
  const person = fromItem<User>(stored);
  // The audit event says the person linked their own account (the county admin's record is what allowed it).
  const self: Principal = {
    userId: person.id,
    username: person.username,
    tenant,
    role: person.role,
    grants: [],
  };
  try {
    await users.link(stored, identity, { principal: self, now: deps.clock.now() });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    // Two first requests at once: the other one linked this very subject, which is what we wanted.
    const raced = await new SubjectLinkRepository(c.get('store')).get(identity, true);
    if (raced) return raced;
    throw notLinked(error.code);
  }
  const link = await new SubjectLinkRepository(c.get('store')).get(identity, true);
  if (!link) throw notLinked('link not readable after writing');
  deps.logger.info('provider account linked at first login', { ...facts, userId: link.userId });
  deps.people.remember(tenant, link);
  return link;
}

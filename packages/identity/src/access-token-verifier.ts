import { type AuthProvider, ServiceUnavailableError, UnauthorizedError } from '@gridsafe/core';
import {
  createRemoteJWKSet,
  decodeJwt,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { tenantOfCountyIssuer } from './county-issuer.ts';

/** What a token proves: who issued it (the provider) and whom it names. Nothing about roles or counties. */
export interface VerifiedAccessToken {
  provider: AuthProvider;
  issuer: string;
  sub: string;
  exp: number;
  /** Every claim, for the provider's username claim at first-login linking. */
  claims: Record<string, unknown>;
  /** The county whose own directory issued the token (a self-issued provider); its API alone accepts it. */
  tenant?: string;
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessToken>;
}

export interface JwksVerifierOptions {
  providers: readonly AuthProvider[];
  clockToleranceSeconds?: number;
  /** The key of a county's own directory (`CountyDirectory.verificationKey`), for self-issued providers. */
  countyKeys?: (tenant: string, kid: string) => Promise<CryptoKey | undefined>;
}

/**
 * Asymmetric algorithms only, so `alg: none` and HMAC-keyed-with-the-public-key tricks fail. RS256 is what
 * Cognito signs with; PS256 and ES256 are what other certified providers commonly offer.
 */
const ALGORITHMS = ['RS256', 'PS256', 'ES256'];
/**
 * A token verified once is not verified again for this long (nor past its expiry): the same bytes verify the same
 * way, and keys themselves are trusted for 10 minutes after they leave a key set (county-keys.ts, the JWKS cache
 * below), so this forgets nothing sooner. A phone sends its one token with every request for an hour.
 */
const VERIFIED_TTL_MS = 60_000;
/** Past this many tokens the oldest is forgotten first. */
const VERIFIED_MAX = 5_000;

/**
 * Verifies access tokens of the providers a cell trusts. The provider is picked by the token's `iss`, read
 * before verification only to choose whose keys to check against; the token is then verified against that
 * provider alone (signature by its JWKS, issuer, expiry, client, audience), so naming another issuer gains
 * nothing. Two token shapes pass:
 * - Cognito's: `token_use: access` and the app client in `client_id` (no `aud`);
 * - RFC 9068 JWT access tokens (providers with an `audience`): `typ: at+jwt`, `aud`, `client_id`.
 */
export function createJwksVerifier(options: JwksVerifierOptions): AccessTokenVerifier {
  const keysByProvider = new Map<string, JWTVerifyGetKey>();
  const keysOf = (provider: AuthProvider): JWTVerifyGetKey => {
    let keys = keysByProvider.get(provider.id);
    if (!keys) {
      keys = discoveredJwks(provider);
      keysByProvider.set(provider.id, keys);
    }
    return keys;
  };
  const byIssuer = new Map(
    options.providers.filter((p) => !p.selfIssued).map((provider) => [provider.issuer, provider]),
  );
  const selfIssued = options.providers.filter((provider) => provider.selfIssued);
  /** The provider and the county of a token's `iss`: an exact issuer, or a county under a self-issued base. */
  const issuerOf = (iss: string): { provider: AuthProvider; tenant?: string } | undefined => {
    const exact = byIssuer.get(iss);
    if (exact) return { provider: exact };
    for (const provider of selfIssued) {
      const tenant = tenantOfCountyIssuer(provider.issuer, iss);
      if (tenant) return { provider, tenant };
    }
    return undefined;
  };
  const countyKeyGetter =
    (tenant: string): JWTVerifyGetKey =>
    async (header) => {
      const key = header.kid && options.countyKeys ? await options.countyKeys(tenant, header.kid) : undefined;
      if (!key) throw new joseErrors.JWKSNoMatchingKey();
      return key;
    };
  const verified = new Map<string, { token: VerifiedAccessToken; until: number }>();
  const tolerance = options.clockToleranceSeconds ?? 5;
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known && Date.now() < known.until) return known.token;
      verified.delete(token);
      const result = await verifyOnce(token);
      verified.set(token, {
        token: result,
        until: Math.min(Date.now() + VERIFIED_TTL_MS, (result.exp + tolerance) * 1000),
      });
      if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
      return result;
    },
  };

  async function verifyOnce(token: string): Promise<VerifiedAccessToken> {
    const iss = unverifiedIssuer(token) ?? '';
    const found = issuerOf(iss);
    if (!found) throw new UnauthorizedError('The token comes from an issuer this service does not trust.');
    const { provider, tenant } = found;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, tenant ? countyKeyGetter(tenant) : keysOf(provider), {
        issuer: tenant ? iss : provider.issuer,
        algorithms: ALGORITHMS,
        clockTolerance: tolerance,
        requiredClaims: ['exp', 'sub', 'client_id'],
        ...(provider.audience ? { audience: provider.audience, typ: 'at+jwt' } : {}),
      }));
    } catch (error) {
      if (isUnavailable(error)) throw new ServiceUnavailableError('token issuer', { cause: error });
      throw new UnauthorizedError('The access token is invalid or expired.', { cause: error });
    }
    if (!provider.audience && payload.token_use !== 'access')
      throw new UnauthorizedError('An access token is required.');
    if (payload.client_id !== provider.clientId)
      throw new UnauthorizedError('The token was issued to another client.');
    if (typeof payload.sub !== 'string' || payload.sub === '')
      throw new UnauthorizedError('The token names no subject.');
    return {
      provider,
      issuer: iss,
      sub: payload.sub,
      exp: Number(payload.exp),
      claims: payload as Record<string, unknown>,
      ...(tenant ? { tenant } : {}),
    };
  }
}

function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provider's key set: its configured JWKS URL, or the `jwks_uri` of its discovery document, read at the
 * first token and again after a failure (a provider that was down at start must not stay unusable).
 */
function discoveredJwks(provider: AuthProvider): JWTVerifyGetKey {
  const remote = (url: string) =>
    createRemoteJWKSet(new URL(url), {
      timeoutDuration: 3_000,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
  if (provider.jwksUrl) return remote(provider.jwksUrl);
  let resolving: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    resolving ??= jwksUriOf(provider.issuer).then(remote, (error: unknown) => {
      resolving = undefined;
      throw error;
    });
    return (await resolving)(header, token);
  };
}

/** The `jwks_uri` of an issuer's OpenID discovery document. */
export async function jwksUriOf(issuer: string): Promise<string> {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) throw new ServiceUnavailableError('token issuer');
  const document = (await response.json()) as { jwks_uri?: unknown };
  if (typeof document.jwks_uri !== 'string') throw new ServiceUnavailableError('token issuer');
  return document.jwks_uri;
}

function isUnavailable(error: unknown): boolean {
  return (
    error instanceof ServiceUnavailableError ||
    error instanceof joseErrors.JWKSTimeout ||
    (error instanceof TypeError && /fetch failed/i.test(error.message)) ||
    (error instanceof DOMException && error.name === 'TimeoutError')
  );
}

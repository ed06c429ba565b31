import {
  GRANT_PATTERN,
  type GridsafeClaims,
  RoleSchema,
  ServiceUnavailableError,
  UnauthorizedError,
} from '@gridsafe/core';
import { createRemoteJWKSet, type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';

export interface VerifiedAccessToken extends GridsafeClaims {
  sub: string;
  /** The pool-wide username, `<tenant>:<username>`. */
  username: string;
  exp: number;
}

export interface AccessTokenVerifier {
  verify(token: string): Promise<VerifiedAccessToken>;
}

export interface JwksVerifierOptions {
  issuer: string;
  jwksUrl: string;
  /** Cognito access tokens carry the app client in `client_id` rather than `aud`; this is our audience check. */
  clientId: string;
  clockToleranceSeconds?: number;
}

/**
 * Verifies Cognito-shaped access tokens against the issuer's JWKS: signature (RS256 only, so `alg: none`
 * and HMAC-with-the-public-key tricks fail), issuer, expiry, `token_use`, and the app client. The same code
 * verifies the local issuer's tokens and Cognito's.
 */
export function createJwksVerifier(options: JwksVerifierOptions): AccessTokenVerifier {
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 3_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return {
    async verify(token) {
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          algorithms: ['RS256'],
          clockTolerance: options.clockToleranceSeconds ?? 5,
          requiredClaims: ['exp', 'sub', 'client_id', 'token_use'],
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout || isFetchFailure(error)) {
          throw new ServiceUnavailableError('token issuer', { cause: error });
        }
        throw new UnauthorizedError('The access token is invalid or expired.', { cause: error });
      }
      if (payload.token_use !== 'access') throw new UnauthorizedError('An access token is required.');
      if (payload.client_id !== options.clientId)
        throw new UnauthorizedError('The token was issued to another client.');
      const role = RoleSchema.safeParse(payload.gs_role);
      if (typeof payload.gs_tenant !== 'string' || !role.success) {
        throw new UnauthorizedError('The token carries no Gridsafe tenant or role.');
      }
      const scopes = Array.isArray(payload.gs_scopes)
        ? payload.gs_scopes.filter((s): s is string => typeof s === 'string' && GRANT_PATTERN.test(s))
        : [];
      return {
        sub: String(payload.sub),
        username: String(payload.username ?? ''),
        exp: Number(payload.exp),
        gs_tenant: payload.gs_tenant,
        gs_role: role.data,
        gs_scopes: scopes,
      };
    },
  };
}

function isFetchFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthProvider, DEFAULT_PROVIDER_ID, type Principal, ulidSource } from '@gridsafe/core';
import { GridRepository, TenantStore } from '@gridsafe/db';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { inject } from 'vitest';
import type { startTestApi } from './harness.ts';

type Services = ReturnType<typeof inject<'services'>>;
type TestApi = Awaited<ReturnType<typeof startTestApi>>;

/** The cell's shared password issuer as an auth provider, for `startTestApi({ authProviders })`. */
export function defaultProviderOf(services: Services): AuthProvider {
  return {
    id: DEFAULT_PROVIDER_ID,
    name: '账号密码',
    issuer: services.issuer,
    clientId: services.clientId,
    jwksUrl: services.jwksUrl,
    usernameClaim: 'username',
    passwordLogin: true,
    codeFlow: false,
  };
}

export interface JwksIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens. */
  issuer: string;
  /** Where its public key is served. */
  jwksUrl: string;
  /** An RFC 9068 access token (`typ` at+jwt unless told) for `provider`'s client and audience, valid 10 minutes. */
  sign(claims: JWTPayload, options?: { typ?: string }): Promise<string>;
  close(): Promise<void>;
}

/**
 * An OpenID provider as the API sees one: its own RS256 key pair and its JWKS served over HTTP, so tokens it
 * signs go through the real verifier. `provider` names the client and audience its tokens carry.
 */
export async function startJwksIssuer(
  kid: string,
  provider: Pick<AuthProvider, 'clientId' | 'audience'>,
): Promise<JwksIssuer> {
  const keys = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(keys.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/jwks.json`,
    sign: (claims, options = {}) =>
      new SignJWT({ client_id: provider.clientId, aud: provider.audience, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid, typ: options.typ ?? 'at+jwt' })
        .setIssuer(issuer)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(keys.privateKey),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A county as onboarding leaves it, without the demo seed: its first admin (`county.admin`) and its grid root.
 * Returns the root's id.
 */
export async function bareCounty(api: TestApi, tenant: string, root: { name: string; code: string }) {
  await api.createUser(tenant, 'county.admin', 'county_admin');
  const system: Principal = { userId: 'system', username: 'test', tenant, role: 'county_admin', grants: [] };
  const node = await new GridRepository(
    new TenantStore(api.deps.documentClient, api.tableName, tenant),
  ).create({ id: ulidSource.next(), level: 'county', ...root }, { principal: system, now: new Date() });
  return node.id;
}

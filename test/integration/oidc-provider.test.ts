import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COUNTY_API_RESOURCE,
  type LocalOidcProvider,
  OIDC_WEB_CLIENT_ID,
  startOidcProvider,
} from '../../scripts/local/oidc-provider.ts';
import { codeFlowLogin } from '../support/oidc-code-flow.ts';

const WEB_ORIGIN = 'http://localhost:3999';
const REDIRECT_URI = `${WEB_ORIGIN}/taihe/auth/callback`;
const PASSWORD = 'Provider-test-2026';

let provider: LocalOidcProvider;

beforeAll(async () => {
  provider = await startOidcProvider({ port: 0, webOrigins: [WEB_ORIGIN], tenants: ['taihe'] });
  provider.ensureAccount('taihe:county.admin', PASSWORD);
});

afterAll(async () => {
  await provider?.close();
});

const login = (username: string, password: string, redirectUri = REDIRECT_URI) =>
  codeFlowLogin({
    issuer: provider.issuer,
    clientId: OIDC_WEB_CLIENT_ID,
    redirectUri,
    username,
    password,
  });

describe('the local OpenID provider', () => {
  it('publishes a discovery document that offers the code flow with S256 PKCE only', async () => {
    const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(provider.issuer);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.response_types_supported).toContain('code');
    expect(discovery.jwks_uri).toBe(provider.jwksUrl);
  });

  it('issues a JWT access token for the county API carrying the tenant-qualified username', async () => {
    const { tokens } = await login('taihe:county.admin', PASSWORD);
    const accessToken = tokens?.access_token ?? '';
    expect(decodeProtectedHeader(accessToken).typ).toBe('at+jwt');
    const { payload } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(provider.jwksUrl)), {
      issuer: provider.issuer,
      audience: COUNTY_API_RESOURCE,
    });
    expect(payload.client_id).toBe(OIDC_WEB_CLIENT_ID);
    expect(payload.username).toBe('taihe:county.admin');
    // The provider's own account id, not a username and not the Cognito-protocol issuer's sub.
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens?.refresh_token).toBeTruthy();
  });

  it('refuses a wrong password on its login screen and says so', async () => {
    const result = await login('taihe:county.admin', 'not-the-password');
    expect(result.tokens).toBeUndefined();
    expect(result.loginStatus).toBe(401);
    expect(result.loginPage).toContain('用户名或密码错误');
  });

  it('refuses an unknown username with the same answer as a wrong password', async () => {
    const result = await login('taihe:nobody', PASSWORD);
    expect(result.loginStatus).toBe(401);
    expect(result.loginPage).toContain('用户名或密码错误');
  });

  it('does not send a code to a redirect URI of a county that does not accept it', async () => {
    await expect(
      login('taihe:county.admin', PASSWORD, `${WEB_ORIGIN}/linquan/auth/callback`),
    ).rejects.toThrow(/400/);
  });

  it('lets the web origin call the token endpoint across origins, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${provider.issuer}/token`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight(WEB_ORIGIN);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    const foreign = await preflight('http://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const exchange = await fetch(`${provider.issuer}/token`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: OIDC_WEB_CLIENT_ID,
      }),
    });
    expect(exchange.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('requires PKCE: an authorization request without a code challenge is refused', async () => {
    const authorize = new URL(`${provider.issuer}/auth`);
    authorize.search = new URLSearchParams({
      client_id: OIDC_WEB_CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'openid',
    }).toString();
    const response = await fetch(authorize, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', provider.issuer);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('keeps its signing key and its accounts across a restart, so tokens and logins survive `npm start` twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gridsafe-oidc-'));
    const options = { port: 0, webOrigins: [WEB_ORIGIN], tenants: ['taihe'], dataDir };
    const jwks = async (issuer: LocalOidcProvider) =>
      (await (await fetch(issuer.jwksUrl)).json()) as { keys: { kid: string }[] };
    try {
      const first = await startOidcProvider(options);
      const before = await jwks(first);
      const account = first.ensureAccount('taihe:grid.member', PASSWORD);
      await first.close();

      const second = await startOidcProvider(options);
      try {
        expect((await jwks(second)).keys.map((key) => key.kid)).toEqual(before.keys.map((key) => key.kid));
        // Seeding again adds nothing: the same account, with the password it had.
        expect(second.ensureAccount('taihe:grid.member', 'another-password').id).toBe(account.id);
        const { tokens } = await codeFlowLogin({
          issuer: second.issuer,
          clientId: OIDC_WEB_CLIENT_ID,
          redirectUri: REDIRECT_URI,
          username: 'taihe:grid.member',
          password: PASSWORD,
        });
        expect(tokens?.access_token).toBeTruthy();
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

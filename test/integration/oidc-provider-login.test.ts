import { DEFAULT_PROVIDER_ID } from '@gridsafe/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_OIDC_PROVIDER_ID } from '../../scripts/local/config.ts';
import {
  COUNTY_API_RESOURCE,
  type LocalOidcProvider,
  OIDC_WEB_CLIENT_ID,
  startOidcProvider,
} from '../../scripts/local/oidc-provider.ts';
import { startTestApi, uniqueTenant } from '../support/harness.ts';
import { codeFlowLogin } from '../support/oidc-code-flow.ts';
import { defaultProviderOf } from '../support/test-issuers.ts';

/**
 * The contract between the local OpenID provider and the county API, without a browser: real tokens from the
 * certified provider (code flow + PKCE), verified by the API's real verifier, linked by the county's records.
 */
const county = uniqueTenant('oa'); // accepts the password issuer and the OpenID provider
const passwordOnly = uniqueTenant('ob'); // accepts the password issuer only
const WEB_ORIGIN = 'http://localhost:3999';
const PASSWORD = 'Provider-login-2026';

let provider: LocalOidcProvider;
let api: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  provider = await startOidcProvider({ port: 0, webOrigins: [WEB_ORIGIN], tenants: [county, passwordOnly] });
  api = await startTestApi({
    tenants: [county, passwordOnly],
    authProviders: (services) => ({
      providers: [
        defaultProviderOf(services),
        {
          id: LOCAL_OIDC_PROVIDER_ID,
          name: '统一身份认证登录',
          issuer: provider.issuer,
          clientId: OIDC_WEB_CLIENT_ID,
          audience: COUNTY_API_RESOURCE,
          usernameClaim: 'username',
          passwordLogin: false,
          codeFlow: true,
        },
      ],
      counties: { [county]: [DEFAULT_PROVIDER_ID, LOCAL_OIDC_PROVIDER_ID] },
      defaultAccepted: [DEFAULT_PROVIDER_ID],
    }),
  });
  for (const tenant of [county, passwordOnly]) await api.createUser(tenant, 'county.admin', 'county_admin');
});

afterAll(async () => {
  await provider?.close();
});

async function providerToken(username: string, tenantOfCallback = county): Promise<string> {
  provider.ensureAccount(username, PASSWORD);
  const { tokens } = await codeFlowLogin({
    issuer: provider.issuer,
    clientId: OIDC_WEB_CLIENT_ID,
    redirectUri: `${WEB_ORIGIN}/${tenantOfCallback}/auth/callback`,
    username,
    password: PASSWORD,
  });
  if (!tokens) throw new Error(`the provider refused ${username}`);
  return tokens.access_token;
}

async function me(tenant: string, token: string) {
  const response = await api.app.request(`/t/${tenant}/api/v1/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as { username?: string; role?: string; code?: string },
  };
}

describe('signing in to a county through the local OpenID provider', () => {
  it('lists the provider in the auth-config of a county that accepts it, and not in one that does not', async () => {
    const config = async (tenant: string) =>
      (await (await api.app.request(`/t/${tenant}/api/v1/auth-config`)).json()) as {
        providers: { id: string; issuer: string }[];
      };
    expect((await config(county)).providers).toEqual([
      expect.objectContaining({ id: LOCAL_OIDC_PROVIDER_ID, issuer: provider.issuer }),
    ]);
    expect((await config(passwordOnly)).providers).toEqual([]);
  });

  it("links the provider's account to the county's person by the tenant-qualified username, and keeps it linked", async () => {
    const first = await me(county, await providerToken(`${county}:county.admin`));
    expect(first).toMatchObject({ status: 200, body: { username: 'county.admin', role: 'county_admin' } });
    const again = await me(county, await providerToken(`${county}:county.admin`));
    expect(again).toMatchObject({ status: 200, body: { username: 'county.admin' } });
  });

  it('answers 403 not_linked to an account whose username names nobody in the county', async () => {
    const answer = await me(county, await providerToken(`${county}:not.added.yet`));
    expect(answer).toMatchObject({ status: 403, body: { code: 'not_linked' } });
  });

  it('never links an account named for another county, though that county has a person of that name', async () => {
    const answer = await me(county, await providerToken(`${passwordOnly}:county.admin`));
    expect(answer.status).toBe(403);
    expect(answer.body.username).toBeUndefined();
  });

  it("refuses the provider's tokens in a county that does not accept the provider", async () => {
    const answer = await me(passwordOnly, await providerToken(`${passwordOnly}:county.admin`, passwordOnly));
    expect([401, 403]).toContain(answer.status);
    expect(answer.body.username).toBeUndefined();
  });
});

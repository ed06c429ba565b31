import * as oauth from 'oauth4webapi';
import type { CodeFlowProvider } from './auth-config.ts';

/**
 * Sign-in through a county's OpenID provider: the authorization code flow with PKCE (S256), state and nonce, by
 * oauth4webapi (a small, certified client that runs in the browser). No client secret: the app is a public client.
 */

/** The provider a session's tokens came from, kept with the session so refreshes go back to it. */
export interface ProviderRef {
  id: string;
  issuer: string;
  clientId: string;
}

export interface CodeFlowTokens {
  accessToken: string;
  /** Empty when the provider issues none: the session then ends with the access token. */
  refreshToken: string;
  expiresIn: number;
}

/** What the callback needs to finish what this tab started; one sign-in at a time per tab. */
interface PendingSignIn {
  tenant: string;
  provider: ProviderRef;
  redirectUri: string;
  verifier: string;
  state: string;
  nonce: string;
  next?: string;
}

const PENDING_KEY = 'gridsafe.pendingSignIn';
const SCOPE = 'openid';

/** Thrown when the provider refuses (a cancelled login, a used code, an expired refresh token). */
export class CodeFlowRefusedError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Plain http only to a provider on this machine (the local stack); anywhere else HTTPS, as the library insists. */
function requestOptions(issuer: URL) {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
  return loopback && issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
}

async function discover(issuerUrl: string): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(issuerUrl);
  const response = await oauth.discoveryRequest(issuer, requestOptions(issuer));
  return oauth.processDiscoveryResponse(issuer, response);
}

export function callbackUri(tenant: string): string {
  return `${window.location.origin}/${tenant}/auth/callback`;
}

/** Sends the browser to the provider's login screen; returns only if it cannot (then it throws). */
export async function startCodeFlow(
  tenant: string,
  provider: CodeFlowProvider,
  next?: string,
): Promise<void> {
  const as = await discover(provider.issuer);
  if (!as.authorization_endpoint) throw new Error('the provider has no authorization endpoint');
  const pending: PendingSignIn = {
    tenant,
    provider: { id: provider.id, issuer: provider.issuer, clientId: provider.clientId },
    redirectUri: callbackUri(tenant),
    verifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    ...(next ? { next } : {}),
  };
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: provider.clientId,
    redirect_uri: pending.redirectUri,
    response_type: 'code',
    scope: SCOPE,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    // A county office PC is shared: each sign-in asks for the password again rather than reusing whoever
    // signed in at the provider last.
    prompt: 'login',
  }).toString();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(url.href);
}

/**
 * Finishes the sign-in on the callback page: checks the state, exchanges the code with the verifier, checks the
 * ID token's nonce. The pending sign-in is used once, whatever happens.
 */
export async function finishCodeFlow(
  tenant: string,
  callbackUrl: URL,
): Promise<{ tokens: CodeFlowTokens; provider: ProviderRef; next?: string }> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = raw ? (JSON.parse(raw) as PendingSignIn) : undefined;
  if (!pending || pending.tenant !== tenant) throw new CodeFlowRefusedError('no_pending_sign_in');
  const as = await discover(pending.provider.issuer);
  const client: oauth.Client = { client_id: pending.provider.clientId };
  let parameters: URLSearchParams;
  try {
    parameters = oauth.validateAuthResponse(as, client, callbackUrl, pending.state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) throw new CodeFlowRefusedError(error.error);
    throw error;
  }
  const issuer = new URL(pending.provider.issuer);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    pending.redirectUri,
    pending.verifier,
    requestOptions(issuer),
  );
  const result = await processTokens(() =>
    oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    }),
  );
  return { tokens: result, provider: pending.provider, ...(pending.next ? { next: pending.next } : {}) };
}

/** A new access token from the provider's refresh token; CodeFlowRefusedError when the provider says no. */
export async function refreshWithProvider(
  provider: ProviderRef,
  refreshToken: string,
): Promise<CodeFlowTokens> {
  const as = await discover(provider.issuer);
  const client: oauth.Client = { client_id: provider.clientId };
  const response = await oauth.refreshTokenGrantRequest(
    as,
    client,
    oauth.None(),
    refreshToken,
    requestOptions(new URL(provider.issuer)),
  );
  const tokens = await processTokens(() => oauth.processRefreshTokenResponse(as, client, response));
  // Providers rotate refresh tokens for public clients; one that does not keeps the old one valid.
  return { ...tokens, refreshToken: tokens.refreshToken || refreshToken };
}

/** Ends the refresh token at the provider (signing out); the provider's answer changes nothing here. */
export async function revokeAtProvider(provider: ProviderRef, refreshToken: string): Promise<void> {
  const as = await discover(provider.issuer);
  if (!as.revocation_endpoint) return;
  const client: oauth.Client = { client_id: provider.clientId };
  const response = await oauth.revocationRequest(
    as,
    client,
    oauth.None(),
    refreshToken,
    requestOptions(new URL(provider.issuer)),
  );
  await oauth.processRevocationResponse(response);
}

async function processTokens(process: () => Promise<oauth.TokenEndpointResponse>): Promise<CodeFlowTokens> {
  try {
    const result = await process();
    return {
      accessToken: result.access_token,
      refreshToken: result.refresh_token ?? '',
      expiresIn: result.expires_in ?? 300,
    };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) throw new CodeFlowRefusedError(error.error);
    throw error;
  }
}

import * as oauth from 'oauth4webapi';

/** What a login through the local OpenID provider answers, or where it stopped. */
export interface CodeFlowResult {
  /** The provider's status for the password form (200 when it let the person through, 401 when it refused). */
  loginStatus: number;
  loginPage: string;
  tokens?: oauth.TokenEndpointResponse;
}

/**
 * The authorization code flow with PKCE as a browser would walk it, without a browser: the same client library
 * the web app uses for discovery, the challenge and the token exchange, and plain fetch with a cookie jar for the
 * provider's login screen. Integration tests use it to get real tokens from the real provider.
 */
export async function codeFlowLogin(options: {
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  resource?: string;
}): Promise<CodeFlowResult> {
  const issuer = new URL(options.issuer);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  const client: oauth.Client = { client_id: options.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const authorize = new URL(as.authorization_endpoint ?? '');
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    scope: 'openid',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.resource ? { resource: options.resource } : {}),
  }).toString();

  const jar = new Map<string, string>();
  const send = async (url: URL, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  };
  const follow = async (response: Response, base: URL): Promise<{ response: Response; url: URL }> => {
    let current = response;
    let url = base;
    while (current.status >= 300 && current.status < 400) {
      url = new URL(current.headers.get('location') ?? '', url);
      if (url.href.startsWith(options.redirectUri)) return { response: current, url };
      current = await send(url);
    }
    return { response: current, url };
  };

  const { response: loginForm, url: loginUrl } = await follow(await send(authorize), authorize);
  if (loginForm.status !== 200)
    throw new Error(`the provider answered ${loginForm.status} instead of its login screen`);
  const action = /action="([^"]+)"/.exec(await loginForm.text())?.[1];
  if (!action) throw new Error('no login form on the provider screen');
  const submitted = await send(new URL(action, loginUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: options.username, password: options.password }).toString(),
  });
  if (submitted.status < 300 || submitted.status >= 400) {
    return { loginStatus: submitted.status, loginPage: await submitted.text() };
  }
  const { url: callback } = await follow(submitted, new URL(action, loginUrl));
  if (!callback.href.startsWith(options.redirectUri)) throw new Error(`the flow ended at ${callback.href}`);
  const parameters = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    options.redirectUri,
    verifier,
    {
      ...insecure,
      ...(options.resource ? { additionalParameters: { resource: options.resource } } : {}),
    },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: nonce,
    requireIdToken: true,
  });
  return { loginStatus: 200, loginPage: '', tokens };
}

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type Configuration, errors, type KoaContextWithOIDC } from 'oidc-provider';
import { LOCAL_OIDC_AUDIENCE, LOCAL_OIDC_CLIENT_ID } from './config.ts';
import { type OidcAccount, OidcAccountStore } from './oidc-accounts.ts';
import { errorScreen, loginScreen } from './oidc-login-page.ts';

/**
 * A certified OpenID provider on one machine (panva's `oidc-provider`), standing in for what a China cell runs:
 * Keycloak, a province's 统一身份认证 platform, a domestic IDaaS. The web app signs in through it with the
 * authorization code flow and PKCE; the county API receives RFC 9068 JWT access tokens for its own audience.
 * Its development login (which accepts any password) is off: the login screen below checks the password
 * against the provider's own account store.
 */
export const OIDC_WEB_CLIENT_ID = LOCAL_OIDC_CLIENT_ID;
/** The county APIs' audience: one resource for every county, since which county a person belongs to is the county's own data. */
export const COUNTY_API_RESOURCE = LOCAL_OIDC_AUDIENCE;
const ACCESS_TOKEN_SECONDS = 3600;

export interface OidcProviderOptions {
  port: number;
  host?: string;
  /** Keys, cookie secrets and accounts are kept here between runs; absent keeps everything in memory (tests). */
  dataDir?: string;
  /** Origins the web app is served from: its token requests may come from there, and nowhere else. */
  webOrigins: string[];
  /** Counties that accept this provider: each gets `<origin>/<county>/auth/callback` as a redirect URI. */
  tenants: string[];
  /** Called with anything the provider reports as a server error (the stack logs it). */
  onServerError?: (error: unknown) => void;
}

export interface LocalOidcProvider {
  /** The issuer identifier; its discovery document is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  jwksUrl: string;
  /** Adds an account (`<county>:<username>`) unless that username exists already. */
  ensureAccount(username: string, password: string): OidcAccount;
  close(): Promise<void>;
}

export async function startOidcProvider(options: OidcProviderOptions): Promise<LocalOidcProvider> {
  const host = options.host ?? '127.0.0.1';
  const accounts = new OidcAccountStore(options.dataDir ? join(options.dataDir, 'accounts.json') : undefined);
  const { signingKey, cookieKeys } = await loadOrCreateSecrets(options.dataDir);

  // The issuer names the port, so listen first (a test asks for port 0) and attach the provider after.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // 127.0.0.1 rather than localhost: the app is served on localhost, and cookies ignore ports, so a distinct
  // host keeps the provider's session cookies apart from anything of the app's, as two real sites would be.
  const issuer = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const redirectUris = options.webOrigins.flatMap((origin) =>
    options.tenants.map((tenant) => `${origin}/${tenant}/auth/callback`),
  );

  const configuration: Configuration = {
    clients: [
      {
        client_id: OIDC_WEB_CLIENT_ID,
        client_name: '网格安全',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: redirectUris,
        post_logout_redirect_uris: options.webOrigins.map((origin) => `${origin}/`),
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: cookieKeys },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => COUNTY_API_RESOURCE,
        // The web asks for the county API when it signs in; refreshes and code exchanges may leave it out.
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== COUNTY_API_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: 'county',
            audience: COUNTY_API_RESOURCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_SECONDS,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // The username the county API links a first login by. The provider sets it from its own store; a person
    // cannot edit it, unlike profile claims.
    extraTokenClaims: async (_ctx, token) => {
      const account = 'accountId' in token ? accounts.byId(token.accountId) : undefined;
      return account ? { username: account.username } : undefined;
    },
    findAccount: async (_ctx, sub) => {
      const account = accounts.byId(sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: async () => ({ sub: account.id, preferred_username: account.username }),
      };
    },
    // Refresh tokens for the app's own client without `offline_access` (which OIDC only honours with a
    // consent prompt): they end with the provider's session, so signing out there ends them too.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The app is first-party: its grant is given, never asked for on a consent screen.
    loadExistingGrant: async (ctx) => firstPartyGrant(ctx),
    clientBasedCORS: (_ctx, origin) => options.webOrigins.includes(origin),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorScreen(
        '无法完成登录',
        `${out.error}${out.error_description ? `: ${out.error_description}` : ''}`,
      );
    },
    ttl: {
      AccessToken: ACCESS_TOKEN_SECONDS,
      AuthorizationCode: 60,
      Grant: 14 * 86_400,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: 14 * 86_400,
      Session: 14 * 86_400,
    },
  };

  const provider = new Provider(issuer, configuration);
  if (options.onServerError) provider.on('server_error', (_ctx, error) => options.onServerError?.(error));
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [, uid = '', action = ''] = /^\/interaction\/([^/]+)(?:\/([a-z]+))?$/.exec(path) ?? [];
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
    const client = await provider.Client.find(String(details.params.client_id ?? ''));
    const clientName = client?.clientName ?? String(details.params.client_id ?? '');
    if (req.method === 'GET' && action === '') {
      return sendHtml(res, 200, loginScreen({ uid, clientName }));
    }
    if (req.method === 'GET' && action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: '用户取消了登录' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (req.method === 'POST' && action === 'login') {
      const form = new URLSearchParams(await readBody(req));
      const username = (form.get('username') ?? '').trim();
      const account = accounts.verify(username, form.get('password') ?? '');
      if (!account) {
        return sendHtml(res, 401, loginScreen({ uid, clientName, username, error: '用户名或密码错误' }));
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: account.id } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    res.writeHead(405).end();
  }

  handle = (req, res) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    // The token endpoint's preflight also answers only the app's own origins (the provider's own CORS helper
    // checks the actual request; a refused preflight stops a foreign page before it sends anything).
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && path === '/token' && origin && !options.webOrigins.includes(origin)) {
      res.writeHead(403).end();
      return;
    }
    // Browsers ask every page's origin for an icon; an empty answer keeps a 404 out of their consoles.
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (path.startsWith('/interaction/')) {
      res.setHeader('cache-control', 'no-store');
      interaction(req, res, path).catch((error: unknown) => {
        if (res.headersSent) return;
        const expired = error instanceof errors.SessionNotFound;
        if (!expired) options.onServerError?.(error);
        sendHtml(
          res,
          expired ? 400 : 500,
          errorScreen(
            '登录已失效',
            expired ? '这次登录已超时或已完成,请回到应用重新点击登录。' : '服务器出错,请稍后重试。',
          ),
        );
      });
      return;
    }
    void callback(req, res);
  };

  return {
    issuer,
    clientId: OIDC_WEB_CLIENT_ID,
    jwksUrl: `${issuer}/jwks`,
    ensureAccount: (username, password) => accounts.ensure(username, password),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The grant the app's own client always gets: sign-in and the county API, nothing a consent screen would add. */
async function firstPartyGrant(ctx: KoaContextWithOIDC) {
  const { provider, client, session, result } = ctx.oidc;
  const grantId = result?.consent?.grantId ?? (client ? session?.grantIdFor(client.clientId) : undefined);
  const existing = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!client || client.clientId !== OIDC_WEB_CLIENT_ID || !session?.accountId) return existing;
  const grant = existing ?? new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
  grant.addOIDCScope('openid profile offline_access');
  grant.addResourceScope(COUNTY_API_RESOURCE, 'county');
  await grant.save();
  return grant;
}

function sendHtml(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // A login form is a few hundred bytes; anything far larger is not one.
      if (size > 64 * 1024) req.destroy(new Error('login form too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The signing key and cookie secrets, made on the first run and kept, so tokens and sessions survive a restart. */
async function loadOrCreateSecrets(
  dataDir: string | undefined,
): Promise<{ signingKey: JWK; cookieKeys: string[] }> {
  const file = dataDir ? join(dataDir, 'secrets.json') : undefined;
  if (file && existsSync(file))
    return JSON.parse(readFileSync(file, 'utf8')) as { signingKey: JWK; cookieKeys: string[] };
  const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const signingKey = await exportJWK(pair.privateKey);
  signingKey.kid = await calculateJwkThumbprint(signingKey);
  signingKey.alg = 'RS256';
  signingKey.use = 'sig';
  const secrets = { signingKey, cookieKeys: [randomBytes(32).toString('base64url')] };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  }
  return secrets;
}

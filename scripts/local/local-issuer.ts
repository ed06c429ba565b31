import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { hashPassword, newTotpSecret, verifyPassword, verifyTotp } from '@gridsafe/identity';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';

/**
 * A small, real token issuer for one machine. It speaks the subset of the Cognito Identity Provider JSON
 * protocol that Gridsafe uses (InitiateAuth with USER_PASSWORD_AUTH / REFRESH_TOKEN_AUTH, RespondToAuthChallenge
 * for NEW_PASSWORD_REQUIRED and SOFTWARE_TOKEN_MFA, AssociateSoftwareToken / VerifySoftwareToken /
 * SetUserMFAPreference, RevokeToken, AdminCreateUser (with a temporary password), AdminSetUserPassword, AdminUserGlobalSignOut, AdminUpdateUserAttributes, AdminGetUser, AdminEnable/DisableUser, ListUsers by username
 * prefix), signs RS256 access tokens shaped like Cognito's, and serves its JWKS. The API therefore uses the AWS SDK's Cognito client and
 * the same JWKS verifier locally as in AWS. Like Cognito's, its access tokens carry who (`sub`, the pool
 * `username`) and nothing about roles or counties: those come from the county's records. Chosen over `cognito-local` (148 MB of AWS SDK v2
 * dependencies, a hard-coded discovery address) because this is ~250 lines we fully control.
 */
export interface LocalIssuerOptions {
  port: number;
  /** The web app's origin, the only one answered with CORS headers; without it, none is. */
  webOrigin?: string;
  /** Directory for users and the signing key; absent keeps everything in memory (tests). */
  dataDir?: string;
  userPoolId?: string;
  clientId?: string;
  accessTokenSeconds?: number;
  /**
   * Called on every password hash comparison. Tests count the calls to show that an unknown username costs the
   * same hash as a wrong password (timing would be a flaky proof on a shared machine).
   */
  onPasswordHash?: () => void;
  /**
   * Usernames starting with one of these must have TOTP, like a pool with MFA required (the vendor's operator
   * pool): a login without it answers MFA_SETUP.
   */
  mfaRequiredForPrefixes?: readonly string[];
}

interface StoredUser {
  username: string;
  sub: string;
  enabled: boolean;
  passwordHash?: string;
  /** Cognito's FORCE_CHANGE_PASSWORD: the password was handed over (onboarding, reset) and must be replaced. */
  status?: 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD';
  /** A TOTP secret; `enabled` once verified and chosen with SetUserMFAPreference. */
  totp?: { secret: string; verified: boolean; enabled: boolean };
  attributes: Record<string, string>;
  createdAt: string;
}

interface StoredRefresh {
  username: string;
  expiresAt: number;
}

interface IssuerState {
  users: Record<string, StoredUser>;
  refreshTokens: Record<string, StoredRefresh>;
}

export interface LocalIssuer {
  url: string;
  issuer: string;
  jwksUrl: string;
  userPoolId: string;
  clientId: string;
  close(): Promise<void>;
}

/** How `createRuntimeDeps` is told of a local issuer: its user pool, client, endpoint, issuer and keys. */
export function issuerRuntimeConfig(issuer: Omit<LocalIssuer, 'close'>) {
  return {
    userPoolId: issuer.userPoolId,
    userPoolClientId: issuer.clientId,
    cognitoEndpoint: issuer.url,
    authIssuer: issuer.issuer,
    authJwksUrl: issuer.jwksUrl,
  };
}

class CognitoProtocolError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  // It signs any county's tokens: reachable from this machine only, whatever address the web app listens on.
  const host = '127.0.0.1';
  const userPoolId = options.userPoolId ?? 'local_gridsafe';
  const clientId = options.clientId ?? 'gridsafe-local-client';
  const accessTokenSeconds = options.accessTokenSeconds ?? 3600;
  const { privateKey, publicJwk, publicKey } = await loadOrCreateKey(options.dataDir);
  const state = loadState(options.dataDir);
  const save = () => persistState(options.dataDir, state);
  // Compared against when the username is unknown, so an unknown name costs the same scrypt as a wrong password.
  const dummyHash = hashPassword(randomBytes(16).toString('base64'));
  const checkPassword = (password: string, stored: string | undefined) => {
    options.onPasswordHash?.();
    return verifyPassword(password, stored ?? dummyHash);
  };
  // Pending challenges live in memory only: Cognito's sessions last 3 minutes, a restart simply ends them.
  const challenges = new Map<string, { username: string; name: string; expiresAt: number }>();
  const openChallenge = (user: StoredUser, name: string) => {
    const session = randomBytes(32).toString('base64url');
    challenges.set(session, { username: user.username, name, expiresAt: Date.now() + 180_000 });
    return {
      ChallengeName: name,
      Session: session,
      ChallengeParameters: { USER_ID_FOR_SRP: user.username, USERNAME: user.username },
    };
  };

  let issuer = '';
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const known = error instanceof CognitoProtocolError;
      const type = known ? error.type : 'InternalErrorException';
      const body = JSON.stringify({ __type: type, message: (error as Error).message });
      res.writeHead(known ? 400 : 500, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': type,
      });
      res.end(body);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // CORS for the web app's own origin only: another page a demo user visits cannot call the issuer.
    const crossOrigin = options.webOrigin !== undefined && req.headers.origin === options.webOrigin;
    if (crossOrigin) {
      res.setHeader('access-control-allow-origin', options.webOrigin as string);
      res.setHeader('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      if (crossOrigin) {
        res.setHeader('access-control-allow-methods', 'GET, POST');
        res.setHeader('access-control-allow-headers', 'content-type, x-amz-target');
      }
      res.writeHead(crossOrigin ? 204 : 403).end();
      return;
    }
    if (req.method === 'GET' && req.url === `/${userPoolId}/.well-known/jwks.json`) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify({ keys: [publicJwk] }));
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    if (req.method !== 'POST' || !target.startsWith('AWSCognitoIdentityProviderService.')) {
      res.writeHead(404).end();
      return;
    }
    const input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
    const output = await dispatch(target.slice('AWSCognitoIdentityProviderService.'.length), input);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(output));
  }

  async function dispatch(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'InitiateAuth':
        return initiateAuth(input);
      case 'AdminCreateUser': {
        const username = requireString(input, 'Username');
        if (state.users[username])
          throw new CognitoProtocolError('UsernameExistsException', 'User account already exists.');
        const user: StoredUser = {
          username,
          sub: randomUUID(),
          enabled: true,
          attributes: attributesFrom(input.UserAttributes),
          createdAt: new Date().toISOString(),
        };
        // Like Cognito: a TemporaryPassword puts the user in FORCE_CHANGE_PASSWORD until the first login.
        if (typeof input.TemporaryPassword === 'string' && input.TemporaryPassword !== '') {
          user.passwordHash = hashPassword(input.TemporaryPassword);
          user.status = 'FORCE_CHANGE_PASSWORD';
        }
        state.users[username] = user;
        save();
        return { User: describeUser(user) };
      }
      case 'AdminSetUserPassword': {
        const user = requireUser(input);
        user.passwordHash = hashPassword(requireString(input, 'Password'));
        user.status = input.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD';
        save();
        return {};
      }
      case 'AdminUserGlobalSignOut': {
        // Like Cognito: every refresh token of the user stops working; access tokens live out their time.
        revokeRefreshTokens(requireUser(input).username);
        save();
        return {};
      }
      case 'AdminUpdateUserAttributes': {
        const user = requireUser(input);
        Object.assign(user.attributes, attributesFrom(input.UserAttributes));
        save();
        return {};
      }
      case 'AdminGetUser': {
        const user = requireUser(input);
        return {
          Username: user.username,
          UserAttributes: describeUser(user).Attributes,
          Enabled: user.enabled,
          UserStatus: user.status ?? 'CONFIRMED',
          UserMFASettingList: user.totp?.enabled ? ['SOFTWARE_TOKEN_MFA'] : [],
        };
      }
      case 'AdminEnableUser':
      case 'AdminDisableUser': {
        const user = requireUser(input);
        user.enabled = operation === 'AdminEnableUser';
        if (!user.enabled) revokeRefreshTokens(user.username);
        save();
        return {};
      }
      case 'ListUsers':
        return listUsers(input);
      case 'RespondToAuthChallenge':
        return respondToAuthChallenge(input);
      case 'RevokeToken': {
        if (input.ClientId !== clientId)
          throw new CognitoProtocolError('UnauthorizedException', 'Unknown client.');
        // Cognito answers success for a token it does not know, so revocation reveals nothing either.
        delete state.refreshTokens[requireString(input, 'Token')];
        save();
        return {};
      }
      case 'AssociateSoftwareToken': {
        // With an access token (a signed-in person adds TOTP) or with the session of an MFA_SETUP challenge.
        const user = input.Session ? userOfSetupSession(input) : await userOfAccessToken(input);
        user.totp = { secret: newTotpSecret(), verified: false, enabled: user.totp?.enabled ?? false };
        save();
        return { SecretCode: user.totp.secret, ...(input.Session ? { Session: input.Session } : {}) };
      }
      case 'VerifySoftwareToken': {
        const user = input.Session ? userOfSetupSession(input) : await userOfAccessToken(input);
        if (!user.totp || !verifyTotp(user.totp.secret, requireString(input, 'UserCode'))) {
          throw new CognitoProtocolError('EnableSoftwareTokenMFAException', 'Code mismatch');
        }
        user.totp.verified = true;
        // Cognito makes a verified token the user's MFA when it was set up during an MFA_SETUP challenge.
        if (input.Session) user.totp.enabled = true;
        save();
        return { Status: 'SUCCESS', ...(input.Session ? { Session: input.Session } : {}) };
      }
      case 'SetUserMFAPreference':
      case 'AdminSetUserMFAPreference': {
        const user =
          operation === 'SetUserMFAPreference' ? await userOfAccessToken(input) : requireUser(input);
        const settings = (input.SoftwareTokenMfaSettings ?? {}) as { Enabled?: boolean };
        if (settings.Enabled && !user.totp?.verified) {
          throw new CognitoProtocolError(
            'InvalidParameterException',
            'User has not verified software token mfa',
          );
        }
        if (user.totp) user.totp.enabled = settings.Enabled === true;
        save();
        return {};
      }
      default:
        throw new CognitoProtocolError(
          'InvalidParameterException',
          `Operation ${operation} is not supported locally.`,
        );
    }
  }

  async function initiateAuth(input: Record<string, unknown>): Promise<unknown> {
    if (input.ClientId !== clientId)
      throw new CognitoProtocolError('ResourceNotFoundException', 'Unknown client.');
    const parameters = (input.AuthParameters ?? {}) as Record<string, string>;
    if (input.AuthFlow === 'USER_PASSWORD_AUTH') {
      const user = state.users[parameters.USERNAME ?? ''];
      // Same answer and the same work for an unknown user and a wrong password (Cognito's
      // PreventUserExistenceErrors): the hash runs first, whatever the lookup found.
      const passwordMatches = checkPassword(parameters.PASSWORD ?? '', user?.passwordHash);
      if (!user?.enabled || !user.passwordHash || !passwordMatches) {
        throw new CognitoProtocolError('NotAuthorizedException', 'Incorrect username or password.');
      }
      return nextStep(user);
    }
    if (input.AuthFlow === 'REFRESH_TOKEN_AUTH') {
      const stored = state.refreshTokens[parameters.REFRESH_TOKEN ?? ''];
      const user = stored ? state.users[stored.username] : undefined;
      if (!stored || stored.expiresAt < Date.now() || !user?.enabled) {
        throw new CognitoProtocolError('NotAuthorizedException', 'Invalid Refresh Token');
      }
      const { RefreshToken: _omitted, ...rest } = await tokensFor(user, undefined);
      return { AuthenticationResult: rest };
    }
    throw new CognitoProtocolError('InvalidParameterException', 'Unsupported AuthFlow.');
  }

  /** After the password: a forced change first, then the second factor, then tokens. */
  async function nextStep(user: StoredUser) {
    if (user.status === 'FORCE_CHANGE_PASSWORD') return openChallenge(user, 'NEW_PASSWORD_REQUIRED');
    if (user.totp?.enabled) return openChallenge(user, 'SOFTWARE_TOKEN_MFA');
    if (options.mfaRequiredForPrefixes?.some((prefix) => user.username.startsWith(prefix))) {
      return openChallenge(user, 'MFA_SETUP');
    }
    return signedIn(user);
  }

  /** Tokens and a new 30-day refresh token: the end of every successful login, with or without challenges. */
  async function signedIn(user: StoredUser) {
    const refreshToken = randomBytes(48).toString('base64url');
    state.refreshTokens[refreshToken] = { username: user.username, expiresAt: Date.now() + 30 * 86_400_000 };
    save();
    return { AuthenticationResult: await tokensFor(user, refreshToken) };
  }

  async function respondToAuthChallenge(input: Record<string, unknown>) {
    if (input.ClientId !== clientId)
      throw new CognitoProtocolError('ResourceNotFoundException', 'Unknown client.');
    const session = requireString(input, 'Session');
    const pending = challenges.get(session);
    const responses = (input.ChallengeResponses ?? {}) as Record<string, string>;
    const user = pending ? state.users[pending.username] : undefined;
    if (
      !pending ||
      pending.expiresAt < Date.now() ||
      pending.name !== input.ChallengeName ||
      responses.USERNAME !== pending.username ||
      !user?.enabled
    ) {
      throw new CognitoProtocolError('NotAuthorizedException', 'Invalid session for the user.');
    }
    if (pending.name === 'NEW_PASSWORD_REQUIRED') {
      const chosen = responses.NEW_PASSWORD ?? '';
      // The pool's policy (infra/src/shared-stack.ts) in its simplest form; the API checks its own first.
      if (chosen.length < 8) {
        throw new CognitoProtocolError('InvalidPasswordException', 'Password does not conform to policy.');
      }
      user.passwordHash = hashPassword(chosen);
      user.status = 'CONFIRMED';
    } else if (pending.name === 'MFA_SETUP') {
      if (!user.totp?.enabled) {
        throw new CognitoProtocolError('InvalidParameterException', 'Software token not verified.');
      }
      challenges.delete(session);
      return signedIn(user);
    } else if (
      !user.totp?.enabled ||
      !verifyTotp(user.totp.secret, responses.SOFTWARE_TOKEN_MFA_CODE ?? '')
    ) {
      // A wrong code keeps the session, as Cognito does for a few attempts.
      throw new CognitoProtocolError('CodeMismatchException', 'Invalid code received for user');
    } else {
      challenges.delete(session);
      return signedIn(user);
    }
    challenges.delete(session);
    save();
    return nextStep(user);
  }

  function userOfSetupSession(input: Record<string, unknown>): StoredUser {
    const pending = challenges.get(requireString(input, 'Session'));
    const user = pending ? state.users[pending.username] : undefined;
    if (pending?.name !== 'MFA_SETUP' || pending.expiresAt < Date.now() || !user?.enabled) {
      throw new CognitoProtocolError('NotAuthorizedException', 'Invalid session for the user.');
    }
    return user;
  }

  async function userOfAccessToken(input: Record<string, unknown>): Promise<StoredUser> {
    try {
      const { payload } = await jwtVerify(requireString(input, 'AccessToken'), publicKey, { issuer });
      const user = state.users[String(payload.username ?? '')];
      if (user?.enabled && user.sub === payload.sub) return user;
    } catch {
      // answered below, like an unknown user
    }
    throw new CognitoProtocolError('NotAuthorizedException', 'Invalid Access Token');
  }

  async function tokensFor(user: StoredUser, refreshToken: string | undefined) {
    const now = Math.floor(Date.now() / 1000);
    const accessToken = await new SignJWT({
      client_id: clientId,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: now,
      username: user.username,
      origin_jti: randomUUID(),
    })
      .setProtectedHeader({ alg: 'RS256', kid: publicJwk.kid as string })
      .setSubject(user.sub)
      .setIssuer(issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + accessTokenSeconds)
      .setJti(randomUUID())
      .sign(privateKey);
    return {
      AccessToken: accessToken,
      ExpiresIn: accessTokenSeconds,
      TokenType: 'Bearer',
      RefreshToken: refreshToken,
    };
  }

  /** Cognito's ListUsers, for the one filter Gridsafe uses: `username ^= "<prefix>"`, in pages. */
  function listUsers(input: Record<string, unknown>) {
    const filter = /^username\s*\^=\s*"([^"]*)"$/.exec(String(input.Filter ?? ''));
    if (!filter) {
      throw new CognitoProtocolError(
        'InvalidParameterException',
        'Only username ^= "<prefix>" filters are supported locally.',
      );
    }
    const prefix = filter[1] ?? '';
    const limit = Math.min(Number(input.Limit ?? 60) || 60, 60);
    const after =
      typeof input.PaginationToken === 'string'
        ? Buffer.from(input.PaginationToken, 'base64url').toString('utf8')
        : '';
    const matching = Object.keys(state.users)
      .filter((name) => name.startsWith(prefix) && name > after)
      .sort();
    const page = matching.slice(0, limit);
    return {
      Users: page.map((name) => describeUser(state.users[name] as StoredUser)),
      ...(matching.length > limit
        ? { PaginationToken: Buffer.from(page[page.length - 1] ?? '', 'utf8').toString('base64url') }
        : {}),
    };
  }

  function revokeRefreshTokens(username: string) {
    for (const [token, stored] of Object.entries(state.refreshTokens)) {
      if (stored.username === username) delete state.refreshTokens[token];
    }
  }

  function requireUser(input: Record<string, unknown>): StoredUser {
    const user = state.users[requireString(input, 'Username')];
    if (!user) throw new CognitoProtocolError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  issuer = `${url}/${userPoolId}`;
  return {
    url,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    userPoolId,
    clientId,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describeUser(user: StoredUser) {
  return {
    Username: user.username,
    Enabled: user.enabled,
    UserStatus: user.status ?? 'CONFIRMED',
    Attributes: [
      { Name: 'sub', Value: user.sub },
      ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
    ],
  };
}

function attributesFrom(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of Array.isArray(value) ? value : []) {
    const { Name, Value } = item as { Name?: unknown; Value?: unknown };
    if (typeof Name === 'string' && typeof Value === 'string') result[Name] = Value;
  }
  return result;
}

function requireString(input: Record<string, unknown>, name: string): string {
  const value = input[name];
  if (typeof value !== 'string' || value === '') {
    throw new CognitoProtocolError('InvalidParameterException', `${name} is required.`);
  }
  return value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function loadOrCreateKey(dataDir: string | undefined) {
  const file = dataDir ? join(dataDir, 'signing-key.json') : undefined;
  let privateJwk: JWK;
  if (file && existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const pair = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
    privateJwk = await exportJWK(pair.privateKey);
    privateJwk.kid = await calculateJwkThumbprint(privateJwk);
    if (file && dataDir) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'RS256');
  const publicKey = await importJWK({ ...publicJwk, alg: 'RS256' }, 'RS256');
  return { privateKey, publicKey, publicJwk: { ...publicJwk, alg: 'RS256', use: 'sig' } };
}

function loadState(dataDir: string | undefined): IssuerState {
  const file = dataDir ? join(dataDir, 'users.json') : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IssuerState;
  return { users: {}, refreshTokens: {} };
}

function persistState(dataDir: string | undefined, state: IssuerState): void {
  if (!dataDir) return;
  mkdirSync(dataDir, { recursive: true });
  // Write then rename, so a crash mid-write never leaves a truncated user file behind.
  const file = join(dataDir, 'users.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  type DirectoryAccount,
  type DirectoryStore,
  ForbiddenError,
  isTenantId,
  NotFoundError,
  UnauthorizedError,
} from '@gridsafe/core';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from 'jose';
import { COUNTY_KEY_ALGORITHM, countyDirectoryIssuer, tenantOfCountyIssuer } from './county-issuer.ts';
import { CountyKeyCache } from './county-keys.ts';
import type { IdentityProvider, LoginStep, TokenSet, UserAttributesInput } from './identity-provider.ts';
import { hashPasswordAsync, verifyPasswordAsync } from './password-hash.ts';
import { newTotpSecret, verifyTotp } from './totp.ts';

export interface CountyDirectoryOptions {
  /** The store of one county; called per request, so it should be cheap (a TenantStore wrapper). */
  storeFor(tenant: string): DirectoryStore;
  /** The `iss` of the county's tokens: `<base>/t/<tenant>/api/v1` (see `countyDirectoryIssuer`). */
  issuerBase: string;
  /** Carried in `client_id`, checked by the verifier and by API Gateway's JWT authorizer. */
  clientId: string;
  /**
   * An access token's lifetime, per county: shorter than the county's idle time, which only a refresh can
   * enforce (core `accessTokenSecondsFor`). Default five minutes, the shortest idle time allowed.
   */
  accessTokenSeconds?: number | ((tenant: string) => Promise<number>);
  refreshTokenDays?: number;
  now?: () => Date;
  /**
   * The Cognito pool a cell moves from (cells.json `identity: { kind: "directory", formerPool: true }`): a person
   * with no account here yet signs in against it once, and the password it accepted becomes their account here
   * (a lazy migration). A TOTP second factor is asked by the pool at that sign-in, but cannot be copied: the
   * person enrols again where the county requires one.
   */
  former?: IdentityProvider;
  /** Called at every password comparison: tests count them (timing would be a flaky proof on a shared machine). */
  onPasswordHash?: () => void;
  /** The key cache the token verifier uses too, so a key made at a login is trusted at once. */
  keys?: CountyKeyCache;
}

/** The county directory as a token issuer: what the verifier needs to check a county's tokens. */
export interface CountyDirectory extends IdentityProvider {
  /** The key that signed a token of `tenant` with this `kid`, or undefined when the county has no such key. */
  verificationKey(tenant: string, kid: string): Promise<CryptoKey | undefined>;
  /** The county's public keys as a JWKS document (its discovery and API Gateway's authorizer read them). */
  publicJwks(tenant: string): Promise<{ keys: JWK[] }>;
}

const ALGORITHM = COUNTY_KEY_ALGORITHM;
const LOGIN_SESSION_SECONDS = 300;
const WRONG = 'Wrong username or password.';

/**
 * Each county's people in the county's own partition: scrypt password hashes, temporary passwords, TOTP, and
 * tokens signed with the county's own ES256 key (Cognito-shaped access tokens: `token_use: access`, `client_id`,
 * `username`; opaque refresh tokens kept only as SHA-256). It implements the same `IdentityProvider` as Cognito,
 * so `/session`, the lockout, idle sessions and user administration are unchanged; it costs DynamoDB requests,
 * not a price per monthly user (docs/decisions.md, "Identity: each county's own directory").
 *
 * A county's store, and so its accounts and keys, is reached only through its own tenant prefix: in AWS the
 * county role's IAM LeadingKeys condition refuses any other county's items, so no county can read another's
 * hashes or sign another's tokens.
 */
export function createCountyDirectory(options: CountyDirectoryOptions): CountyDirectory {
  const now = options.now ?? (() => new Date());
  const lifetime = async (tenant: string): Promise<number> => {
    const configured = options.accessTokenSeconds;
    return typeof configured === 'function' ? configured(tenant) : (configured ?? 300);
  };
  const refreshSeconds = (options.refreshTokenDays ?? 30) * 86_400;
  const keyCache = options.keys ?? new CountyKeyCache((tenant) => options.storeFor(tenant).signingKeys());
  // An unknown username costs the same scrypt comparison as a wrong password, so timing says nothing about names.
  const dummyHash = hashPasswordAsync(randomUUID());

  const split = (poolUsername: string): { tenant: string; store: DirectoryStore } => {
    const tenant = poolUsername.slice(0, poolUsername.indexOf(':'));
    if (!tenant) throw new UnauthorizedError(WRONG);
    return { tenant, store: options.storeFor(tenant) };
  };

  const keysOf = (tenant: string) => keyCache.keys(tenant);

  /** The county's newest key, made at the county's first login. */
  const signingKey = async (tenant: string): Promise<{ kid: string; key: CryptoKey }> => {
    let keys = await keysOf(tenant);
    if (keys.length === 0) {
      const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = `${tenant}.${await calculateJwkThumbprint(publicJwk)}`;
      keys = await options.storeFor(tenant).addSigningKey({
        kid,
        privateJwk: { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM },
        publicJwk: { ...publicJwk, kid, alg: ALGORITHM, use: 'sig' },
        createdAt: now().toISOString(),
      });
      keyCache.remember(tenant, keys);
    }
    const newest = [...keys].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (!newest) throw new Error(`County ${tenant} has no signing key.`);
    return { kid: newest.kid, key: (await importJWK(newest.privateJwk, ALGORITHM)) as CryptoKey };
  };

  const verificationKey = (tenant: string, kid: string) => keyCache.verificationKey(tenant, kid);

  const sign = async (tenant: string, claims: Record<string, unknown>, seconds: number, typ: string) => {
    const { kid, key } = await signingKey(tenant);
    const issued = Math.floor(now().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid, typ })
      .setIssuer(countyDirectoryIssuer(options.issuerBase, tenant))
      .setIssuedAt(issued)
      .setExpirationTime(issued + seconds)
      .setJti(randomUUID())
      .sign(key);
  };

  const accessToken = async (tenant: string, account: DirectoryAccount, seconds: number) =>
    sign(
      tenant,
      {
        sub: account.sub,
        client_id: options.clientId,
        token_use: 'access',
        username: account.username,
        auth_time: Math.floor(now().getTime() / 1000),
      },
      seconds,
      'JWT',
    );

  const issueTokens = async (
    tenant: string,
    store: DirectoryStore,
    account: DirectoryAccount,
  ): Promise<TokenSet> => {
    // The county rides in front, so a refresh or logout finds the county's record without a cell-wide index.
    const refreshToken = `${tenant}.${randomBytes(32).toString('base64url')}`;
    await store.putRefreshToken(sha256(refreshToken), {
      username: account.username,
      expiresAt: Math.floor(now().getTime() / 1000) + refreshSeconds,
      issuedAt: now().toISOString(),
    });
    const seconds = await lifetime(tenant);
    return { accessToken: await accessToken(tenant, account, seconds), refreshToken, expiresIn: seconds };
  };

  /** A challenge's session: signed by the county, naming the account and the step, valid five minutes. */
  const loginSession = (tenant: string, account: DirectoryAccount, challenge: string) =>
    sign(
      tenant,
      { sub: account.sub, username: account.username, challenge },
      LOGIN_SESSION_SECONDS,
      'gs-login',
    );

  const verifySession = async (poolUsername: string, session: string, challenge: string) => {
    const { tenant, store } = split(poolUsername);
    try {
      const { payload } = await jwtVerify(session, keyGetter(tenant), {
        issuer: countyDirectoryIssuer(options.issuerBase, tenant),
        algorithms: [ALGORITHM],
        typ: 'gs-login',
        currentDate: now(),
      });
      if (payload.username !== poolUsername || payload.challenge !== challenge) throw new Error('mismatch');
      return { tenant, store, payload };
    } catch {
      throw new UnauthorizedError('The login has expired; sign in again.');
    }
  };

  const openSession = async (poolUsername: string, session: string, challenge: string) => {
    const { tenant, store } = await verifySession(poolUsername, session, challenge);
    const account = await store.getAccount(poolUsername);
    if (!account?.enabled) throw new UnauthorizedError(WRONG);
    return { tenant, store, account };
  };

  const keyGetter =
    (tenant: string): JWTVerifyGetKey =>
    async (header) => {
      const key = header.kid ? await verificationKey(tenant, header.kid) : undefined;
      if (!key) throw new joseErrors.JWKSNoMatchingKey();
      return key;
    };

  /** The account named by one of the county's own access tokens (TOTP setup is done with one). */
  const accountOfAccessToken = async (token: string) => {
    const issuerTenant = tenantFromUnverified(token, options.issuerBase);
    if (!issuerTenant) throw new UnauthorizedError();
    try {
      const { payload } = await jwtVerify(token, keyGetter(issuerTenant), {
        issuer: countyDirectoryIssuer(options.issuerBase, issuerTenant),
        algorithms: [ALGORITHM],
        currentDate: now(),
      });
      const account = await options.storeFor(issuerTenant).getAccount(String(payload.username));
      if (!account?.enabled || account.sub !== payload.sub) throw new Error('no such account');
      return { tenant: issuerTenant, store: options.storeFor(issuerTenant), account };
    } catch {
      throw new UnauthorizedError();
    }
  };

  const afterPassword = async (
    tenant: string,
    store: DirectoryStore,
    account: DirectoryAccount,
  ): Promise<LoginStep> => {
    if (account.temporary)
      return {
        challenge: 'NEW_PASSWORD_REQUIRED',
        session: await loginSession(tenant, account, 'NEW_PASSWORD_REQUIRED'),
      };
    if (account.totp?.enabled)
      return {
        challenge: 'SOFTWARE_TOKEN_MFA',
        session: await loginSession(tenant, account, 'SOFTWARE_TOKEN_MFA'),
      };
    return { tokens: await issueTokens(tenant, store, account) };
  };

  /** The account a former pool's accepted sign-in becomes here: this person never needs the pool again. */
  const keepFromFormer = async (
    store: DirectoryStore,
    poolUsername: string,
    passwordHash: string,
    temporary: boolean,
    formerTokens?: TokenSet,
  ): Promise<DirectoryAccount> => {
    const account: DirectoryAccount = {
      username: poolUsername,
      sub: randomUUID(),
      enabled: true,
      passwordHash,
      temporary,
      createdAt: now().toISOString(),
    };
    await store.createAccount(account).catch(async (error: unknown) => {
      // Two first sign-ins at once: the other one made the account.
      if (!(await store.getAccount(poolUsername))) throw error;
    });
    if (formerTokens)
      await options.former?.revokeRefreshToken(formerTokens.refreshToken).catch(() => undefined);
    return (await store.getAccount(poolUsername)) ?? account;
  };

  const startFromFormer = async (
    former: IdentityProvider,
    tenant: string,
    store: DirectoryStore,
    poolUsername: string,
    password: string,
  ): Promise<LoginStep> => {
    let step: LoginStep;
    try {
      step = await former.startLogin(poolUsername, password);
    } catch (error) {
      if (error instanceof UnauthorizedError || error instanceof NotFoundError)
        throw new UnauthorizedError(WRONG);
      throw error;
    }
    const passwordHash = await hashPasswordAsync(password);
    if ('tokens' in step)
      return afterPassword(
        tenant,
        store,
        await keepFromFormer(store, poolUsername, passwordHash, false, step.tokens),
      );
    if (step.challenge === 'NEW_PASSWORD_REQUIRED')
      return afterPassword(tenant, store, await keepFromFormer(store, poolUsername, passwordHash, true));
    if (step.challenge === 'SOFTWARE_TOKEN_MFA') {
      // The pool asks for the person's TOTP code before it counts the sign-in; so do we, then keep the account.
      const session = await sign(
        tenant,
        { username: poolUsername, challenge: 'SOFTWARE_TOKEN_MFA', former: step.session, passwordHash },
        LOGIN_SESSION_SECONDS,
        'gs-login',
      );
      return { challenge: 'SOFTWARE_TOKEN_MFA', session };
    }
    throw new UnauthorizedError(
      `Login needs a challenge this directory does not handle (${step.challenge}).`,
    );
  };

  const startLogin = async (poolUsername: string, password: string): Promise<LoginStep> => {
    const { tenant, store } = split(poolUsername);
    const account = await store.getAccount(poolUsername);
    if (!account && options.former)
      return startFromFormer(options.former, tenant, store, poolUsername, password);
    options.onPasswordHash?.();
    const matches = await verifyPasswordAsync(password, account?.passwordHash ?? (await dummyHash));
    if (!account || !matches || !account.enabled) throw new UnauthorizedError(WRONG);
    return afterPassword(tenant, store, account);
  };

  const requireAccount = async (poolUsername: string) => {
    const { store } = split(poolUsername);
    const account = await store.getAccount(poolUsername);
    if (!account) throw new NotFoundError('user');
    return { store, account };
  };

  return {
    startLogin,
    async login(poolUsername, password) {
      const step = await startLogin(poolUsername, password);
      if ('challenge' in step)
        throw new UnauthorizedError(`Login needs a further challenge (${step.challenge}).`);
      return step.tokens;
    },
    async answerChallenge(poolUsername, challenge, session, answer) {
      if (options.former && challenge === 'SOFTWARE_TOKEN_MFA' && 'code' in answer) {
        const { tenant, store, payload } = await verifySession(poolUsername, session, challenge);
        if (typeof payload.former === 'string' && typeof payload.passwordHash === 'string') {
          const step = await options.former.answerChallenge(poolUsername, challenge, payload.former, answer);
          if (!('tokens' in step)) throw new UnauthorizedError('The code is wrong or has expired.');
          const account = await keepFromFormer(store, poolUsername, payload.passwordHash, false, step.tokens);
          return { tokens: await issueTokens(tenant, store, account) };
        }
      }
      const { tenant, store, account } = await openSession(poolUsername, session, challenge);
      if (challenge === 'NEW_PASSWORD_REQUIRED' && 'newPassword' in answer) {
        const changed = {
          ...account,
          temporary: false,
          passwordHash: await hashPasswordAsync(answer.newPassword),
        };
        await store.updateAccount(poolUsername, { temporary: false, passwordHash: changed.passwordHash });
        return afterPassword(tenant, store, changed);
      }
      if (challenge === 'SOFTWARE_TOKEN_MFA' && 'code' in answer) {
        if (!account.totp?.enabled || !verifyTotp(account.totp.secret, answer.code, wallClock()))
          throw new UnauthorizedError('The code is wrong or has expired.');
        return { tokens: await issueTokens(tenant, store, account) };
      }
      throw new UnauthorizedError('The login has expired; sign in again.');
    },
    async revokeRefreshToken(refreshToken) {
      const located = await findRefresh(refreshToken);
      if (located) await located.store.deleteRefreshToken(sha256(refreshToken));
    },
    async refresh(refreshToken) {
      const located = await findRefresh(refreshToken);
      const record = located?.record;
      const expired = !record || record.expiresAt <= Math.floor(now().getTime() / 1000);
      const account = located && !expired ? await located.store.getAccount(record.username) : undefined;
      const ended =
        account?.sessionsValidFrom !== undefined && record && record.issuedAt < account.sessionsValidFrom;
      if (!located || !account?.enabled || ended)
        throw new UnauthorizedError('The refresh token is invalid or expired.');
      const seconds = await lifetime(located.tenant);
      return { accessToken: await accessToken(located.tenant, account, seconds), expiresIn: seconds };
    },
    async associateSoftwareToken(token) {
      const { store, account } = await accountOfAccessToken(token);
      const secret = newTotpSecret();
      // A second setup before the first was confirmed replaces its secret; a confirmed factor stays until reset.
      await store.updateAccount(account.username, {
        totp: { secret, enabled: account.totp?.enabled ?? false },
      });
      return secret;
    },
    async verifySoftwareToken(token, code) {
      const { store, account } = await accountOfAccessToken(token);
      if (!account.totp || !verifyTotp(account.totp.secret, code, wallClock()))
        throw new UnauthorizedError('The code is wrong or has expired.');
      await store.updateAccount(account.username, { totp: { secret: account.totp.secret, enabled: true } });
    },
    async associateSoftwareTokenInSession() {
      // Only a pool that requires MFA of everyone asks for setup inside a login (the operators' pool); a county
      // requires TOTP per role, which the API asks for after the password (session-flow.ts).
      throw new ForbiddenError(
        'This directory does not set up a second factor inside a login.',
        'mfa_setup_unsupported',
      );
    },
    async verifySoftwareTokenInSession() {
      throw new ForbiddenError(
        'This directory does not set up a second factor inside a login.',
        'mfa_setup_unsupported',
      );
    },
    async createUser(poolUsername, password, attributes: UserAttributesInput, createOptions = {}) {
      const { store } = split(poolUsername);
      const sub = randomUUID();
      await store.createAccount({
        username: poolUsername,
        sub,
        enabled: true,
        passwordHash: await hashPasswordAsync(password),
        temporary: createOptions.temporary ?? false,
        ...(attributes.displayName !== undefined ? { displayName: attributes.displayName } : {}),
        createdAt: now().toISOString(),
      });
      return { sub };
    },
    async updateUser(poolUsername, attributes) {
      const { store } = await requireAccount(poolUsername);
      if (attributes.displayName !== undefined)
        await store.updateAccount(poolUsername, { displayName: attributes.displayName });
    },
    async setEnabled(poolUsername, enabled) {
      const { store } = await requireAccount(poolUsername);
      await store.updateAccount(poolUsername, {
        enabled,
        ...(enabled ? {} : { sessionsValidFrom: now().toISOString() }),
      });
    },
    async setPassword(poolUsername, password, { temporary }) {
      const { store } = await requireAccount(poolUsername);
      // A new password ends the sessions the old one started: a reset after a stolen password must lock the thief out.
      await store.updateAccount(poolUsername, {
        passwordHash: await hashPasswordAsync(password),
        temporary,
        sessionsValidFrom: now().toISOString(),
      });
    },
    async getUserSub(poolUsername) {
      const { store } = split(poolUsername);
      return (await store.getAccount(poolUsername))?.sub;
    },
    async listUsernames(prefix, page = {}) {
      const tenant = prefix.slice(0, prefix.indexOf(':'));
      if (!tenant || prefix !== `${tenant}:`)
        throw new Error('The county directory lists one county at a time.');
      return options
        .storeFor(tenant)
        .listUsernames({ ...(page.cursor ? { cursor: page.cursor } : {}), limit: page.limit ?? 60 });
    },
    verificationKey,
    async publicJwks(tenant) {
      await signingKey(tenant);
      return { keys: (await keysOf(tenant)).map((key) => key.publicJwk) };
    },
  };

  /** Refresh tokens carry no county; the record is looked up in the county that issued it, named by the token. */
  async function findRefresh(refreshToken: string) {
    const tenant = tenantOfRefreshToken(refreshToken);
    if (!tenant) return undefined;
    const store = options.storeFor(tenant);
    const record = await store.getRefreshToken(sha256(refreshToken));
    return record ? { tenant, store, record } : undefined;
  }
}

/**
 * TOTP codes are checked against the wall clock, never the service's (adjustable) clock: the code comes from a
 * phone that knows only real time.
 */
function wallClock(): Date {
  return new Date();
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

function tenantFromUnverified(token: string, base: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      iss?: unknown;
    };
    return typeof payload.iss === 'string' ? tenantOfCountyIssuer(base, payload.iss) : undefined;
  } catch {
    return undefined;
  }
}

function tenantOfRefreshToken(token: string): string | undefined {
  const [tenant, secret] = token.split('.');
  return tenant && isTenantId(tenant) && /^[A-Za-z0-9_-]{43}$/.test(secret ?? '') ? tenant : undefined;
}

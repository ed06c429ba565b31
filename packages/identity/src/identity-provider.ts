import type { CountyDirectory, CountyDirectoryOptions } from './county-directory.ts';

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * What the directory keeps besides the password: a display name. Role, scope and enabled live in the county's
 * records only, so no token can carry them and no directory write can grant them.
 */
export interface UserAttributesInput {
  displayName?: string;
}

/** The directory's steps between a password and tokens (Cognito's challenge names). */
export type LoginChallengeName = 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

/** Where a login stands: done (tokens), or waiting for the answer to a challenge within the directory's session. */
export type LoginStep = { tokens: TokenSet } | { challenge: LoginChallengeName; session: string };

/** MFA_SETUP is answered with nothing once `verifySoftwareTokenInSession` accepted a code. */
export type ChallengeAnswer = { newPassword: string } | { code: string } | { setupDone: true };

/** The operations Gridsafe needs from a user directory: Cognito in AWS, the local issuer on one machine. */
export interface IdentityProvider {
  /** A login that must end in tokens; a pending challenge is refused (scripts, the seeded demo users). */
  login(poolUsername: string, password: string): Promise<TokenSet>;
  /** The first step of an interactive login: tokens, or the challenge the person must answer next. */
  startLogin(poolUsername: string, password: string): Promise<LoginStep>;
  answerChallenge(
    poolUsername: string,
    challenge: LoginChallengeName,
    session: string,
    answer: ChallengeAnswer,
  ): Promise<LoginStep>;
  /** Ends a refresh token (logout); unknown tokens are accepted silently, as Cognito does. */
  revokeRefreshToken(refreshToken: string): Promise<void>;
  /** Starts TOTP setup for the person holding `accessToken`: the shared secret to show them (base32). */
  associateSoftwareToken(accessToken: string): Promise<string>;
  /** Checks the first code from the person's app and makes TOTP their second factor from the next login on. */
  verifySoftwareToken(accessToken: string, code: string): Promise<void>;
  /** TOTP setup inside an MFA_SETUP challenge (a pool that requires MFA): the secret and the session to go on with. */
  associateSoftwareTokenInSession(session: string): Promise<{ secretCode: string; session: string }>;
  /** The first code of that setup; answers the session to finish MFA_SETUP with. */
  verifySoftwareTokenInSession(session: string, code: string): Promise<string>;
  refresh(refreshToken: string): Promise<Omit<TokenSet, 'refreshToken'> & { refreshToken?: string }>;
  /**
   * `temporary` (onboarding, a reset handed over by someone else) makes the directory demand a new password at
   * the first login (Cognito's FORCE_CHANGE_PASSWORD); the demo seed sets permanent ones.
   */
  createUser(
    poolUsername: string,
    password: string,
    attributes: UserAttributesInput,
    options?: { temporary?: boolean },
  ): Promise<{ sub: string }>;
  updateUser(poolUsername: string, attributes: Partial<UserAttributesInput>): Promise<void>;
  setEnabled(poolUsername: string, enabled: boolean): Promise<void>;
  /** Sets a password; a temporary one must be changed at the next login (where the directory supports it). */
  setPassword(poolUsername: string, password: string, options: { temporary: boolean }): Promise<void>;
  getUserSub(poolUsername: string): Promise<string | undefined>;
  /**
   * One page of the pool usernames that start with `prefix` (a county's `<tenant>:`), for the control plane,
   * whose role cannot read a county's user records. `cursor` is the `nextCursor` of the page before.
   */
  listUsernames(
    prefix: string,
    page?: { cursor?: string; limit?: number },
  ): Promise<{ usernames: string[]; nextCursor?: string }>;
}

/**
 * What a county API may do to its own people's directory accounts. In AWS it goes through the cell's
 * user-administration service (`createUserAdministrationClient`), never to Cognito directly.
 */
export type UserAdministration = Pick<
  IdentityProvider,
  'createUser' | 'updateUser' | 'setEnabled' | 'setPassword' | 'getUserSub'
>;

/** One user pool serves every county, so usernames are qualified by tenant inside it. */
export function poolUsername(tenant: string, username: string): string {
  return `${tenant}:${username}`;
}

export interface CognitoOptions {
  userPoolId: string;
  clientId: string;
  region?: string;
  /** The local issuer's address; absent in AWS. */
  endpoint?: string;
}

/**
 * Talks the Cognito Identity Provider API. Locally the same client points at the local issuer, which speaks
 * the same JSON protocol, so `/session` has one code path.
 *
 * The SDK client is loaded at the first call, not at import: only logins and user administration need it,
 * and loading it at every Lambda cold start cost about 40 KB of bundle and its evaluation (the bundler makes
 * it a chunk of its own). A failed load is retried at the next call.
 */
export function createCognitoIdentityProvider(options: CognitoOptions): IdentityProvider {
  return lazyIdentityProvider(() =>
    import('./cognito-identity-provider.ts').then(({ cognitoIdentityProvider }) =>
      cognitoIdentityProvider(options),
    ),
  );
}

/**
 * Each county's own directory (`county-directory.ts`): hashing, signing and challenges load at the first login
 * or account change, like Cognito's client; checking a token needs only `CountyKeyCache`.
 */
export function createCountyDirectoryProvider(
  options: CountyDirectoryOptions,
): IdentityProvider & Pick<CountyDirectory, 'publicJwks'> {
  return lazyIdentityProvider(
    () => import('./county-directory.ts').then(({ createCountyDirectory }) => createCountyDirectory(options)),
    ['publicJwks'],
  );
}

const IDENTITY_PROVIDER_METHODS = [
  'login',
  'startLogin',
  'answerChallenge',
  'revokeRefreshToken',
  'associateSoftwareToken',
  'verifySoftwareToken',
  'associateSoftwareTokenInSession',
  'verifySoftwareTokenInSession',
  'refresh',
  'createUser',
  'updateUser',
  'setEnabled',
  'setPassword',
  'getUserSub',
  'listUsernames',
] as const satisfies readonly (keyof IdentityProvider)[];

/** A provider whose module loads at its first call; a failed load is retried at the next call. */
export function lazyIdentityProvider<T extends IdentityProvider>(
  load: () => Promise<T>,
  extraMethods: readonly (keyof T & string)[] = [],
): T {
  let loading: Promise<T> | undefined;
  const provider = (): Promise<T> => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  return Object.fromEntries(
    [...IDENTITY_PROVIDER_METHODS, ...extraMethods].map((name) => [
      name,
      async (...args: unknown[]) => ((await provider())[name] as (...a: unknown[]) => unknown)(...args),
    ]),
  ) as unknown as T;
}

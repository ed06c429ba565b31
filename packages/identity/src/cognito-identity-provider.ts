import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
  UnauthorizedError,
  ValidationError,
} from '@gridsafe/core';
import type {
  CognitoOptions,
  IdentityProvider,
  LoginChallengeName,
  LoginStep,
  UserAttributesInput,
} from './identity-provider.ts';

const CHALLENGES: readonly string[] = ['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA', 'MFA_SETUP'];

/** Tokens or a challenge, from an InitiateAuth or RespondToAuthChallenge answer. */
function stepOf(result: {
  AuthenticationResult?: AuthenticationResultType;
  ChallengeName?: string;
  Session?: string;
}): LoginStep {
  const auth = result.AuthenticationResult;
  if (auth?.AccessToken && auth.RefreshToken) {
    return {
      tokens: {
        accessToken: auth.AccessToken,
        refreshToken: auth.RefreshToken,
        expiresIn: auth.ExpiresIn ?? 3600,
      },
    };
  }
  if (result.ChallengeName && CHALLENGES.includes(result.ChallengeName) && result.Session) {
    return { challenge: result.ChallengeName as LoginChallengeName, session: result.Session };
  }
  // SMS_MFA, SELECT_MFA_TYPE and the rest are not configured on Gridsafe's pools; meeting one is a setup error.
  throw new UnauthorizedError(
    `Login needs a challenge this service does not handle (${result.ChallengeName}).`,
  );
}

/**
 * Talks the Cognito Identity Provider API. Locally the same client points at the local issuer, which speaks
 * the same JSON protocol, so `/session` has one code path.
 */
export function cognitoIdentityProvider(options: CognitoOptions): IdentityProvider {
  const client = new CognitoIdentityProviderClient({
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    maxAttempts: 2,
    // throwOnRequestTimeout: a hung identity provider answers 503, not silence (finding 4, docs/reliability.md).
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const send = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw translateCognitoError(error);
    }
  };
  const sendAuth = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await send(run);
    } catch (error) {
      if (error instanceof NotFoundError) throw new UnauthorizedError('Wrong username or password.');
      throw error;
    }
  };
  const toAttributes = (attributes: Partial<UserAttributesInput>) => {
    const list: { Name: string; Value: string }[] = [];
    if (attributes.displayName !== undefined) list.push({ Name: 'name', Value: attributes.displayName });
    return list;
  };
  const startLogin = async (username: string, password: string) =>
    stepOf(
      await sendAuth(() =>
        client.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: options.clientId,
            AuthParameters: { USERNAME: username, PASSWORD: password },
          }),
        ),
      ),
    );
  return {
    startLogin,
    async answerChallenge(username, challenge, session, answer) {
      const responses: Record<string, string> = { USERNAME: username };
      if ('newPassword' in answer) responses.NEW_PASSWORD = answer.newPassword;
      else if ('code' in answer) responses.SOFTWARE_TOKEN_MFA_CODE = answer.code;
      return stepOf(
        await sendAuth(() =>
          client.send(
            new RespondToAuthChallengeCommand({
              ClientId: options.clientId,
              ChallengeName: challenge,
              Session: session,
              ChallengeResponses: responses,
            }),
          ),
        ),
      );
    },
    async revokeRefreshToken(refreshToken) {
      await send(() =>
        client.send(new RevokeTokenCommand({ ClientId: options.clientId, Token: refreshToken })),
      );
    },
    async associateSoftwareToken(accessToken) {
      const result = await send(() =>
        client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken })),
      );
      if (!result.SecretCode) throw new Error('The user directory returned no TOTP secret.');
      return result.SecretCode;
    },
    async associateSoftwareTokenInSession(session) {
      const result = await sendAuth(() =>
        client.send(new AssociateSoftwareTokenCommand({ Session: session })),
      );
      if (!result.SecretCode || !result.Session)
        throw new Error('The user directory returned no TOTP secret.');
      return { secretCode: result.SecretCode, session: result.Session };
    },
    async verifySoftwareTokenInSession(session, code) {
      const result = await sendAuth(() =>
        client.send(new VerifySoftwareTokenCommand({ Session: session, UserCode: code })),
      );
      if (!result.Session) throw new UnauthorizedError('The code is wrong or has expired.');
      return result.Session;
    },
    async verifySoftwareToken(accessToken, code) {
      await send(() =>
        client.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: code })),
      );
      await send(() =>
        client.send(
          new SetUserMFAPreferenceCommand({
            AccessToken: accessToken,
            SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
          }),
        ),
      );
    },
    async login(username, password) {
      const step = await startLogin(username, password);
      if ('challenge' in step)
        throw new UnauthorizedError(`Login needs a further challenge (${step.challenge}).`);
      return step.tokens;
    },
    async refresh(refreshToken) {
      const result = await sendAuth(() =>
        client.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: options.clientId,
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        ),
      );
      const auth = result.AuthenticationResult;
      if (!auth?.AccessToken) throw new UnauthorizedError('The refresh token is invalid or expired.');
      return {
        accessToken: auth.AccessToken,
        expiresIn: auth.ExpiresIn ?? 3600,
        ...(auth.RefreshToken ? { refreshToken: auth.RefreshToken } : {}),
      };
    },
    async createUser(username, password, attributes, createOptions = {}) {
      // A temporary password goes in with the user (FORCE_CHANGE_PASSWORD); a permanent one is set after it.
      // Gridsafe hands passwords over itself, so Cognito's invitation message is suppressed either way.
      const created = await send(() =>
        client.send(
          new AdminCreateUserCommand({
            UserPoolId: options.userPoolId,
            Username: username,
            MessageAction: 'SUPPRESS',
            UserAttributes: toAttributes(attributes),
            ...(createOptions.temporary ? { TemporaryPassword: password } : {}),
          }),
        ),
      );
      if (!createOptions.temporary)
        await send(() =>
          client.send(
            new AdminSetUserPasswordCommand({
              UserPoolId: options.userPoolId,
              Username: username,
              Password: password,
              Permanent: true,
            }),
          ),
        );
      const sub = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('The user directory returned no sub for a new user.');
      return { sub };
    },
    async updateUser(username, attributes) {
      await send(() =>
        client.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: options.userPoolId,
            Username: username,
            UserAttributes: toAttributes(attributes),
          }),
        ),
      );
    },
    async setEnabled(username, enabled) {
      const command = enabled
        ? new AdminEnableUserCommand({ UserPoolId: options.userPoolId, Username: username })
        : new AdminDisableUserCommand({ UserPoolId: options.userPoolId, Username: username });
      await send(() => client.send(command as AdminEnableUserCommand));
    },
    async setPassword(username, password, { temporary }) {
      await send(() =>
        client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: options.userPoolId,
            Username: username,
            Password: password,
            Permanent: !temporary,
          }),
        ),
      );
      // A reset ends the sessions the old password started: Cognito keeps refresh tokens valid across
      // AdminSetUserPassword, so a stolen phone's session would outlive the reset meant to end it. Access tokens
      // already issued live out their 5 minutes.
      await send(() =>
        client.send(
          new AdminUserGlobalSignOutCommand({ UserPoolId: options.userPoolId, Username: username }),
        ),
      );
    },
    async getUserSub(username) {
      try {
        const user = await client.send(
          new AdminGetUserCommand({ UserPoolId: options.userPoolId, Username: username }),
        );
        return user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
      } catch (error) {
        const translated = translateCognitoError(error);
        if (translated instanceof NotFoundError) return undefined;
        throw translated;
      }
    },
    async listUsernames(prefix, page = {}) {
      // ListUsers filters on the username but never on custom attributes; 60 is its largest page.
      const result = await send(() =>
        client.send(
          new ListUsersCommand({
            UserPoolId: options.userPoolId,
            Filter: `username ^= "${prefix.replaceAll('\\', '').replaceAll('"', '')}"`,
            Limit: Math.min(page.limit ?? 60, 60),
            ...(page.cursor ? { PaginationToken: page.cursor } : {}),
          }),
        ),
      );
      return {
        usernames: (result.Users ?? []).map((user) => user.Username ?? '').filter(Boolean),
        ...(result.PaginationToken ? { nextCursor: result.PaginationToken } : {}),
      };
    },
  };
}

function translateCognitoError(error: unknown): unknown {
  const name = (error as { name?: string })?.name ?? '';
  switch (name) {
    case 'NotAuthorizedException':
    case 'PasswordResetRequiredException':
    case 'UserNotConfirmedException':
      return new UnauthorizedError('Wrong username or password.', { cause: error });
    case 'UserNotFoundException':
      return new NotFoundError('user');
    case 'UsernameExistsException':
      return new ConflictError('A user with this username already exists.', 'username_taken', {
        cause: error,
      });
    case 'CodeMismatchException':
    case 'EnableSoftwareTokenMFAException':
    case 'ExpiredCodeException':
      return new UnauthorizedError('The code is wrong or has expired.', { cause: error });
    case 'InvalidPasswordException':
      return new ValidationError([
        { path: 'newPassword', message: 'does not meet the password policy of the user directory' },
      ]);
    case 'TooManyRequestsException':
    case 'InternalErrorException':
      return new ServiceUnavailableError('user directory', { cause: error });
    default: {
      const code =
        (error as { code?: string; cause?: { code?: string } })?.code ??
        (error as { cause?: { code?: string } })?.cause?.code;
      if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || name === 'TimeoutError') {
        return new ServiceUnavailableError('user directory', { cause: error });
      }
      return error;
    }
  }
}

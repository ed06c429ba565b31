import { described, ForbiddenError, UnauthorizedError } from '@gridsafe/core';
import { type LoginStep, otpauthUri } from '@gridsafe/identity';
import * as z from 'zod/mini';
import { createRoute } from '../../openapi/route.ts';
import { ProblemSchema } from '../../problem.ts';
import { operatorOf, platformPoolUsername } from '../platform-identity.ts';
import type { PlatformRouter } from '../platform-router.ts';

const LoginSchema = described(
  z.strictObject({
    username: described(z.string().check(z.minLength(1), z.maxLength(128)), { example: 'vendor.operator' }),
    password: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
  { id: 'PlatformLoginRequest' },
);

const RefreshSchema = described(
  z.strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  { id: 'PlatformRefreshRequest' },
);

const ChallengeAnswerSchema = described(
  z.strictObject({
    session: z.string().check(z.minLength(16), z.maxLength(8192)),
    code: z.string().check(z.regex(/^\d{6}$/, 'must be the 6 digits the app shows')),
  }),
  { id: 'PlatformChallengeAnswer' },
);

const ChallengeSchema = described(
  z.object({
    challenge: z.enum(['SOFTWARE_TOKEN_MFA', 'MFA_SETUP']),
    session: z.string(),
    /** MFA_SETUP only: the key for the authenticator app, and the same as an otpauth:// URI. */
    secretCode: z.optional(z.string()),
    otpauthUri: z.optional(z.string()),
  }),
  { id: 'PlatformLoginChallenge' },
);

const SessionSchema = described(
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().check(z.int()),
    user: z.object({ id: z.string(), username: z.string(), role: z.literal('vendor_operator') }),
  }),
  { id: 'PlatformSession' },
);

const problems = {
  400: { description: 'Invalid fields', content: { 'application/problem+json': { schema: ProblemSchema } } },
  401: {
    description: 'Wrong credentials',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  403: {
    description: 'Not a vendor operator',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
};

const LoginAnswerSchema = described(z.union([SessionSchema, ChallengeSchema]), {
  id: 'PlatformLoginAnswer',
});

const loginRoute = createRoute({
  method: 'post',
  path: '/session',
  tags: ['session'],
  summary: 'Log a vendor operator in (the same user pool as the counties, username @platform:<name>)',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: LoginSchema } } } },
  responses: {
    200: {
      description: 'The TOTP challenge (operators always have a second factor), or tokens and the operator',
      content: { 'application/json': { schema: LoginAnswerSchema } },
    },
    ...problems,
  },
});

const challengeRoute = createRoute({
  method: 'post',
  path: '/session/challenge',
  tags: ['session'],
  summary:
    'Answer the TOTP challenge of an operator login (or finish its TOTP setup) with the code from the authenticator app',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: ChallengeAnswerSchema } } } },
  responses: {
    200: {
      description: 'Tokens and the operator',
      content: { 'application/json': { schema: SessionSchema } },
    },
    ...problems,
  },
});

/**
 * The control plane keeps no login state: the challenge session it hands out is the directory's own, with the
 * username beside it. The directory binds its session to the user, so an edited username is refused there.
 */
type OperatorChallenge = 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP';

function encodeChallenge(username: string, challenge: OperatorChallenge, directorySession: string): string {
  return Buffer.from(JSON.stringify({ u: username, c: challenge, s: directorySession }), 'utf8').toString(
    'base64url',
  );
}

function decodeChallenge(session: string): {
  username: string;
  challenge: OperatorChallenge;
  directorySession: string;
} {
  try {
    const { u, c, s } = JSON.parse(Buffer.from(session, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof u === 'string' && typeof s === 'string' && (c === 'SOFTWARE_TOKEN_MFA' || c === 'MFA_SETUP'))
      return { username: u, challenge: c, directorySession: s };
  } catch {
    // answered below
  }
  throw new UnauthorizedError('This login has expired or ended; log in again.');
}

const refreshRoute = createRoute({
  method: 'post',
  path: '/session/refresh',
  tags: ['session'],
  summary: 'Exchange a refresh token for a new access token',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: RefreshSchema } } } },
  responses: {
    200: { description: 'New tokens', content: { 'application/json': { schema: SessionSchema } } },
    ...problems,
  },
});

export function registerPlatformSession(app: PlatformRouter) {
  app.openapi(loginRoute, async (c) => {
    const { username, password } = c.req.valid('json');
    const deps = c.get('deps');
    const directory = deps.operatorDirectory ?? deps.identity;
    const step: LoginStep = await directory.startLogin(platformPoolUsername(username), password);
    if ('challenge' in step) {
      if (step.challenge === 'SOFTWARE_TOKEN_MFA') {
        return c.json(
          { challenge: step.challenge, session: encodeChallenge(username, step.challenge, step.session) },
          200,
        );
      }
      if (step.challenge === 'MFA_SETUP') {
        // The operator pool requires MFA: a first login sets TOTP up before any token is issued.
        const setup = await directory.associateSoftwareTokenInSession(step.session);
        return c.json(
          {
            challenge: step.challenge,
            session: encodeChallenge(username, step.challenge, setup.session),
            secretCode: setup.secretCode,
            otpauthUri: otpauthUri(setup.secretCode, username, 'Gridsafe platform'),
          },
          200,
        );
      }
      throw new ForbiddenError(
        'This operator account must set a new password with the vendor’s administrator.',
      );
    }
    // The pool username already confines this login to @platform users; the token must agree.
    if (!operatorOf(deps, await deps.tokens.verify(step.tokens.accessToken))) {
      throw new ForbiddenError('This account is not a vendor operator.');
    }
    // Operators onboard and suspend counties: a password alone is not enough (the COG2 finding). The operator
    // pool requires TOTP in AWS; here an operator without it is refused rather than let in.
    throw new ForbiddenError('Vendor operators sign in with a TOTP code; enrol an authenticator app first.');
  });

  app.openapi(challengeRoute, async (c) => {
    const { session, code } = c.req.valid('json');
    const deps = c.get('deps');
    const { username, challenge, directorySession } = decodeChallenge(session);
    const directory = deps.operatorDirectory ?? deps.identity;
    const step =
      challenge === 'MFA_SETUP'
        ? await directory.answerChallenge(
            platformPoolUsername(username),
            'MFA_SETUP',
            await directory.verifySoftwareTokenInSession(directorySession, code),
            { setupDone: true },
          )
        : await directory.answerChallenge(
            platformPoolUsername(username),
            'SOFTWARE_TOKEN_MFA',
            directorySession,
            {
              code,
            },
          );
    if ('challenge' in step) throw new UnauthorizedError('The login needs another step; log in again.');
    const operator = operatorOf(deps, await deps.tokens.verify(step.tokens.accessToken));
    if (!operator) throw new ForbiddenError('This account is not a vendor operator.');
    return c.json(
      { ...step.tokens, user: { id: operator.userId, username, role: 'vendor_operator' as const } },
      200,
    );
  });

  app.openapi(refreshRoute, async (c) => {
    const { refreshToken } = c.req.valid('json');
    const deps = c.get('deps');
    const tokens = await (deps.operatorDirectory ?? deps.identity).refresh(refreshToken);
    const operator = operatorOf(deps, await deps.tokens.verify(tokens.accessToken));
    if (!operator) throw new ForbiddenError('This account is not a vendor operator.');
    return c.json(
      {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? refreshToken,
        expiresIn: tokens.expiresIn,
        user: { id: operator.userId, username: operator.username, role: 'vendor_operator' as const },
      },
      200,
    );
  });
}

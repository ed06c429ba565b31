import { ChosenPasswordSchema, described, RoleSchema } from '@gridsafe/core';
import * as z from 'zod/mini';
import { ProblemSchema } from '../problem.ts';

export const LoginSchema = described(
  z.strictObject({
    username: described(z.string().check(z.minLength(1), z.maxLength(128)), { example: 'county.admin' }),
    password: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
  { id: 'LoginRequest' },
);

export const RefreshSchema = described(
  z.strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  { id: 'RefreshRequest' },
);

export const LogoutSchema = described(
  z.strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  { id: 'LogoutRequest' },
);

export const LogoutAnswerSchema = described(z.object({ revoked: z.literal(true) }), { id: 'LogoutAnswer' });

/** The answer to a challenge: a new password (NEW_PASSWORD_REQUIRED) or a TOTP code (the two MFA steps). */
export const ChallengeAnswerSchema = described(
  z.strictObject({
    session: z.string().check(z.minLength(16), z.maxLength(256)),
    newPassword: z.optional(ChosenPasswordSchema),
    code: z.optional(z.string().check(z.regex(/^\d{6}$/, 'must be the 6 digits the app shows'))),
  }),
  { id: 'ChallengeAnswer' },
);

export const SessionUserSchema = described(
  z.object({
    id: z.string(),
    username: z.string(),
    role: RoleSchema,
    scope: described(z.array(z.string()), { example: ['grid:01JD0000000000000000000000'] }),
  }),
  { id: 'SessionUser' },
);

export const SessionSchema = described(
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().check(z.int()),
    /** The county's idle time: the web logs out after it, and a refresh after it is refused. */
    idleMinutes: z.optional(z.number().check(z.int())),
    user: SessionUserSchema,
  }),
  { id: 'Session' },
);

export const LoginChallengeSchema = described(
  z.object({
    challenge: z.enum(['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA', 'MFA_SETUP']),
    /** Answer with POST /session/challenge within 5 minutes. */
    session: z.string(),
    /** MFA_SETUP only: the shared secret (base32) and the otpauth:// URI an authenticator app reads. */
    secretCode: z.optional(z.string()),
    otpauthUri: z.optional(z.string()),
  }),
  { id: 'LoginChallenge' },
);

export const LoginAnswerSchema = described(z.union([SessionSchema, LoginChallengeSchema]), {
  id: 'LoginAnswer',
});

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

export const SESSION_PROBLEMS = {
  400: problem('Invalid fields'),
  401: problem('Wrong credentials, a wrong code, or an expired login'),
} as const;

export const LOCKED_PROBLEM = {
  429: problem('Too many wrong answers for this username: try again after `Retry-After` seconds'),
} as const;

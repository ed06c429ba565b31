import { ForbiddenError, UnauthorizedError, ValidationError } from '@gridsafe/core';
import { LoginSessionRepository } from '@gridsafe/db';
import { resolveCaller } from '../auth.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { LoginFlow } from './session-flow.ts';
import {
  ChallengeAnswerSchema,
  LOCKED_PROBLEM,
  LoginAnswerSchema,
  LoginSchema,
  LogoutAnswerSchema,
  LogoutSchema,
  RefreshSchema,
  SESSION_PROBLEMS,
  SessionSchema,
} from './session-schemas.ts';

export { sessionUserOf } from './session-flow.ts';
export { SessionUserSchema } from './session-schemas.ts';

const json = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const loginRoute = createRoute({
  method: 'post',
  path: '/session',
  tags: ['session'],
  summary:
    'Log in with username and password: tokens, or a challenge to answer (a new password, a TOTP code or its setup)',
  security: [],
  request: { body: json(LoginSchema) },
  responses: {
    200: {
      description: 'Tokens and the user, or the challenge',
      content: { 'application/json': { schema: LoginAnswerSchema } },
    },
    ...SESSION_PROBLEMS,
    ...LOCKED_PROBLEM,
  },
});

const challengeRoute = createRoute({
  method: 'post',
  path: '/session/challenge',
  tags: ['session'],
  summary: 'Answer a login challenge: `newPassword` for NEW_PASSWORD_REQUIRED, `code` for the TOTP steps',
  security: [],
  request: { body: json(ChallengeAnswerSchema) },
  responses: {
    200: {
      description: 'Tokens and the user, or the next challenge',
      content: { 'application/json': { schema: LoginAnswerSchema } },
    },
    ...SESSION_PROBLEMS,
    ...LOCKED_PROBLEM,
  },
});

const refreshRoute = createRoute({
  method: 'post',
  path: '/session/refresh',
  tags: ['session'],
  summary: 'Exchange a refresh token for a new access token (refused after the county’s idle time)',
  security: [],
  request: { body: json(RefreshSchema) },
  responses: {
    200: { description: 'New tokens', content: { 'application/json': { schema: SessionSchema } } },
    ...SESSION_PROBLEMS,
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/session/logout',
  tags: ['session'],
  summary: 'Log out: the refresh token is revoked and refreshes with it fail',
  security: [],
  request: { body: json(LogoutSchema) },
  responses: {
    200: { description: 'Logged out', content: { 'application/json': { schema: LogoutAnswerSchema } } },
    ...SESSION_PROBLEMS,
  },
});

export function registerSession(app: ReturnType<typeof createRouter>) {
  app.openapi(loginRoute, async (c) => {
    const { username, password } = c.req.valid('json');
    const flow = new LoginFlow(c, username);
    await flow.refuseWhileLocked();
    const step = await flow.guarded('login_failed', () =>
      c.get('deps').identity.startLogin(flow.directoryName, password),
    );
    return c.json(await flow.continueWith(step, false), 200);
  });

  app.openapi(challengeRoute, async (c) => {
    const body = c.req.valid('json');
    const deps = c.get('deps');
    const pending = await new LoginSessionRepository(c.get('store')).getPending(
      body.session,
      deps.clock.now(),
    );
    if (!pending) throw new UnauthorizedError('This login has expired or ended; log in again.');
    const flow = new LoginFlow(c, pending.username);
    await flow.refuseWhileLocked();
    if (pending.challenge === 'NEW_PASSWORD_REQUIRED') {
      if (!body.newPassword) throw missing('newPassword', 'is required to finish the first login');
      const newPassword = body.newPassword;
      const step = await deps.identity.answerChallenge(
        flow.directoryName,
        'NEW_PASSWORD_REQUIRED',
        pending.directorySession ?? '',
        { newPassword },
      );
      await flow.sessions.deletePending(body.session);
      await flow.record('password_changed');
      return c.json(await flow.continueWith(step, pending.mfaDone), 200);
    }
    if (!body.code) throw missing('code', 'is required: the 6 digits the authenticator app shows');
    const code = body.code;
    const step = await flow
      .guarded('mfa_failed', async () => {
        if (pending.challenge === 'MFA_SETUP') {
          if (!pending.tokens) throw new UnauthorizedError('This login has expired or ended; log in again.');
          await deps.identity.verifySoftwareToken(pending.tokens.accessToken, code);
          return { tokens: pending.tokens };
        }
        return deps.identity.answerChallenge(
          flow.directoryName,
          'SOFTWARE_TOKEN_MFA',
          pending.directorySession ?? '',
          { code },
        );
      })
      .catch(async (error: unknown) => {
        if (error instanceof UnauthorizedError) await flow.sessions.countWrongAnswer(body.session);
        throw error;
      });
    await flow.sessions.deletePending(body.session);
    if (pending.challenge === 'MFA_SETUP') await flow.record('mfa_setup');
    return c.json(await flow.continueWith(step, true), 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const { refreshToken } = c.req.valid('json');
    const deps = c.get('deps');
    const tenant = c.get('tenant');
    const sessions = new LoginSessionRepository(c.get('store'));
    const known = await sessions.get(refreshToken);
    const flow = new LoginFlow(c, known?.username ?? '');
    const { idleMinutes } = (await flow.settings()).security;
    // A refresh token from before idle sessions existed has no record: it is accepted once and gets one.
    if (known && flow.now.getTime() - known.lastSeen.getTime() > idleMinutes * 60_000) {
      await deps.identity.revokeRefreshToken(refreshToken);
      await sessions.forget(refreshToken);
      await flow.record('session_idle_ended', { userId: known.userId });
      throw new UnauthorizedError(`The session ended after ${idleMinutes} idle minutes; log in again.`);
    }
    const tokens = await deps.identity.refresh(refreshToken);
    // The person comes from the county's records: a disabled person's refresh gets nothing.
    const { principal } = await resolveCaller(c, await deps.tokens.verify(tokens.accessToken));
    const next = tokens.refreshToken ?? refreshToken;
    await sessions.touch(next, { username: principal.username, userId: principal.userId }, flow.now);
    const answering = new LoginFlow(c, principal.username);
    return c.json(answering.answer({ ...tokens, refreshToken: next }, principal, idleMinutes), 200);
  });

  app.openapi(logoutRoute, async (c) => {
    const { refreshToken } = c.req.valid('json');
    const deps = c.get('deps');
    const sessions = new LoginSessionRepository(c.get('store'));
    const known = await sessions.get(refreshToken);
    await deps.identity.revokeRefreshToken(refreshToken);
    if (known) {
      await sessions.forget(refreshToken);
      await new LoginFlow(c, known.username).record('logout', { userId: known.userId });
    }
    return c.json({ revoked: true as const }, 200);
  });
}

function missing(field: string, message: string) {
  return new ValidationError([{ path: field, message }]);
}

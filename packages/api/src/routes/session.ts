import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
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

export { SessionUserSchema } from './session-schemas.ts';
export { sessionUserOf } from './session-user.ts';

const json = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

const loginRoute = createRoute({
  method: 'post',
  path: '/session',
  tags: ['session'],
  summary: 'Log in with username and password: tokens, or a challenge to answer',
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
  summary: 'Answer a login challenge: a new password or a TOTP code',
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
  summary: 'Exchange a refresh token for a new access token',
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
  summary: 'Log out: revoke the refresh token',
  security: [],
  request: { body: json(LogoutSchema) },
  responses: {
    200: { description: 'Logged out', content: { 'application/json': { schema: LogoutAnswerSchema } } },
    ...SESSION_PROBLEMS,
  },
});

export function registerSession(app: ReturnType<typeof createRouter>) {
  app.openapi(loginRoute, async (c) => c.json(await (await handlers()).logIn(c, c.req.valid('json')), 200));
  app.openapi(challengeRoute, async (c) =>
    c.json(await (await handlers()).answerChallenge(c, c.req.valid('json')), 200),
  );
  app.openapi(refreshRoute, async (c) =>
    c.json(await (await handlers()).refreshSession(c, c.req.valid('json').refreshToken), 200),
  );
  app.openapi(logoutRoute, async (c) =>
    c.json(await (await handlers()).logOut(c, c.req.valid('json').refreshToken), 200),
  );
}

/** The login flow is a chunk of its own (session-handlers.ts), loaded at a process's first login. */
const handlers = () => import('./session-handlers.ts');

import { described, formatGrant, type Principal, RoleSchema } from '@gridsafe/core';
import { poolUsername } from '@gridsafe/identity';
import * as z from 'zod/mini';
import { resolveCaller } from '../auth.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { ProblemSchema } from '../problem.ts';

const LoginSchema = described(
  z.strictObject({
    username: described(z.string().check(z.minLength(1), z.maxLength(128)), { example: 'county.admin' }),
    password: z.string().check(z.minLength(1), z.maxLength(256)),
  }),
  { id: 'LoginRequest' },
);

const RefreshSchema = described(
  z.strictObject({ refreshToken: z.string().check(z.minLength(1), z.maxLength(4096)) }),
  { id: 'RefreshRequest' },
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

const SessionSchema = described(
  z.object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().check(z.int()),
    user: SessionUserSchema,
  }),
  { id: 'Session' },
);

const problems = {
  400: { description: 'Invalid fields', content: { 'application/problem+json': { schema: ProblemSchema } } },
  401: {
    description: 'Wrong credentials',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
};

const loginRoute = createRoute({
  method: 'post',
  path: '/session',
  tags: ['session'],
  summary: 'Log in with username and password',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: LoginSchema } } } },
  responses: {
    200: { description: 'Tokens and the user', content: { 'application/json': { schema: SessionSchema } } },
    ...problems,
  },
});

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

export function registerSession(app: ReturnType<typeof createRouter>) {
  app.openapi(loginRoute, async (c) => {
    const { username, password } = c.req.valid('json');
    const deps = c.get('deps');
    const tenant = c.get('tenant');
    const tokens = await deps.identity.login(poolUsername(tenant, username), password);
    // The person comes from the county's records, as on every request: a directory account alone gets nothing.
    const { principal } = await resolveCaller(c, await deps.tokens.verify(tokens.accessToken));
    return c.json({ ...tokens, user: sessionUserOf(principal) }, 200);
  });

  app.openapi(refreshRoute, async (c) => {
    const { refreshToken } = c.req.valid('json');
    const deps = c.get('deps');
    const tokens = await deps.identity.refresh(refreshToken);
    const { principal } = await resolveCaller(c, await deps.tokens.verify(tokens.accessToken));
    return c.json(
      {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? refreshToken,
        expiresIn: tokens.expiresIn,
        user: sessionUserOf(principal),
      },
      200,
    );
  });
}

/** The caller as the session and `/me` describe them: the person's own id, never a provider's subject. */
export function sessionUserOf(principal: Principal) {
  return {
    id: principal.userId,
    username: principal.username,
    role: principal.role,
    scope: principal.grants.map(formatGrant),
  };
}

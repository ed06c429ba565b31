import { described, ForbiddenError } from '@gridsafe/core';
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

const loginRoute = createRoute({
  method: 'post',
  path: '/session',
  tags: ['session'],
  summary: 'Log a vendor operator in (the same user pool as the counties, username @platform:<name>)',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: LoginSchema } } } },
  responses: {
    200: {
      description: 'Tokens and the operator',
      content: { 'application/json': { schema: SessionSchema } },
    },
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

export function registerPlatformSession(app: PlatformRouter) {
  app.openapi(loginRoute, async (c) => {
    const { username, password } = c.req.valid('json');
    const deps = c.get('deps');
    const tokens = await (deps.operatorDirectory ?? deps.identity).login(
      platformPoolUsername(username),
      password,
    );
    const operator = operatorOf(deps, await deps.tokens.verify(tokens.accessToken));
    if (!operator) throw new ForbiddenError('This account is not a vendor operator.');
    return c.json(
      { ...tokens, user: { id: operator.userId, username, role: 'vendor_operator' as const } },
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

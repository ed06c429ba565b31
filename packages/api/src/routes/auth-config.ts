import { described, loginOptions } from '@gridsafe/core';
import * as z from 'zod/mini';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const AuthConfigSchema = described(
  z.object({
    passwordLogin: described(z.boolean(), { description: 'Whether the username + password form works here' }),
    providers: described(
      z.array(z.object({ id: z.string(), name: z.string(), issuer: z.string(), clientId: z.string() })),
      { description: 'The OpenID providers to offer an authorization-code (PKCE) login with' },
    ),
  }),
  { id: 'AuthConfig' },
);

const route = createRoute({
  method: 'get',
  path: '/auth-config',
  tags: ['session'],
  summary: 'How people of this county log in (public)',
  security: [],
  responses: {
    200: { description: 'The login options', content: { 'application/json': { schema: AuthConfigSchema } } },
  },
});

export function registerAuthConfig(app: ReturnType<typeof createRouter>) {
  app.openapi(route, (c) => c.json(loginOptions(c.get('deps').authProviders, c.get('tenant')), 200));
}

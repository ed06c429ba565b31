import { formatGrant } from '@gridsafe/core';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { SessionUserSchema } from './session.ts';

const route = createRoute({
  method: 'get',
  path: '/me',
  tags: ['session'],
  summary: 'The caller',
  responses: {
    200: { description: 'The caller', content: { 'application/json': { schema: SessionUserSchema } } },
  },
});

export function registerMe(app: ReturnType<typeof createRouter>) {
  app.openapi(route, (c) => {
    const principal = c.get('principal');
    return c.json(
      {
        id: principal.userId,
        username: principal.username,
        role: principal.role,
        scope: principal.grants.map(formatGrant),
      },
      200,
    );
  });
}

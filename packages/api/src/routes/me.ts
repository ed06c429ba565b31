import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { SessionUserSchema, sessionUserOf } from './session.ts';

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
  app.openapi(route, (c) => c.json(sessionUserOf(c.get('principal')), 200));
}

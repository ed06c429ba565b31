import { authorize, described, LOGIN_EVENT_KINDS } from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS, PageQuerySchema, pageOf } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const LoginEventSchema = described(
  z.object({
    id: z.string(),
    at: z.string(),
    kind: z.enum(LOGIN_EVENT_KINDS),
    username: z.string(),
    userId: z.optional(z.string()),
    sourceIp: z.optional(z.string()),
    userAgent: z.optional(z.string()),
    detail: z.optional(z.string()),
  }),
  { id: 'LoginEvent' },
);

const listRoute = createRoute({
  method: 'get',
  path: '/login-events',
  tags: ['session'],
  summary: 'The county’s login log, newest first (county admin)',
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: 'One page of events',
      content: { 'application/json': { schema: pageOf(LoginEventSchema, 'LoginEventPage') } },
    },
    ...COMMON_ERRORS,
  },
});

export function registerLoginEvents(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    authorize(c.get('principal'), 'loginEvent.read');
    const { limit, cursor } = c.req.valid('query');
    // The log's reader is a chunk of its own: an admin reads it now and then, no cold start should carry it.
    const { listLoginEvents } = await import('./login-event-list.ts');
    return c.json(await listLoginEvents(c, limit, cursor), 200);
  });
}

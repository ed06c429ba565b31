import { described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const DependencySchema = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.number(),
  detail: z.optional(z.string()),
});

const HealthSchema = described(
  z.object({
    status: z.enum(['ok', 'degraded']),
    tenant: z.string(),
    time: z.string(),
    dependencies: z.record(z.string(), DependencySchema),
  }),
  { id: 'Health' },
);

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['service'],
  summary: 'Service health and the state of each dependency',
  security: [],
  responses: {
    200: {
      description: 'All dependencies answer',
      content: { 'application/json': { schema: HealthSchema } },
    },
    503: { description: 'A dependency is down', content: { 'application/json': { schema: HealthSchema } } },
  },
});

/** Checks run in parallel and each is bounded, so a dead dependency makes health slow by at most ~3 s. */
export function registerHealth(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    // The checks are a chunk of their own (health-check.ts): monitoring calls health, people never do.
    const { checkHealth } = await import('./health-check.ts');
    const { healthy, body } = await checkHealth(c);
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
}

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
    const deps = c.get('deps');
    const tenant = c.get('tenant');
    const entries = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        const started = performance.now();
        try {
          await withTimeout(check(tenant), 3_000);
          return [
            name,
            { status: 'ok' as const, latencyMs: Math.round(performance.now() - started) },
          ] as const;
        } catch (error) {
          deps.logger.warn('health check failed', { dependency: name, error });
          return [
            name,
            {
              status: 'down' as const,
              latencyMs: Math.round(performance.now() - started),
              detail: 'unreachable',
            },
          ] as const;
        }
      }),
    );
    const dependencies = Object.fromEntries(entries);
    const healthy = entries.every(([, state]) => state.status === 'ok');
    const body = {
      status: healthy ? ('ok' as const) : ('degraded' as const),
      tenant,
      time: deps.clock.now().toISOString(),
      dependencies,
    };
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

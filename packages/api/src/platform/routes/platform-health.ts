import { described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { createRoute } from '../../openapi/route.ts';
import type { PlatformRouter } from '../platform-router.ts';

const PlatformHealthSchema = described(
  z.object({
    status: z.enum(['ok', 'degraded']),
    time: z.string(),
    dependencies: z.record(
      z.string(),
      z.object({ status: z.enum(['ok', 'down']), latencyMs: z.number(), detail: z.optional(z.string()) }),
    ),
  }),
  { id: 'PlatformHealth' },
);

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['service'],
  summary: 'Control-plane health and the state of each dependency',
  security: [],
  responses: {
    200: {
      description: 'All dependencies answer',
      content: { 'application/json': { schema: PlatformHealthSchema } },
    },
    503: {
      description: 'A dependency is down',
      content: { 'application/json': { schema: PlatformHealthSchema } },
    },
  },
});

/** Each check is bounded at 3 s and they run in parallel, as in the county API. */
export function registerPlatformHealth(app: PlatformRouter) {
  app.openapi(route, async (c) => {
    const deps = c.get('deps');
    const entries = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        const started = performance.now();
        try {
          await withTimeout(check(), 3_000);
          return [
            name,
            { status: 'ok' as const, latencyMs: Math.round(performance.now() - started) },
          ] as const;
        } catch (error) {
          deps.logger.warn('health check failed', { dependency: name, error });
          const latencyMs = Math.round(performance.now() - started);
          return [name, { status: 'down' as const, latencyMs, detail: 'unreachable' }] as const;
        }
      }),
    );
    const healthy = entries.every(([, state]) => state.status === 'ok');
    const body = {
      status: healthy ? ('ok' as const) : ('degraded' as const),
      time: deps.clock.now().toISOString(),
      dependencies: Object.fromEntries(entries),
    };
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

import { ValidationError } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createRoute, Router } from '../../packages/api/src/openapi/route.ts';

/**
 * Requests are validated with a synchronous parse (an asynchronous one cost every request its promises); a schema
 * with an asynchronous check still works, parsed asynchronously.
 */
function appWith(query: z.ZodMiniType) {
  const app = new Router();
  app.onError((error, c) =>
    error instanceof ValidationError
      ? c.json({ problems: error.problems }, 400)
      : c.json({ error: String(error) }, 500),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/things',
      request: { query },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => c.json({ valid: c.req.valid('query') }, 200),
  );
  return app;
}

describe('request validation', () => {
  const Limit = z.object({ limit: z.string().check(z.regex(/^\d+$/, 'must be a number')) });

  it('answers a valid query with the parsed values and names the bad field of an invalid one', async () => {
    const app = appWith(Limit);
    expect(await (await app.request('/things?limit=5')).json()).toEqual({ valid: { limit: '5' } });
    const refused = await app.request('/things?limit=five');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      problems: [{ path: 'query.limit', message: 'must be a number' }],
    });
  });

  it('still validates a schema with an asynchronous check, which a synchronous parse cannot run', async () => {
    const app = appWith(
      z.object({
        name: z.string().check(
          z.refine(async (name) => {
            await new Promise((resolve) => setTimeout(resolve, 1));
            return name !== 'taken';
          }, 'is taken'),
        ),
      }),
    );
    expect(await (await app.request('/things?name=free')).json()).toEqual({ valid: { name: 'free' } });
    const refused = await app.request('/things?name=taken');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ problems: [{ path: 'query.name', message: 'is taken' }] });
  });
});

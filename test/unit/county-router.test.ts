import { type AppDeps, createApp } from '@gridsafe/api';
import { silentLogger, systemClock, ulidSource } from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

/**
 * hono's SmartRouter takes the first of its routers that accepts every route. RegExpRouter refuses a static segment
 * beside a parameter that another route of the same method has at that place (`POST /grids/import` beside an `ALL
 * /grids/:id/boundary`), and then every request of the county API is routed by the TrieRouter instead: 1.5–1.9 µs a
 * match in a warm loop against RegExpRouter's 0.5, and 23 µs against 8–11 by a profile of record pages, where each
 * request runs it cold (docs/performance.md, issue 20).
 */
describe('the county API router', () => {
  it('routes every request with RegExpRouter, so no route pushes the API onto the slower TrieRouter', async () => {
    const deps = {
      logger: silentLogger,
      ids: ulidSource,
      clock: systemClock,
      servesTenant: async () => false,
    } as unknown as AppDeps;
    const app = createApp(deps);
    // The router is chosen at the first request.
    const answer = await app.request('/t/nowhere/api/v1/me');
    expect(answer.status).toBe(404);
    const router = app.router as unknown as { activeRouter: { name: string } };
    expect(router.activeRouter.name).toBe('RegExpRouter');
  });
});

import { authorize, described, type RiskPoint, scopeFilter, ValidationError } from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData, readScope } from '../county-data.ts';
import { COMMON_ERRORS, IdQuery } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const route = createRoute({
  method: 'get',
  path: '/notice-boards',
  tags: ['risk points'],
  summary: 'Every filed notice board of a unit or of a village, as one printable HTML document (A4 a board)',
  request: {
    query: z.object({
      unit: described(z.optional(IdQuery), { description: 'The boards of this unit' }),
      grid: described(z.optional(IdQuery), { description: 'The boards of this village' }),
    }),
  },
  responses: {
    200: { description: 'HTML document', content: { 'text/html': { schema: z.string() } } },
    ...COMMON_ERRORS,
  },
});

export function registerNoticeBoards(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    authorize(c.get('principal'), 'riskPoint.read');
    const { unit, grid } = c.req.valid('query');
    if ((unit === undefined) === (grid === undefined))
      throw new ValidationError([{ path: 'query.unit', message: 'name either a unit or a village (grid)' }]);
    const data = countyData(c);
    if (grid !== undefined) {
      const node = await data.grids.get(grid);
      if (node && node.level !== 'village')
        throw new ValidationError([
          { path: 'query.grid', message: 'boards print by village, not a larger area' },
        ]);
    }
    const { unitId, ...area } = scopeFilter(await readScope(c, { grid, unit }));
    const points: RiskPoint[] = [];
    let cursor: string | undefined;
    do {
      const page = await data.riskPoints.list({ ...area, status: 'filed' }, { limit: 100, cursor });
      points.push(...page.items.filter((point) => !unitId || point.unitId === unitId));
      cursor = page.nextCursor;
    } while (cursor);
    points.sort(
      (a, b) => a.unitName.localeCompare(b.unitName, 'zh-CN') || a.name.localeCompare(b.name, 'zh-CN'),
    );
    const { recordLink, renderNoticeBoards } = await import('./notice-board.ts');
    const origin = c.get('deps').publicOrigin;
    const page = await renderNoticeBoards(
      points.map((point) => ({
        point,
        recordUrl: recordLink(origin, c.get('tenant'), point.id),
        unitName: point.unitName,
      })),
      `风险管控告知牌 · ${points.length}`,
    );
    return c.html(page, 200);
  });
}

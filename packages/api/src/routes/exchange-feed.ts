import {
  authorize,
  described,
  type ExchangeHazard,
  ExchangeRecordSchema,
  type ExchangeRiskPoint,
  exchangeHazard,
  exchangeRiskPoint,
  type Hazard,
  type RiskPoint,
  scopeFilter,
} from '@gridsafe/core';
import { exchangeFeed, hazardEntity, riskPointEntity } from '@gridsafe/db';
import * as z from 'zod/mini';
import { readScope } from '../county-data.ts';
import { COMMON_ERRORS, IdQuery, json, PageQuerySchema } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

/**
 * The export feed (信息交互): filed risk points and hazards changed since a time, oldest change first, for a
 * province's 双重预防 platform or a city's 监管通 to take in (docs/exchange.md). One Query of the sparse `changed`
 * index a page; the caller's area applies as on every list.
 */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const FeedQuerySchema = z.extend(PageQuerySchema, {
  since: described(
    z.optional(
      z
        .string()
        .check(
          z.refine(
            (value) => ISO_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value)),
            'must be an ISO 8601 date-time with an offset, e.g. 2026-06-01T00:00:00Z',
          ),
        ),
    ),
    {
      description:
        'Only records changed at or after this time (ISO 8601 with an offset); absent, the whole feed from the start',
    },
  ),
  grid: described(z.optional(IdQuery), { description: 'Only this grid node’s subtree' }),
  department: described(z.optional(IdQuery), { description: 'Only this department’s industries' }),
  unit: described(z.optional(IdQuery), { description: 'Only this unit’s' }),
});

const FeedPageSchema = described(
  z.object({
    items: z.array(ExchangeRecordSchema),
    nextCursor: described(z.optional(z.string()), {
      description: 'Absent on the last page; pass it back with the same `since` for the next page',
    }),
  }),
  { id: 'ExchangeFeedPage' },
);

const feedRoute = createRoute({
  method: 'get',
  path: '/exchange/feed',
  tags: ['exchange'],
  summary: 'Filed risk points and hazards changed since a time, oldest change first (the export feed)',
  description:
    'Each item is the record as it is now (`kind` says which shape: `risk-point` or `hazard`); a record changed twice appears once, at its last change. A risk point appears while it is filed. Poll with `since` = the `updatedAt` of the last item taken in (a record changed at that very moment comes again; keep the highest `version` of each id). docs/exchange.md describes every field.',
  request: { query: FeedQuerySchema },
  responses: { 200: json(FeedPageSchema, 'A page of the feed'), ...COMMON_ERRORS },
});

export function registerExchangeFeed(app: ReturnType<typeof createRouter>) {
  app.openapi(feedRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'exchange.read');
    authorize(principal, 'riskPoint.read');
    authorize(principal, 'hazard.read');
    const { since, grid, department, unit, limit, cursor } = c.req.valid('query');
    const scope = await readScope(c, { grid, department, unit });
    const from = since ? new Date(since).toISOString() : '';
    const page = await exchangeFeed(c.get('store'), from, scopeFilter(scope), { limit, cursor });
    const items = page.items.flatMap((item): (ExchangeRiskPoint | ExchangeHazard)[] => {
      if (item.type === 'RiskPoint') return [exchangeRiskPoint(riskPointEntity.fromItem<RiskPoint>(item))];
      if (item.type === 'Hazard') return [exchangeHazard(hazardEntity.fromItem<Hazard>(item))];
      return [];
    });
    return c.json({ items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
  });
}

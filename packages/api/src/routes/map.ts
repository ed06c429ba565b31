import {
  AlertLevelSchema,
  authorize,
  ColorSchema,
  CreditLevelSchema,
  coercedNumber,
  described,
  hasCapability,
  IndustryCodeSchema,
  NotFoundError,
  RiskPointStatusSchema,
  scopeFilter,
  ValidationError,
} from '@gridsafe/core';
import { AlertRepository, CreditRepository, MapSnapshot } from '@gridsafe/db';
import * as z from 'zod/mini';
import { countyData, readScope } from '../county-data.ts';
import { COMMON_ERRORS, IdQuery, json, PageQuerySchema } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

/**
 * The map reads every position in the caller's area (8,500 units in Taihe), so a page is as large as the response
 * stays small (10,000 positions are ~650 KB of JSON). Each Query still stops at DynamoDB's 1 MB read and answers a
 * cursor for the rest: about 4,000 units of the narrow `map` index, so Taihe's units are three pages, not nine.
 */
const MAP_PAGE_LIMIT = 10_000;

/** Where the map looks: both the feed and the snapshot narrow by these. */
const PLACE_QUERY = {
  grid: described(z.optional(IdQuery), { description: 'Only this grid node’s subtree' }),
  department: described(z.optional(IdQuery), { description: 'Only this department’s industries' }),
  industry: z.optional(IndustryCodeSchema),
};

export const MapPointsQuerySchema = z.extend(PageQuerySchema, {
  kind: described(z.enum(['unit', 'risk-point', 'alert']), {
    description: 'Units, risk points, or open monitoring alerts (at their unit or point)',
  }),
  limit: described(
    z._default(coercedNumber().check(z.int(), z.minimum(1), z.maximum(MAP_PAGE_LIMIT)), MAP_PAGE_LIMIT),
    { description: `Page size, at most ${MAP_PAGE_LIMIT}` },
  ),
  ...PLACE_QUERY,
  color: described(z.optional(ColorSchema), { description: 'Risk points of this colour (kind=risk-point)' }),
  status: described(z.optional(RiskPointStatusSchema), {
    description: 'Risk points in this status (kind=risk-point)',
  }),
  include: described(z.optional(z.enum(['credit'])), {
    description: '`credit`: each unit with its credit level (kind=unit; one more Query a page)',
  }),
});

const MapPointSchema = described(
  z.object({
    id: z.string(),
    lat: z.number(),
    lng: z.number(),
    color: described(z.optional(ColorSchema), { description: 'A risk point’s colour' }),
    status: described(z.optional(RiskPointStatusSchema), { description: 'A risk point’s status' }),
    credit: described(z.optional(CreditLevelSchema), { description: 'A unit’s credit level, once rated' }),
    level: described(z.optional(AlertLevelSchema), { description: 'An alert’s warning level' }),
    unitId: described(z.optional(z.string()), { description: 'An alert’s unit' }),
  }),
  { id: 'MapPoint' },
);
const MapPointPageSchema = described(
  z.object({
    kind: z.enum(['unit', 'risk-point', 'alert']),
    items: z.array(MapPointSchema),
    nextCursor: z.optional(z.string()),
  }),
  { id: 'MapPointPage' },
);

const route = createRoute({
  method: 'get',
  path: '/map/points',
  tags: ['map'],
  summary:
    'The map’s feed: compact positions (id, lat, lng, and a risk point’s colour and status) of units or risk points in the caller’s area, by grid, department, industry, colour and status',
  description:
    'Read from a narrow index holding only these fields (never whole records), up to 10,000 a page; units without a position are left out.',
  request: { query: MapPointsQuerySchema },
  responses: { 200: json(MapPointPageSchema, 'A page of positions'), ...COMMON_ERRORS },
});

export const MapPositionsQuerySchema = z.object({
  ...PLACE_QUERY,
  color: described(z.optional(ColorSchema), {
    description: 'Risk points of this colour (units are not narrowed)',
  }),
  status: described(z.optional(RiskPointStatusSchema), {
    description: 'Risk points in this status (units are not narrowed)',
  }),
});

const MapPositionsSchema = described(
  z.object({
    units: described(z.array(z.tuple([z.string(), z.number(), z.number(), z.nullable(CreditLevelSchema)])), {
      description:
        'Each unit with a position as `[id, lat, lng, credit level or null]`; empty for a role that reads no units',
    }),
    riskPoints: described(
      z.array(z.tuple([z.string(), z.number(), z.number(), ColorSchema, RiskPointStatusSchema])),
      {
        description: 'Each risk point as `[id, lat, lng, colour, status]`',
      },
    ),
  }),
  { id: 'MapPositions' },
);

const positionsRoute = createRoute({
  method: 'get',
  path: '/map/positions',
  tags: ['map'],
  summary:
    'The whole map in one answer: every unit’s and risk point’s position in the caller’s area, as compact arrays, by grid, department, industry, colour and status',
  description:
    'Answered from the county’s map snapshot (one read of about 1 MB for 11,000 places), rebuilt after any change to a unit, a risk point or a credit rating; no pages. `GET /map/points` pages the same positions as objects.',
  request: { query: MapPositionsQuerySchema },
  responses: { 200: json(MapPositionsSchema, 'Every position in the caller’s area'), ...COMMON_ERRORS },
});

export function registerMap(app: ReturnType<typeof createRouter>) {
  app.openapi(positionsRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'riskPoint.read');
    const { grid, department, industry, color, status } = c.req.valid('query');
    const scope = await readScope(c, { grid, department });
    // Within the caller's reach, another county's department (or none) is a 404, as a named grid is, not an empty map.
    if (department && !(await countyData(c).departments.get(department)))
      throw new NotFoundError('department');
    const places = await new MapSnapshot(c.get('store')).places({
      ...scopeFilter(scope),
      industry,
      color,
      status,
      // A unit's people see the units they hold, as the unit list answers them.
      ...(scope.kind === 'unit'
        ? { ownUnits: principal.grants.filter((g) => g.kind === 'unit').map((g) => g.id) }
        : {}),
    });
    return c.json(hasCapability(principal, 'unit.read') ? places : { ...places, units: [] }, 200);
  });

  app.openapi(route, async (c) => {
    const principal = c.get('principal');
    const { kind, grid, department, industry, color, status, include, limit, cursor } = c.req.valid('query');
    const rated = include === 'credit';
    const data = countyData(c);
    if (kind === 'unit') {
      authorize(principal, 'unit.read');
      if (color || status)
        throw new ValidationError([
          { path: color ? 'query.color' : 'query.status', message: 'describes risk points, not units' },
        ]);
      const scope = await readScope(c, { grid, department });
      if (scope.kind === 'unit') {
        // A unit's people see the units they hold, as the unit list answers them.
        const own = await Promise.all(
          principal.grants.filter((g) => g.kind === 'unit').map((g) => data.units.get(g.id)),
        );
        const items = own.flatMap((unit) => (unit?.location ? [{ id: unit.id, ...unit.location }] : []));
        return c.json({ kind, items: rated ? await withCreditLevels(c.get('store'), items) : items }, 200);
      }
      const page = await data.units.listPositions(
        { ...scopeFilter(scope), industry },
        { limit, cursor },
        { credit: rated },
      );
      return c.json({ kind, items: page.items, nextCursor: page.nextCursor }, 200);
    }
    if (kind === 'alert') {
      authorize(principal, 'alert.read');
      if (color || status || industry)
        throw new ValidationError([
          {
            path: color ? 'query.color' : status ? 'query.status' : 'query.industry',
            message: 'is not an alert’s',
          },
        ]);
      const scope = await readScope(c, { grid, department });
      const page = await new AlertRepository(c.get('store')).list(
        { ...scopeFilter(scope), status: 'open' },
        { limit, cursor },
      );
      const items = page.items.flatMap((alert) =>
        alert.location
          ? [
              {
                id: alert.id,
                ...alert.location,
                level: alert.level,
                ...(alert.unitId ? { unitId: alert.unitId } : {}),
              },
            ]
          : [],
      );
      return c.json({ kind, items, nextCursor: page.nextCursor }, 200);
    }
    authorize(principal, 'riskPoint.read');
    const { unitId, ...area } = scopeFilter(await readScope(c, { grid, department }));
    const page = await data.riskPoints.listPositions({ ...area, color, status, industry }, { limit, cursor });
    // The register's indexes have no unit key: a unit's points are its village's, filtered.
    const items = page.items
      .filter((point) => !unitId || point.unitId === unitId)
      .map((point) => ({ id: point.id, ...point.location, color: point.color, status: point.status }));
    return c.json({ kind, items, nextCursor: page.nextCursor }, 200);
  });
}

/** Each unit's credit level (BatchGetItem of the ratings beside the page's units, 100 keys a call). */
async function withCreditLevels<T extends { id: string }>(
  store: ConstructorParameters<typeof CreditRepository>[0],
  items: T[],
) {
  const credits = await new CreditRepository(store).many(items.map((item) => item.id));
  return items.map((item) => {
    const level = credits.get(item.id)?.level;
    return level ? { ...item, credit: level } : item;
  });
}

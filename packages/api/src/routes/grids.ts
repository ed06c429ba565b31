import {
  assertValidParent,
  authorize,
  CreateGridSchema,
  canSeeGrid,
  coversWholeCounty,
  described,
  ForbiddenError,
  GridLevelSchema,
  type GridNode,
  GridNodeSchema,
  gridGrantIds,
  NotFoundError,
  toGridStats,
  UlidSchema,
  UpdateGridSchema,
  ValidationError,
} from '@gridsafe/core';
import { readGridCounters } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { COMMON_ERRORS, IdParamSchema, json, PageQuerySchema } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { auditTrail, recordRoutes } from './record-routes.ts';

const GridListQuerySchema = z.extend(PageQuerySchema, {
  parent: described(z.optional(UlidSchema), { description: 'Children of this node' }),
  level: described(z.optional(GridLevelSchema), {
    description: 'Only nodes of this level (within `parent` if given)',
  }),
  within: described(z.optional(UlidSchema), {
    description: 'The whole subtree of this node, parents before children',
  }),
});

const GridStatsSchema = described(
  z.object({
    gridId: z.string(),
    units: z.number().check(z.int()),
    riskPoints: z.object({
      red: z.number().check(z.int()),
      orange: z.number().check(z.int()),
      yellow: z.number().check(z.int()),
      blue: z.number().check(z.int()),
      ungraded: z.number().check(z.int()),
      total: z.number().check(z.int()),
      byStatus: z.object({
        draft: z.number().check(z.int()),
        submitted: z.number().check(z.int()),
        township_approved: z.number().check(z.int()),
        filed: z.number().check(z.int()),
      }),
    }),
    hazards: z.object({
      open: z.number().check(z.int()),
      overdue: z.number().check(z.int()),
      closed: z.number().check(z.int()),
      byLevel: z.object({
        village: z.number().check(z.int()),
        township: z.number().check(z.int()),
        county: z.number().check(z.int()),
      }),
    }),
    inspections: described(
      z.object({ done: z.number().check(z.int()), awaitingFollowUp: z.number().check(z.int()) }),
      { description: 'Enforcement inspections in the subtree, and orders awaiting their follow-up' },
    ),
  }),
  { id: 'GridStats' },
);

const gridRoutes = recordRoutes('grids', 'grids');
const listRoute = gridRoutes.list(
  'Grid nodes: children of a node, a level, a whole subtree, or the caller’s own nodes',
  GridListQuerySchema,
  { item: GridNodeSchema, name: 'GridNodePage', answer: 'Grid nodes' },
);
const getRoute = gridRoutes.get('One grid node', GridNodeSchema, 'The node');
const createGridRoute = gridRoutes.create(
  'Create a township or village (county admin)',
  CreateGridSchema,
  GridNodeSchema,
  { keyed: false },
);
const patchRoute = gridRoutes.patch(
  'Rename a node, name who answers for it, or move a village to another township (county admin)',
  UpdateGridSchema,
  GridNodeSchema,
);
const statsRoute = createRoute({
  method: 'get',
  path: '/grids/{id}/stats',
  tags: ['grids'],
  summary: 'Counters of the subtree (read from counters, never counted)',
  request: { params: IdParamSchema },
  responses: { 200: json(GridStatsSchema, 'Counters'), ...COMMON_ERRORS },
});
const auditRoute = gridRoutes.audit('The node’s history, oldest first, with the hash chain verified');

/** A node the caller may see, or 404 (missing or another county) / 403 (same county, not theirs). */
export async function visibleNode(c: Context<AppEnv>, id: string): Promise<GridNode> {
  const node = await countyData(c).grids.get(id);
  if (!node) throw new NotFoundError('grid');
  if (!canSeeGrid(c.get('principal'), node.path)) throw new ForbiddenError('This grid is outside your area.');
  return node;
}

export function registerGrids(app: ReturnType<typeof createRouter>) {
  app.openapi(listRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'grid.read');
    const { parent, level, within, limit, cursor } = c.req.valid('query');
    const { grids } = countyData(c);
    const named = within ?? parent;
    if (named) {
      const { path } = await readScope(c, { grid: named }, 'grid-nodes');
      if (within) return c.json(await grids.listSubtree(path, { limit, cursor }), 200);
      const page = level
        ? await grids.listByLevel(level, `${path}/`, { limit, cursor })
        : await grids.listChildren(named, { limit, cursor });
      return c.json(page, 200);
    }
    // Without a node: a whole level, or the caller's starting points (the county root, or their own nodes).
    const wholeCounty = coversWholeCounty(principal, 'grid-nodes');
    if (level && !wholeCounty) {
      throw new ValidationError([
        { path: 'query.parent', message: 'is required for your role together with level' },
      ]);
    }
    if (wholeCounty)
      return c.json(await grids.listByLevel(level ?? 'county', undefined, { limit, cursor }), 200);
    const own = await Promise.all(gridGrantIds(principal).map((id) => grids.get(id)));
    return c.json({ items: own.filter((node): node is GridNode => node !== undefined) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    authorize(c.get('principal'), 'grid.read');
    return c.json(await visibleNode(c, c.req.valid('param').id), 200);
  });

  app.openapi(createGridRoute, async (c) => {
    authorize(c.get('principal'), 'grid.manage');
    const input = c.req.valid('json');
    const { grids } = countyData(c);
    const parent = await grids.get(input.parentId);
    if (!parent) throw new ValidationError([{ path: 'parentId', message: 'no such grid in this county' }]);
    assertValidParent(input.level, parent);
    const node = await grids.create(
      {
        id: c.get('deps').ids.next(),
        level: input.level,
        name: input.name,
        code: input.code,
        parent,
        responsible: input.responsible,
      },
      writeContext(c),
    );
    return c.json(node, 201);
  });

  app.openapi(patchRoute, async (c) => {
    authorize(c.get('principal'), 'grid.manage');
    const { id } = c.req.valid('param');
    // Moving a village and carrying its records along is a chunk of its own (grid-change.ts): rare, and heavy.
    const { changeGrid } = await import('./grid-change.ts');
    const node = await changeGrid(c, id, c.req.valid('json'));
    const { rehomeFrom: _mark, ...body } = node;
    return c.json(body, 200);
  });

  app.openapi(statsRoute, async (c) => {
    authorize(c.get('principal'), 'stats.read');
    const id = c.req.valid('param').id;
    // The counters are keyed by the grid's id, so they are read beside the node instead of after it: one round
    // trip of latency, not two. Nothing is answered until the node says the caller may see it.
    const [node, { counters }] = await Promise.all([
      visibleNode(c, id),
      readGridCounters(countyData(c).store, id),
    ]);
    return c.json(toGridStats(node.id, counters), 200);
  });

  app.openapi(auditRoute, async (c) => {
    authorize(c.get('principal'), 'grid.read');
    const node = await visibleNode(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'grid', node.id), 200);
  });
}

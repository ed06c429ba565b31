import {
  authorize,
  boundaryGeometry,
  canSeeGrid,
  described,
  GridBoundarySchema,
  GridBoundaryUploadSchema,
  MAX_BOUNDARY_BYTES,
  NotFoundError,
  PayloadTooLargeError,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { countyData, writeContext } from '../county-data.ts';
import {
  COMMON_ERRORS,
  expectedVersion,
  IdParamSchema,
  json,
  VersionHeaderSchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { visibleNode } from './grids.ts';

/**
 * A grid node's boundary (GeoJSON), uploaded now and then by the county admin and read by the map: a route group
 * of its own, loaded at its first request (not in the county API's cold start).
 */
const getBoundaryRoute = createRoute({
  method: 'get',
  path: '/grids/{id}/boundary',
  tags: ['grids'],
  summary: 'The node’s boundary (GeoJSON), 404 when none was uploaded',
  request: { params: IdParamSchema },
  responses: { 200: json(GridBoundarySchema, 'The boundary'), ...COMMON_ERRORS },
});
const putBoundaryRoute = createRoute({
  method: 'put',
  path: '/grids/{id}/boundary',
  tags: ['grids'],
  summary: 'Set the node’s boundary (county admin)',
  description:
    'A GeoJSON Polygon or MultiPolygon in WGS 84 longitude/latitude, bare or as a Feature; rings closed. Up to 256 KB (simplify a survey-grade outline first).',
  request: {
    params: IdParamSchema,
    headers: VersionHeaderSchema,
    body: { required: true, content: { 'application/json': { schema: GridBoundaryUploadSchema } } },
  },
  responses: { 200: json(GridBoundarySchema, 'Saved'), ...WRITE_ERRORS },
});

const ChildBoundariesSchema = described(
  z.object({
    items: z.array(
      z.extend(GridBoundarySchema, { name: z.string(), level: z.enum(['township', 'village']) }),
    ),
  }),
  { id: 'GridChildBoundaries' },
);
const childBoundariesRoute = createRoute({
  method: 'get',
  path: '/grids/{id}/child-boundaries',
  tags: ['grids'],
  summary: 'The boundaries of the node’s children in your area (the map draws them)',
  description:
    'Each child of the node that has a boundary, with its name and level: the county’s townships, or a township’s villages. Children without a boundary are left out.',
  request: { params: IdParamSchema },
  responses: { 200: json(ChildBoundariesSchema, 'The children’s boundaries'), ...COMMON_ERRORS },
});

/** More children than any county node has (Taihe's largest township has 17 villages, the county 32 townships). */
const MAX_CHILDREN = 500;

export function registerGridBoundary(app: ReturnType<typeof createRouter>) {
  app.openapi(getBoundaryRoute, async (c) => {
    authorize(c.get('principal'), 'grid.read');
    const node = await visibleNode(c, c.req.valid('param').id);
    const boundary = await countyData(c).grids.getBoundary(node.id);
    if (!boundary) throw new NotFoundError('boundary');
    return c.json(boundary, 200);
  });

  app.openapi(childBoundariesRoute, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'grid.read');
    const node = await visibleNode(c, c.req.valid('param').id);
    const { grids } = countyData(c);
    const children = (await grids.listChildren(node.id, { limit: MAX_CHILDREN })).items.filter(
      (child) => child.level !== 'county' && canSeeGrid(principal, child.path),
    );
    const boundaries = await grids.getBoundaries(children.map((child) => child.id));
    const childById = new Map(children.map((child) => [child.id, child]));
    return c.json(
      {
        items: boundaries.map((boundary) => {
          const child = childById.get(boundary.gridId)!;
          return { ...boundary, name: child.name, level: child.level as 'township' | 'village' };
        }),
      },
      200,
    );
  });

  app.openapi(putBoundaryRoute, async (c) => {
    authorize(c.get('principal'), 'grid.manage');
    const { geometry, positions } = boundaryGeometry(c.req.valid('json'));
    const bytes = new TextEncoder().encode(JSON.stringify(geometry)).length;
    if (bytes > MAX_BOUNDARY_BYTES)
      throw new PayloadTooLargeError(`The boundary is ${bytes} bytes; simplify it to 256 KB or less.`);
    const { grids } = countyData(c);
    const stored = await grids.getWithChain(c.req.valid('param').id);
    if (!stored) throw new NotFoundError('grid');
    const version = expectedVersion(c, undefined, Number(stored.version));
    return c.json(
      await grids.setBoundary(stored, geometry, version, writeContext(c), { bytes, positions }),
      200,
    );
  });
}

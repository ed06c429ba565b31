import {
  applyResourceChange,
  authorize,
  canSeeResource,
  type EmergencyResource,
  ForbiddenError,
  NotFoundError,
  newResource,
  parseNear,
  scopeFilter,
  ValidationError,
} from '@gridsafe/core';
import { fromItem, ResourceRepository } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { expectedVersion } from '../http-helpers.ts';
import type { createRouter } from '../openapi-hono.ts';
import { registerPlans } from './plans.ts';
import { auditTrail } from './record-routes.ts';
import { routes } from './resource-schemas.ts';

/** A resource the caller may see: 404 when missing or in another county, 403 when outside their area. */
async function visibleResource(c: Context<AppEnv>, id: string) {
  const stored = await new ResourceRepository(countyData(c).store).getStored(id, true);
  if (!stored) throw new NotFoundError('resource');
  const resource = fromItem<EmergencyResource>(stored);
  if (!canSeeResource(c.get('principal'), resource))
    throw new ForbiddenError('This resource is outside your area.');
  return { stored, resource };
}

/** The grid node a resource answers to, which must be in the caller's area (a 400 naming gridId when absent). */
async function resourceGrid(c: Context<AppEnv>, gridId: string) {
  const node = await countyData(c).grids.get(gridId);
  if (!node) throw new ValidationError([{ path: 'gridId', message: 'no such grid node in this county' }]);
  authorize(c.get('principal'), 'resource.manage', { gridPath: node.path });
  return node;
}

/**
 * Emergency resources (teams, supplies, experts) and the emergency plans of units and risk points: a route group
 * of its own, loaded at its first request (not in the county API's cold start).
 */
export function registerResources(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.list, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'resource.read');
    const { near, radiusKm, kind, grid, limit, cursor } = c.req.valid('query');
    const repository = new ResourceRepository(countyData(c).store);
    if (near !== undefined) {
      const items = await repository.near(parseNear(near), radiusKm, {
        ...(kind ? { kind } : {}),
        keep: (resource) => canSeeResource(principal, resource),
        limit,
      });
      return c.json({ items }, 200);
    }
    // Resources carry no department: like grid nodes, a department's people read them county-wide.
    const scope = await readScope(c, { grid }, 'grid-nodes');
    const page = await repository.list(
      { withinPath: scopeFilter(scope).withinPath, ...(kind ? { kind } : {}) },
      { limit, cursor },
    );
    return c.json(page, 200);
  });

  app.openapi(routes.create, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'resource.manage');
    const input = c.req.valid('json');
    const node = await resourceGrid(c, input.gridId);
    const ctx = writeContext(c);
    const resource = newResource(
      input,
      { id: c.get('deps').ids.next(), gridPath: node.path },
      principal.username,
      ctx.now,
    );
    return c.json(await new ResourceRepository(countyData(c).store).create(resource, ctx), 201);
  });

  app.openapi(routes.get, async (c) => {
    authorize(c.get('principal'), 'resource.read');
    return c.json((await visibleResource(c, c.req.valid('param').id)).resource, 200);
  });

  app.openapi(routes.patch, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'resource.manage');
    const { version: bodyVersion, ...change } = c.req.valid('json');
    const { stored, resource } = await visibleResource(c, c.req.valid('param').id);
    authorize(principal, 'resource.manage', { gridPath: resource.gridPath });
    const gridPath =
      change.gridId && change.gridId !== resource.gridId
        ? (await resourceGrid(c, change.gridId)).path
        : resource.gridPath;
    const version = expectedVersion(c, bodyVersion, resource.version);
    const after = applyResourceChange(resource, change, gridPath);
    const saved = await new ResourceRepository(countyData(c).store).update(
      stored,
      after,
      version,
      writeContext(c),
    );
    return c.json(saved, 200);
  });

  app.openapi(routes.audit, async (c) => {
    authorize(c.get('principal'), 'resource.read');
    const { resource } = await visibleResource(c, c.req.valid('param').id);
    return c.json(await auditTrail(c, 'resource', resource.id), 200);
  });

  registerPlans(app);
}

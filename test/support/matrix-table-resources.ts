import {
  canListSubtree,
  canSeeResource,
  coversWholeCounty,
  type EmergencyPlan,
  type EmergencyResource,
  hasCapability,
  inScope,
  type Role,
} from '@gridsafe/core';
import { TenantStore } from '@gridsafe/db';
import { expect } from 'vitest';
import type { Entry, Reuse } from './matrix-rules.ts';
import { recordWitness, unitOf, unitTarget } from './matrix-table-county.ts';
import type { Case, Client, MatrixWorld } from './matrix-world.ts';
import { sha256Hex } from './photos.ts';

/**
 * The permission matrix's rows for emergency resources and plans: resources read by `resource.read` (county-wide
 * for the county and a department's people, as grid nodes are; otherwise in the caller's area) and kept by
 * `resource.manage` in the caller's area; plans read with their unit (`unit.read`) and filed by `plan.manage`.
 */

let seed = 0;
/** Each call's resource at a place of its own, so a witness's near search sees only that call's. */
const placeOf = (n: number) => ({ lat: 30 + (n % 200) * 0.05, lng: 110 + Math.floor(n / 200) * 0.05 });

function resourceBody(gridId: string, name: string, at: { lat: number; lng: number }) {
  return {
    kind: 'supply',
    name,
    location: at,
    address: '矩阵路1号',
    gridId,
    contact: { name: '矩阵', phone: '13900000000' },
    supplyType: '沙袋',
    quantity: 100,
  };
}

/** A resource at the grid node the role works in (or one beside it, or one of county B), made by its admin. */
async function resourceOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse): Promise<EmergencyResource> {
  const grid = await w.grid(role, c);
  return reuse(`resource:${grid.id}`, async () => {
    const made = await w
      .readerFor(c)
      .post('/resources', resourceBody(grid.id, `矩阵资源${seed++}`, placeOf(seed++)));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as EmergencyResource;
  });
}

/** A plan file announced and uploaded by `client`; its id. */
async function announcedFile(client: Client): Promise<string> {
  const bytes = new TextEncoder().encode(`%PDF-1.4 矩阵${seed++}`) as Uint8Array<ArrayBuffer>;
  const announced = await client.post('/plans/files', {
    contentType: 'application/pdf',
    size: bytes.byteLength,
    sha256: sha256Hex(bytes),
  });
  expect(announced.status, JSON.stringify(announced.body)).toBe(201);
  const upload = announced.body.upload;
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: bytes });
  expect(put.ok).toBe(true);
  return announced.body.photo.id;
}

/** A plan of the case's unit, filed by its county's admin. */
async function planOf(w: MatrixWorld, role: Role, c: Case, reuse: Reuse): Promise<EmergencyPlan> {
  const unit = await unitOf(w, role, c, reuse);
  return reuse(`plan:${unit.id}`, async () => {
    const reader = w.readerFor(c);
    const made = await reader.post('/plans', {
      unitId: unit.id,
      title: '矩阵预案',
      planVersion: 'V1',
      reviewDate: '2030-01-01',
      fileId: await announcedFile(reader),
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    return made.body as EmergencyPlan;
  });
}

function resourceRead(tail: string): Entry {
  return {
    may: 'resource.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const resource = await resourceOf(w, role, c, reuse);
      return { path: `/resources/${resource.id}${tail}`, reach: (p) => canSeeResource(p, resource) };
    },
  };
}

function planRead(tail: string): Entry {
  return {
    may: 'unit.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const plan = await planOf(w, role, c, reuse);
      return {
        path: `/plans/${plan.id}${tail}`,
        reach: (p) =>
          inScope(p, { gridPath: plan.gridPath, departmentId: plan.departmentId, unitId: plan.unitId }),
      };
    },
  };
}

export const RESOURCES_TABLE: Record<string, Entry> = {
  'GET /resources': {
    may: 'resource.read',
    success: 200,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      return {
        path: `/resources?grid=${grid.id}`,
        reach: (p) => coversWholeCounty(p, 'grid-nodes') || canListSubtree(p, grid.path),
      };
    },
  },
  'GET /resources · near a place': {
    may: 'resource.read',
    success: 200,
    cases: ['in'],
    call: async () => ({ path: '/resources?near=33.16,115.62&radiusKm=20' }),
  },
  'POST /resources': {
    may: 'resource.manage',
    success: 201,
    call: async (w, role, c) => {
      const grid = await w.grid(role, c);
      const name = `矩阵新资源${seed++}`;
      const at = placeOf(seed++);
      return {
        path: '/resources',
        body: resourceBody(grid.id, name, at),
        reach: (p) => inScope(p, { gridPath: grid.path }),
        // Another county's grid node is simply not this county's: a 400 naming gridId.
        missing: 400,
        witness: async () => {
          const near = await w.admin.get(`/resources?near=${at.lat},${at.lng}&radiusKm=1`);
          expect(near.status).toBe(200);
          return (near.body.items as EmergencyResource[]).filter((item) => item.name === name);
        },
      };
    },
  },
  'GET /resources/{id}': resourceRead(''),
  'GET /resources/{id}/audit': resourceRead('/audit'),
  'PATCH /resources/{id}': {
    may: 'resource.manage',
    success: 200,
    call: async (w, role, c, reuse) => {
      const resource = await resourceOf(w, role, c, reuse);
      return {
        path: `/resources/${resource.id}`,
        body: { quantity: 200, version: resource.version },
        reach: (p) => inScope(p, { gridPath: resource.gridPath }),
        witness: recordWitness(w.readerFor(c), `/resources/${resource.id}`),
      };
    },
  },
  'POST /plans/files': {
    may: 'plan.manage',
    success: 201,
    cases: ['in'],
    call: async (w, role) => {
      const bytes = new TextEncoder().encode(`%PDF-1.4 矩阵公告${seed++}`);
      // Announced under the caller's own draft (PLANDRAFT#<person>): a refused announcement leaves none there.
      const store = new TenantStore(w.api.deps.documentClient, w.api.tableName, w.tenant);
      const pk = store.key('PLANDRAFT', w.principals[role].userId);
      return {
        path: '/plans/files',
        body: { contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256Hex(bytes) },
        witness: async () =>
          (
            await store.queryAll({
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
            })
          ).length,
      };
    },
  },
  'POST /plans': {
    may: 'plan.manage',
    success: 201,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      const title = `矩阵新预案${seed++}`;
      // The file is the caller's own (only its announcer may name it); a role that cannot announce names the admin's.
      const announcer =
        role !== 'vendor_operator' && hasCapability({ role }, 'plan.manage') ? w.clientOf(role) : w.admin;
      const reader = w.readerFor(c);
      return {
        path: '/plans',
        body: {
          unitId: unit.id,
          title,
          planVersion: 'V1',
          reviewDate: '2030-01-01',
          fileId: await announcedFile(announcer),
        },
        reach: (p) => inScope(p, unitTarget(unit)),
        // Another county's unit is simply not this county's: a 400 naming unitId.
        missing: 400,
        witness: async () => {
          const plans = await reader.get(`/plans?unit=${unit.id}`);
          expect(plans.status).toBe(200);
          return (plans.body.items as EmergencyPlan[]).filter((plan) => plan.title === title);
        },
      };
    },
  },
  'GET /plans': {
    may: 'unit.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      return { path: `/plans?unit=${unit.id}`, reach: (p) => inScope(p, unitTarget(unit)) };
    },
  },
  'GET /plans/{id}': planRead(''),
  'GET /plans/{id}/file': planRead('/file'),
  'GET /plans/{id}/audit': planRead('/audit'),
};

import {
  CreatePlanSchema,
  CreateResourceSchema,
  coercedNumber,
  described,
  MAX_RESOURCE_RADIUS_KM,
  RESOURCE_KINDS,
  RequestPlanFileSchema,
  UpdateResourceSchema,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { PhotoUploadSchema } from '../evidence.ts';
import {
  COMMON_ERRORS,
  IdParamSchema,
  IdQuery,
  json,
  LocationOut,
  PageQuerySchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import { VERSIONED_FIELDS } from './record-fields.ts';
import { recordRoutes } from './record-routes.ts';

export const ResourceSchema = described(
  z.object({
    id: z.string(),
    kind: z.enum(RESOURCE_KINDS),
    name: z.string(),
    location: LocationOut,
    address: z.string(),
    geohash: z.string(),
    gridId: z.string(),
    gridPath: z.string(),
    contact: z.object({ name: z.string(), phone: z.string() }),
    members: z.optional(z.number()),
    supplyType: z.optional(z.string()),
    quantity: z.optional(z.number()),
    unit: z.optional(z.string()),
    speciality: z.optional(z.string()),
    note: z.optional(z.string()),
    distanceKm: described(z.optional(z.number()), {
      description: 'Of a `near` search: the great-circle distance from the place searched, in km',
    }),
    createdBy: z.string(),
    ...VERSIONED_FIELDS,
  }),
  { id: 'EmergencyResource' },
);

export const ResourceListQuerySchema = z.extend(PageQuerySchema, {
  near: described(z.optional(z.string().check(z.maxLength(60))), {
    description:
      '`<lat>,<lng>`: the resources within `radiusKm` of this place, nearest first, each with its distance',
  }),
  radiusKm: described(
    z._default(coercedNumber().check(z.minimum(0.01), z.maximum(MAX_RESOURCE_RADIUS_KM)), 10),
    {
      description: `Of a \`near\` search: how far to look, in km (default 10, at most ${MAX_RESOURCE_RADIUS_KM})`,
    },
  ),
  kind: z.optional(z.enum(RESOURCE_KINDS)),
  grid: described(z.optional(IdQuery), {
    description: 'Without `near`: the resources of this grid node’s subtree',
  }),
});

const PlanFileSchema = z.object({
  id: z.string(),
  key: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
});

export const PlanSchema = described(
  z.object({
    id: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    riskPointId: z.optional(z.string()),
    riskPointName: z.optional(z.string()),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    title: z.string(),
    planVersion: described(z.string(), { description: 'The plan’s own edition (not the record’s version)' }),
    reviewDate: z.string(),
    reviewOverdue: described(z.boolean(), {
      description: 'The review date has passed: the plan is due a review',
    }),
    file: PlanFileSchema,
    uploadedBy: z.string(),
    ...VERSIONED_FIELDS,
  }),
  { id: 'EmergencyPlan' },
);

export const PlanListQuerySchema = z.object({
  unit: described(z.optional(IdQuery), { description: 'The plans of this unit (its risk points’ included)' }),
  riskPoint: described(z.optional(IdQuery), { description: 'The plans of this risk point' }),
});

const resourceRoutes = recordRoutes('resources', 'resources');
const planRoutes = recordRoutes('plans', 'plans');

export const routes = {
  list: createRoute({
    method: 'get',
    path: '/resources',
    tags: ['resources'],
    summary:
      'Emergency resources in the caller’s area: with `near`, those within `radiusKm` nearest first (each with `distanceKm`, at most `limit`); without, the subtree paged',
    request: { query: ResourceListQuerySchema },
    responses: {
      200: json(
        described(z.object({ items: z.array(ResourceSchema), nextCursor: z.optional(z.string()) }), {
          id: 'EmergencyResourcePage',
        }),
        'Resources',
      ),
      ...COMMON_ERRORS,
    },
  }),
  create: resourceRoutes.create(
    'Register an emergency resource: a rescue team, a stockpile of supplies or an expert, at a grid node of the caller’s area',
    CreateResourceSchema,
    ResourceSchema,
    { keyed: false },
  ),
  get: resourceRoutes.get('One emergency resource', ResourceSchema, 'The resource'),
  patch: resourceRoutes.patch(
    'Change an emergency resource (its kind stays)',
    UpdateResourceSchema,
    ResourceSchema,
  ),
  audit: resourceRoutes.audit('Every event, oldest first, with the hash chain verified'),
  announceFile: createRoute({
    method: 'post',
    path: '/plans/files',
    tags: ['plans'],
    summary:
      'A presigned upload for an emergency plan’s file (PDF, Word or a scan, at most 30 MB) about to be filed; name it in the plan’s `fileId`',
    request: { body: { required: true, content: { 'application/json': { schema: RequestPlanFileSchema } } } },
    responses: { 201: json(PhotoUploadSchema, 'Upload instructions'), ...WRITE_ERRORS },
  }),
  listPlans: createRoute({
    method: 'get',
    path: '/plans',
    tags: ['plans'],
    summary:
      'The emergency plans of a unit or of a risk point, newest first; those past their review date flagged',
    request: { query: PlanListQuerySchema },
    responses: {
      200: json(described(z.object({ items: z.array(PlanSchema) }), { id: 'EmergencyPlanList' }), 'Plans'),
      ...COMMON_ERRORS,
    },
  }),
  createPlan: planRoutes.create(
    'File an emergency plan (应急预案) of a unit or a risk point, with its uploaded file, edition and review date',
    CreatePlanSchema,
    PlanSchema,
    { keyed: false },
  ),
  getPlan: planRoutes.get('One emergency plan', PlanSchema, 'The plan'),
  planFile: createRoute({
    method: 'get',
    path: '/plans/{id}/file',
    tags: ['plans'],
    summary: 'A short-lived link to download the plan’s file',
    request: { params: IdParamSchema },
    responses: {
      200: json(
        described(z.object({ url: z.string(), expiresIn: z.number() }), { id: 'PlanFileLink' }),
        'Link',
      ),
      ...COMMON_ERRORS,
    },
  }),
  planAudit: planRoutes.audit('Every event, oldest first, with the hash chain verified'),
};

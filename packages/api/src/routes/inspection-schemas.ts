import { described, HazardSeveritySchema, RequestPhotoSchema } from '@gridsafe/core';
import {
  CASE_STATUSES,
  CreateInspectionSchema,
  INSPECTION_ACTIONS,
  INSPECTION_DOCUMENT_KINDS,
  INSPECTION_OUTCOMES,
  INSPECTION_STATUSES,
  InspectionFollowUpSchema,
} from '@gridsafe/core/inspection';
import * as z from 'zod/mini';
import { PhotoUploadSchema, photoRoutes } from '../evidence.ts';
import {
  COMMON_ERRORS,
  IdempotencyHeaderSchema,
  IdParamSchema,
  IdQuery,
  json,
  LocationOut,
  PageQuerySchema,
  WRITE_ERRORS,
} from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import { HazardSchema } from './hazard-schemas.ts';
import { allowedActionsField, PHOTO_FIELDS, UNIT_PLACE_FIELDS, VERSIONED_FIELDS } from './record-fields.ts';
import { recordRoutes } from './record-routes.ts';

export const InspectionSchema = described(
  z.object({
    id: z.string(),
    number: described(z.string(), { description: '现场检查记录 number, e.g. 太应急现检〔2026〕7号' }),
    ...UNIT_PLACE_FIELDS,
    hazardId: described(z.optional(z.string()), {
      description: 'The escalated hazard the inspection followed',
    }),
    checkedItems: z.array(z.string()),
    findings: z.array(
      z.object({
        text: z.string(),
        severity: HazardSeveritySchema,
        riskPointId: z.optional(z.string()),
        hazardId: described(z.optional(z.string()), { description: 'The hazard an order made of it' }),
      }),
    ),
    photos: z.array(z.object(PHOTO_FIELDS)),
    signatures: z.array(
      z.object({
        signer: z.enum(['unit', 'officer']),
        name: z.string(),
        photoId: z.optional(z.string()),
        refusedReason: described(z.optional(z.string()), { description: 'The unit refused to sign (拒签)' }),
      }),
    ),
    position: LocationOut,
    officers: z.array(z.object({ personId: z.string(), name: z.string(), certificateNo: z.string() })),
    outcome: z.enum(INSPECTION_OUTCOMES),
    order: z.optional(z.object({ number: z.string(), deadline: z.string() })),
    case: z.optional(
      z.object({
        caseNo: z.string(),
        status: z.enum(CASE_STATUSES),
        penalty: z.optional(z.string()),
        fineYuan: z.optional(z.number()),
      }),
    ),
    referral: z.optional(z.object({ to: z.string(), reason: z.optional(z.string()) })),
    status: described(z.enum(INSPECTION_STATUSES), {
      description:
        '`ordered`: an order awaiting its follow-up; `reviewed`: followed up; `closed`: nothing follows',
    }),
    followUp: z.optional(
      z.object({
        number: z.string(),
        opinion: z.string(),
        items: z.array(
          z.object({ hazardId: z.string(), rectified: z.boolean(), note: z.optional(z.string()) }),
        ),
        allRectified: z.boolean(),
        at: z.string(),
        by: z.string(),
      }),
    ),
    followUpDue: described(z.boolean(), {
      description: 'The order’s deadline has come and its follow-up (整改复查) is not yet recorded',
    }),
    inspectedAt: z.string(),
    recordedBy: z.string(),
    ...VERSIONED_FIELDS,
    allowedActions: allowedActionsField(INSPECTION_ACTIONS, 'The steps the caller may take now'),
  }),
  { id: 'Inspection' },
);

const CreatedInspectionSchema = described(
  z.object({ inspection: InspectionSchema, hazards: z.array(HazardSchema) }),
  { id: 'CreatedInspection' },
);

export const InspectionListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(IdQuery), { description: 'Inspections in this grid node’s subtree' }),
  department: described(z.optional(IdQuery), { description: 'Inspections of this department’s units' }),
  unit: described(z.optional(IdQuery), { description: 'Inspections of one unit' }),
});

const DocumentParamSchema = z.extend(IdParamSchema, { kind: z.enum(INSPECTION_DOCUMENT_KINDS) });
const inspectionRoutes = recordRoutes('inspections', 'inspections');
const photos = photoRoutes({
  collection: 'inspections',
  tag: 'inspections',
  noun: 'the inspection',
  announceNote: 'announced before the inspection is recorded',
  recordSchema: InspectionSchema,
});

export const routes = {
  list: inspectionRoutes.list(
    'Enforcement inspections in the caller’s area, by grid subtree, department or unit',
    InspectionListQuerySchema,
    { item: InspectionSchema, name: 'InspectionPage', answer: 'Inspections' },
  ),
  get: inspectionRoutes.get('One enforcement inspection', InspectionSchema, 'The inspection'),
  create: createRoute({
    method: 'post',
    path: '/inspections',
    tags: ['inspections'],
    summary:
      'Record an enforcement inspection (现场检查记录) of a unit, or following a hazard: two officers with their 执法证, numbered; an order makes a hazard of each finding',
    request: {
      headers: IdempotencyHeaderSchema,
      body: { required: true, content: { 'application/json': { schema: CreateInspectionSchema } } },
    },
    responses: {
      201: json(CreatedInspectionSchema, 'The inspection and the hazards its order made'),
      ...WRITE_ERRORS,
    },
  }),
  announcePhoto: createRoute({
    method: 'post',
    path: '/inspections/photos',
    tags: ['inspections'],
    summary:
      'A presigned upload for a photo or a drawn signature (PNG) of an inspection about to be recorded; name it in the inspection’s `photoIds` or a signature’s `photoId`',
    request: { body: { required: true, content: { 'application/json': { schema: RequestPhotoSchema } } } },
    responses: { 201: json(PhotoUploadSchema, 'Upload instructions'), ...WRITE_ERRORS },
  }),
  viewPhoto: photos.viewPhoto,
  officers: createRoute({
    method: 'get',
    path: '/inspections/officers',
    tags: ['inspections'],
    summary:
      'The people of the county who may be named as an inspection’s officers (enabled officers and admins)',
    responses: {
      200: json(
        described(
          z.object({
            items: z.array(z.object({ personId: z.string(), name: z.string(), role: z.string() })),
          }),
          { id: 'InspectingOfficers' },
        ),
        'Officers',
      ),
      ...COMMON_ERRORS,
    },
  }),
  followUp: inspectionRoutes.step('follow-up', {
    summary:
      'Record the follow-up of an order (整改复查意见书): for every hazard it made, whether it is rectified; numbered',
    body: InspectionFollowUpSchema,
    bodyRequired: true,
    answer: [InspectionSchema, 'The inspection, reviewed'],
  }),
  document: createRoute({
    method: 'get',
    path: '/inspections/{id}/documents/{kind}',
    tags: ['inspections'],
    summary:
      'A printable document: `record` 现场检查记录, `order` 责令限期整改指令书 (an order only), `review` 整改复查意见书 (once followed up)',
    request: { params: DocumentParamSchema },
    responses: {
      200: { description: 'HTML document', content: { 'text/html': { schema: z.string() } } },
      ...COMMON_ERRORS,
    },
  }),
  audit: inspectionRoutes.audit('Every event, oldest first, with the hash chain verified'),
};

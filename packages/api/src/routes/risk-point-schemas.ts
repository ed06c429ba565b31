import {
  ColorSchema,
  described,
  IndustryCodeSchema,
  RISK_POINT_TRANSITIONS,
  RiskPointStatusSchema,
  UlidSchema,
} from '@gridsafe/core';
import type { RISK_POINT_SUMMARY_FIELDS } from '@gridsafe/db';
import * as z from 'zod/mini';
import { PageQuerySchema } from '../http-helpers.ts';
import { searchParam } from '../search-param.ts';
import { allowedActionsField, PHOTO_FIELDS, VERSIONED_FIELDS } from './record-fields.ts';

export const AssessmentSchema = z.object({
  method: z.enum(['LEC', 'LS']),
  inputs: z.record(z.string(), z.number()),
  score: z.number(),
  color: z.enum(['red', 'orange', 'yellow', 'blue']),
  tableVersion: z.number().check(z.int()),
  at: z.string(),
  by: z.string(),
});
export const PhotoSchema = z.object({
  ...PHOTO_FIELDS,
  purpose: z.optional(z.enum(['finding', 'fix'])),
});
export const RiskPointSchema = described(
  z.object({
    id: z.string(),
    name: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    industry: z.string(),
    templateCode: z.optional(z.string()),
    gridId: z.string(),
    gridPath: z.string(),
    departmentId: z.optional(z.string()),
    location: z.object({ lat: z.number(), lng: z.number() }),
    address: z.optional(z.string()),
    description: z.optional(z.string()),
    hazardFactors: z.array(z.string()),
    accidentTypes: z.array(z.string()),
    checklist: z.array(z.object({ code: z.string(), text: z.string() })),
    controlMeasures: z.array(z.string()),
    emergencyMeasures: z.array(z.string()),
    responsiblePerson: z.optional(z.object({ name: z.optional(z.string()), phone: z.optional(z.string()) })),
    emergencyPhone: z.optional(z.string()),
    color: ColorSchema,
    assessment: z.optional(AssessmentSchema),
    gradings: z.array(AssessmentSchema),
    status: RiskPointStatusSchema,
    reviewChain: z.array(z.enum(['township', 'county'])),
    reviewStep: z.number().check(z.int()),
    reviewColor: described(z.optional(ColorSchema), {
      description:
        'The colour whose review chain this filing follows: the worse of its colour and `filedColor`',
    }),
    filedColor: described(z.optional(ColorSchema), { description: 'The colour on record when last filed' }),
    submittedBy: z.optional(z.string()),
    reopenBy: described(z.optional(z.enum(['township', 'county'])), {
      description:
        'Who may reopen it once filed: the last level of the chain for its colour, copied at submit',
    }),
    returnReason: z.optional(z.string()),
    photos: z.array(PhotoSchema),
    createdBy: z.string(),
    ...VERSIONED_FIELDS,
    allowedActions: allowedActionsField(
      RISK_POINT_TRANSITIONS,
      'The review steps the caller may take on this point now',
    ),
  }),
  { id: 'RiskPoint' },
);

/**
 * A list answer's point: the columns of the register, the review queue and the map, and the review steps the
 * caller may take on it (the record page has the rest). Whole points made a page of 50 about 115 KB; see RISK_POINT_SUMMARY_FIELDS in @gridsafe/db.
 */
export const RiskPointSummarySchema = described(
  z.pick(RiskPointSchema, {
    id: true,
    name: true,
    unitId: true,
    unitName: true,
    industry: true,
    templateCode: true,
    gridId: true,
    gridPath: true,
    departmentId: true,
    location: true,
    color: true,
    status: true,
    reviewChain: true,
    reviewStep: true,
    photos: true,
    version: true,
    createdAt: true,
    updatedAt: true,
    allowedActions: true,
  } satisfies Record<(typeof RISK_POINT_SUMMARY_FIELDS)[number] | 'allowedActions', true>),
  { id: 'RiskPointSummary' },
);

export const ListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(UlidSchema), { description: 'Points in this grid node’s subtree' }),
  color: z.optional(ColorSchema),
  status: z.optional(RiskPointStatusSchema),
  industry: z.optional(IndustryCodeSchema),
  department: z.optional(UlidSchema),
  unit: described(z.optional(UlidSchema), {
    description: 'Points of one unit (needs `grid` or a unit scope)',
  }),
  q: searchParam('name contains this text'),
});

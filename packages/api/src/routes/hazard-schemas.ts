import {
  CreateHazardSchema,
  described,
  ESCALATION_LEVELS,
  EscalationLevelSchema,
  HAZARD_ACTIONS,
  type HazardAction,
  HazardEscalateSchema,
  HazardEvidenceSchema,
  HazardRejectSchema,
  HazardSeveritySchema,
  HazardStatusSchema,
  HazardSuperviseSchema,
  HazardTransitionSchema,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { photoRoutes } from '../evidence.ts';
import { IdQuery, LocationOut, PageQuerySchema } from '../http-helpers.ts';
import { searchParam } from '../search-param.ts';
import { allowedActionsField, PHOTO_FIELDS, UNIT_PLACE_FIELDS, VERSIONED_FIELDS } from './record-fields.ts';
import { recordRoutes } from './record-routes.ts';

export const EvidencePhotoSchema = described(
  z.object({
    ...PHOTO_FIELDS,
    purpose: described(z.optional(z.enum(['finding', 'fix'])), {
      description: '`finding`: shows the problem as reported; absent or `fix`: evidence of the rectification',
    }),
  }),
  { id: 'EvidencePhoto' },
);
const EscalationStepSchema = described(
  z.object({
    at: z.string(),
    from: EscalationLevelSchema,
    to: EscalationLevelSchema,
    cause: z.enum(['severity', 'deadline', 'manual', 'supervision']),
    by: z.string(),
  }),
  { id: 'EscalationStep' },
);

const SupervisionSchema = described(
  z.object({
    number: described(z.optional(z.string()), {
      description:
        'The 督办单 number, `<year>-<n>` per county and year; absent on a listing from before the register',
    }),
    responsibility: z.optional(z.string()),
    measures: z.optional(z.string()),
    funds: z.optional(z.number()),
    deadline: z.optional(z.string()),
    plan: z.optional(z.string()),
    reason: z.optional(z.string()),
    stage: z.enum(['listed', 'accepted', 'delisted']),
    listedAt: z.string(),
    listedBy: z.string(),
    acceptedAt: z.optional(z.string()),
    acceptedBy: z.optional(z.string()),
    acceptNote: z.optional(z.string()),
    delistedAt: z.optional(z.string()),
    delistedBy: z.optional(z.string()),
  }),
  {
    id: 'Supervision',
    description:
      '挂牌督办: the 五落实 (responsibility, measures, funds, deadline, plan), the 督办单, 验收 and 销号',
  },
);

export const HazardSchema = described(
  z.object({
    id: z.string(),
    title: z.string(),
    description: z.optional(z.string()),
    severity: HazardSeveritySchema,
    status: HazardStatusSchema,
    level: described(z.enum(ESCALATION_LEVELS), {
      description: 'Who handles it on the territorial chain; the department hears from township up',
    }),
    escalationStep: z.number().check(z.int()),
    escalations: z.array(EscalationStepSchema),
    deadline: described(z.string(), {
      description: 'Rectification deadline, from the county’s settings by severity',
    }),
    escalateAt: described(z.optional(z.string()), {
      description: 'When the sweep next raises it or marks it overdue',
    }),
    overdue: z.boolean(),
    overdueAt: z.optional(z.string()),
    supervised: described(z.boolean(), { description: '挂牌督办: listed for supervision by the county' }),
    supervisedAt: z.optional(z.string()),
    supervision: z.optional(SupervisionSchema),
    ...UNIT_PLACE_FIELDS,
    riskPointId: z.optional(z.string()),
    patrolId: z.optional(z.string()),
    checklistCode: z.optional(z.string()),
    inspectionId: described(z.optional(z.string()), {
      description: 'The enforcement inspection whose order to rectify made it',
    }),
    alertId: described(z.optional(z.string()), { description: 'The monitoring alert it was made of' }),
    source: z.enum(['direct', 'patrol', 'inspection', 'alert']),
    location: z.optional(LocationOut),
    photos: z.array(EvidencePhotoSchema),
    rectification: z.optional(
      z.object({ note: z.string(), photoIds: z.array(z.string()), at: z.string(), by: z.string() }),
    ),
    resolution: z.optional(
      z.object({
        how: z.enum(['verified', 'on_site']),
        note: z.optional(z.string()),
        photoIds: z.array(z.string()),
        at: z.string(),
        by: z.string(),
      }),
    ),
    rejectReason: z.optional(z.string()),
    rejections: z.number().check(z.int()),
    startedAt: z.optional(z.string()),
    rectifiedAt: z.optional(z.string()),
    closedAt: z.optional(z.string()),
    reportedBy: z.string(),
    ...VERSIONED_FIELDS,
    allowedActions: allowedActionsField(HAZARD_ACTIONS, 'The steps the caller may take on this hazard now'),
    workingDaysLeft: described(z.optional(z.number()), { description: 'Working days to the deadline' }),
  }),
  { id: 'Hazard' },
);

export const ListQuerySchema = z.extend(PageQuerySchema, {
  grid: described(z.optional(IdQuery), { description: 'Hazards in this grid node’s subtree' }),
  level: described(z.optional(z.enum(ESCALATION_LEVELS)), { description: 'Escalation level' }),
  status: z.optional(HazardStatusSchema),
  overdue: described(z.optional(z.enum(['true', 'false'])), {
    description: 'true: not yet closed and marked overdue by the sweep',
  }),
  department: described(z.optional(IdQuery), { description: 'Hazards of this department’s industries' }),
  unit: described(z.optional(IdQuery), { description: 'Hazards of one unit' }),
  supervised: described(z.optional(z.enum(['true'])), { description: 'The 挂牌督办 register' }),
  q: searchParam('title contains this text'),
});
const hazardRoutes = recordRoutes('hazards', 'hazards');
export const routes = {
  list: hazardRoutes.list(
    'The hazard board, filtered by grid subtree, escalation level, status, overdue, department or unit',
    ListQuerySchema,
    { item: HazardSchema, name: 'HazardPage', answer: 'Hazards' },
  ),
  get: hazardRoutes.get('One hazard work order', HazardSchema, 'The hazard'),
  create: hazardRoutes.create(
    'Report a hazard directly: a deadline from the county’s settings; a major one goes to the township at once',
    CreateHazardSchema,
    HazardSchema,
    { keyed: true },
  ),
  audit: hazardRoutes.audit('Every event, oldest first, with the hash chain verified'),
  ...photoRoutes({
    collection: 'hazards',
    tag: 'hazards',
    noun: 'the hazard',
    announceNote: 'then confirm it, or name it in a step’s `photoIds`',
    recordSchema: HazardSchema,
  }),
};

const ACTION_BODY: Record<HazardAction, z.ZodMiniType> = {
  start: HazardTransitionSchema,
  'report-rectified': HazardEvidenceSchema,
  verify: HazardTransitionSchema,
  reject: HazardRejectSchema,
  'resolve-on-site': HazardEvidenceSchema,
  escalate: HazardEscalateSchema,
  supervise: HazardSuperviseSchema,
  accept: HazardTransitionSchema,
  delist: HazardTransitionSchema,
};
const ACTION_SUMMARY: Record<HazardAction, string> = {
  start: 'Start rectifying (open → rectifying): the unit, its grid member or an officer',
  'report-rectified':
    'Report the rectification with a note and confirmed photos (→ rectified): the unit or its grid member',
  verify:
    'Verify on site and close (rectified → closed): township, department or county, never whoever reported the rectification; escalated to the county, the county or the department; a listed hazard, the county',
  reject: 'Reject the rectification with a reason (rectified → rectifying)',
  'resolve-on-site':
    'Resolve a general hazard on the spot with a note and confirmed photos of the fix, not the report’s (→ closed): grid member or officer',
  escalate: 'Raise one level by hand (village → township → county): township, department or county officer',
  supervise:
    'List a major hazard (挂牌督办) with its 五落实, each named when missing: to the county, with a numbered 督办单',
  accept: 'Accept a listed hazard’s rectification (验收): county admin',
  delist: 'Delist an accepted listed hazard (销号, → closed): county admin',
};

export function actionRoute(action: HazardAction) {
  return hazardRoutes.step(action, {
    summary: ACTION_SUMMARY[action],
    body: ACTION_BODY[action],
    // Not the listing: a phone's write queued before the 五落实 may have no body, and is answered naming each field.
    bodyRequired: action === 'report-rectified' || action === 'resolve-on-site' || action === 'reject',
    answer: [HazardSchema, 'The hazard after the step'],
    keyed: true,
  });
}

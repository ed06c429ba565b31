import * as z from 'zod/mini';
import { described, type Location, LocationSchema, textField, UlidSchema } from './common-schemas.ts';
import { ConflictError, ForbiddenError } from './errors.ts';
import {
  EscalationLevelSchema,
  type EscalationState,
  HazardSeveritySchema,
  initialEscalation,
  raisedEscalation,
} from './escalation.ts';
import { requireEvidence, requireVerifier } from './hazard-duties.ts';
import {
  acceptSupervised,
  delistSupervised,
  type Supervision,
  type SupervisionInput,
  superviseHazard,
} from './hazard-supervision.ts';
import { openSteps } from './open-steps.ts';
import { type Capability, hasCapability, inScope } from './permissions.ts';
import type { Photo } from './risk-point.ts';
import type { Principal } from './roles.ts';
import type { TenantSettings } from './settings.ts';

export const HAZARD_STATUSES = ['open', 'rectifying', 'rectified', 'closed'] as const;
export const HazardStatusSchema = z.enum(HAZARD_STATUSES);
export type HazardStatus = z.infer<typeof HazardStatusSchema>;

/** The most photos one rectification report or on-site resolution may name. */
export const MAX_EVIDENCE_PHOTOS = 10;

/**
 * A hazard work order (隐患工单): something wrong in a unit that must be put right by a deadline. It answers to
 * two chains at once: the territory (`gridPath`, escalated village → township → county) and the unit's industry
 * department (`departmentId`), which hears of every escalation too.
 */
export interface Hazard extends EscalationState {
  id: string;
  title: string;
  description?: string;
  unitId: string;
  unitName: string;
  industry: string;
  gridId: string;
  /** The unit's village path, denormalised so subtree lists and scope checks need no extra read. */
  gridPath: string;
  departmentId?: string;
  riskPointId?: string;
  /** Set when a patrol found it: the patrol and the checklist item. */
  patrolId?: string;
  checklistCode?: string;
  /** Set when an enforcement inspection's order to rectify made it (inspection.ts). */
  inspectionId?: string;
  /** Set when a monitoring alert was turned into it (alert.ts). */
  alertId?: string;
  source: 'direct' | 'patrol' | 'inspection' | 'alert';
  location?: Location;
  /** 挂牌督办: listed for supervision by the county; only the county may then verify it. */
  supervised: boolean;
  supervisedAt?: string;
  /** The listing's 五落实, its 督办单 number and its acceptance and 销号 (hazard-supervision.ts). */
  supervision?: Supervision;
  /** Verified photo evidence: of the finding, of the rectification, of an on-site resolution. */
  photos: Photo[];
  rectification?: { note: string; photoIds: string[]; at: string; by: string };
  resolution?: { how: 'verified' | 'on_site'; note?: string; photoIds: string[]; at: string; by: string };
  rejectReason?: string;
  rejections: number;
  startedAt?: string;
  rectifiedAt?: string;
  closedAt?: string;
  reportedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CreateHazardSchema = described(
  z.strictObject({
    unitId: UlidSchema,
    severity: HazardSeveritySchema,
    title: textField(100),
    description: z.optional(textField(2000)),
    riskPointId: z.optional(UlidSchema),
    location: z.optional(LocationSchema),
  }),
  { id: 'CreateHazard' },
);
export type CreateHazardInput = z.infer<typeof CreateHazardSchema>;

const version = z.optional(z.number().check(z.int(), z.minimum(1)));
const evidence = z
  .array(UlidSchema)
  .check(z.minLength(1, 'name at least one confirmed photo'), z.maxLength(MAX_EVIDENCE_PHOTOS));

export const HazardTransitionSchema = described(
  z.strictObject({ version, location: z.optional(LocationSchema), note: z.optional(textField(1000)) }),
  { id: 'HazardTransition' },
);
export const HazardEvidenceSchema = described(
  z.strictObject({
    note: textField(1000),
    photoIds: evidence,
    version,
    location: z.optional(LocationSchema),
  }),
  { id: 'HazardEvidence' },
);
export const HazardRejectSchema = described(
  z.strictObject({ reason: textField(500), version, location: z.optional(LocationSchema) }),
  { id: 'HazardReject' },
);
export const HazardEscalateSchema = described(
  z.strictObject({ reason: z.optional(textField(500)), version, location: z.optional(LocationSchema) }),
  { id: 'HazardEscalate' },
);

export const HazardListFilterSchema = z.object({
  grid: z.optional(UlidSchema),
  level: z.optional(EscalationLevelSchema),
  status: z.optional(HazardStatusSchema),
  overdue: z.optional(z.enum(['true', 'false'])),
  department: z.optional(UlidSchema),
  unit: z.optional(UlidSchema),
});

export const HAZARD_ACTIONS = [
  'start',
  'report-rectified',
  'verify',
  'reject',
  'resolve-on-site',
  'escalate',
  'supervise',
  'accept',
  'delist',
] as const;
export type HazardAction = (typeof HAZARD_ACTIONS)[number];

/** The capability each action needs; where (scope) is checked against the hazard separately. */
export const HAZARD_ACTION_CAPABILITY: Record<HazardAction, Capability> = {
  start: 'hazard.rectify',
  'report-rectified': 'hazard.rectify',
  'resolve-on-site': 'hazard.rectify',
  verify: 'hazard.verify',
  reject: 'hazard.verify',
  escalate: 'hazard.verify',
  supervise: 'hazard.supervise',
  // The county admin lists a hazard, and so accepts it (验收) and delists it (销号).
  accept: 'hazard.supervise',
  delist: 'hazard.supervise',
};

/** The audit event each action writes. */
export const HAZARD_ACTION_EVENT: Record<HazardAction, string> = {
  start: 'started',
  'report-rectified': 'rectification_reported',
  verify: 'verified',
  reject: 'rejected',
  'resolve-on-site': 'resolved_on_site',
  escalate: 'escalated',
  supervise: 'supervised',
  accept: 'accepted',
  delist: 'delisted',
};

export interface HazardActionInput extends SupervisionInput {
  note?: string;
  reason?: string;
  photoIds?: string[];
}

/**
 * The work-order state machine (pure). open → rectifying → rectified → closed, with `reject` sending a reported
 * rectification back to rectifying, a grid member closing a general hazard on the spot with evidence, and
 * `escalate` / `supervise` raising the level without changing the status. Throws ForbiddenError when the
 * person may not take this step on this hazard, ConflictError when the hazard is in the wrong state.
 *
 * @example
 * applyHazardAction(hazard, 'start', { principal: gridMember, now, settings }).status; // 'rectifying'
 */
export function applyHazardAction(
  hazard: Hazard,
  action: HazardAction,
  ctx: {
    principal: Principal;
    now: Date;
    settings: Pick<TenantSettings, 'escalationGraceDays'> &
      Partial<Pick<TenantSettings, 'reviews' | 'workingCalendar'>>;
  },
  input: HazardActionInput = {},
): Hazard {
  const { principal, now } = ctx;
  if (!hasCapability(principal, HAZARD_ACTION_CAPABILITY[action])) {
    throw new ForbiddenError(`Your role (${principal.role}) may not ${action} a hazard.`);
  }
  const at = now.toISOString();
  const by = principal.username;
  switch (action) {
    case 'start': {
      requireStatus(hazard, ['open'], 'started');
      return { ...hazard, status: 'rectifying', startedAt: at };
    }
    case 'report-rectified': {
      requireStatus(hazard, ['open', 'rectifying'], 'reported rectified');
      if (principal.role === 'department_officer')
        throw new ForbiddenError('The unit or its grid member reports a rectification.');
      const photoIds = requireEvidence(hazard, input.photoIds);
      const { rejectReason: _r, ...rest } = hazard;
      return {
        ...rest,
        status: 'rectified',
        startedAt: hazard.startedAt ?? at,
        rectifiedAt: at,
        rectification: { note: input.note ?? '', photoIds, at, by },
      };
    }
    case 'verify': {
      requireStatus(hazard, ['rectified'], 'verified');
      requireVerifier(hazard, principal, ctx.settings);
      if (hazard.supervised)
        throw new ConflictError('A listed hazard closes through acceptance (验收) and 销号.', 'wrong_state');
      const { escalateAt: _e, ...rest } = hazard;
      return {
        ...rest,
        status: 'closed',
        closedAt: at,
        resolution: { how: 'verified', ...(input.note ? { note: input.note } : {}), photoIds: [], at, by },
      };
    }
    case 'reject': {
      requireStatus(hazard, ['rectified'], 'rejected');
      if (hazard.supervision?.stage === 'accepted')
        throw new ConflictError('The listed hazard is accepted; it is delisted (销号) next.', 'wrong_state');
      requireVerifier(hazard, principal, ctx.settings);
      return {
        ...hazard,
        status: 'rectifying',
        rejectReason: input.reason ?? '',
        rejections: hazard.rejections + 1,
      };
    }
    case 'resolve-on-site': {
      requireStatus(hazard, ['open', 'rectifying'], 'resolved on site');
      if (
        principal.role !== 'grid_member' &&
        principal.role !== 'township_officer' &&
        principal.role !== 'county_admin'
      ) {
        throw new ForbiddenError('Only a grid member or an officer resolves a hazard on the spot.');
      }
      if (hazard.severity === 'major' || hazard.supervised) {
        throw new ConflictError(
          'A major hazard is closed only after its rectification is verified.',
          'wrong_state',
        );
      }
      const photoIds = requireEvidence(hazard, input.photoIds);
      const { escalateAt: _e, ...rest } = hazard;
      return {
        ...rest,
        status: 'closed',
        closedAt: at,
        rectifiedAt: hazard.rectifiedAt ?? at,
        resolution: { how: 'on_site', note: input.note ?? '', photoIds, at, by },
      };
    }
    case 'supervise':
      return superviseHazard(hazard, ctx, input);
    case 'accept':
      return acceptSupervised(hazard, ctx, input);
    case 'delist':
      return delistSupervised(hazard, ctx, input);
    case 'escalate': {
      if (hazard.status === 'closed') throw wrongState(hazard.status, 'escalated');
      const raised = raisedEscalation(hazard, now, ctx.settings, by, 'manual');
      if (!raised) throw new ConflictError('The hazard is already at the county.', 'wrong_state');
      const { escalateAt: _e, overdueAt: _o, ...rest } = hazard;
      const { step: _s, ...ladder } = raised;
      return { ...rest, ...ladder };
    }
  }
}

/**
 * What this person may do to this hazard now, for the buttons a client draws: the steps `applyHazardAction`
 * accepts, asked of it (a step that only lacks its note or photos is open), and none outside the person's area.
 * Whether a step is open never depends on the moment, so the hazard's own time stands in for the clock.
 *
 * @example
 * allowedHazardActions(rectifiedHazard, townshipOfficer, settings); // ['verify', 'reject', 'escalate']
 */
export function allowedHazardActions(
  hazard: Hazard,
  principal: Principal,
  settings: Parameters<typeof applyHazardAction>[2]['settings'],
): HazardAction[] {
  if (!inScope(principal, hazard)) return [];
  const now = new Date(hazard.updatedAt);
  return openSteps(HAZARD_ACTIONS, (action) =>
    applyHazardAction(hazard, action, { principal, now, settings }),
  );
}

function requireStatus(hazard: Hazard, allowed: readonly HazardStatus[], wanted: string): void {
  if (!allowed.includes(hazard.status)) throw wrongState(hazard.status, wanted);
}

function wrongState(status: HazardStatus, wanted: string): ConflictError {
  return new ConflictError(`A hazard that is ${status} cannot be ${wanted}.`, 'wrong_state');
}

/** The scope target of a hazard: its village path, its department, its unit. */
export function hazardScopeTarget(hazard: Pick<Hazard, 'gridPath' | 'departmentId' | 'unitId'>) {
  return { gridPath: hazard.gridPath, departmentId: hazard.departmentId, unitId: hazard.unitId };
}

/** True when a hazard counts as overdue on the board: marked by the sweep and not yet closed. */
export function isOpenOverdue(hazard: Pick<Hazard, 'overdue' | 'status'>): boolean {
  return hazard.overdue && hazard.status !== 'closed';
}

/**
 * A new work order for a unit: open, its deadline and starting level from the county's settings (a major hazard
 * starts at the township).
 */
export function newHazard(
  input: {
    id: string;
    title: string;
    severity: Hazard['severity'];
    description?: string;
    riskPointId?: string;
    location?: Location;
    unit: {
      id: string;
      name: string;
      industry: string;
      gridId: string;
      gridPath: string;
      departmentId?: string;
    };
    source: Hazard['source'];
    patrolId?: string;
    checklistCode?: string;
    inspectionId?: string;
    alertId?: string;
    photos?: Photo[];
  },
  settings: Pick<TenantSettings, 'hazardDeadlineDays'> & Partial<Pick<TenantSettings, 'workingCalendar'>>,
  now: Date,
  by: string,
): Hazard {
  const { unit } = input;
  return {
    id: input.id,
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    severity: input.severity,
    status: 'open',
    ...initialEscalation(input.severity, now, settings, by),
    unitId: unit.id,
    unitName: unit.name,
    industry: unit.industry,
    gridId: unit.gridId,
    gridPath: unit.gridPath,
    ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    ...(input.riskPointId ? { riskPointId: input.riskPointId } : {}),
    ...(input.patrolId ? { patrolId: input.patrolId } : {}),
    ...(input.checklistCode ? { checklistCode: input.checklistCode } : {}),
    ...(input.inspectionId ? { inspectionId: input.inspectionId } : {}),
    ...(input.alertId ? { alertId: input.alertId } : {}),
    source: input.source,
    ...(input.location ? { location: input.location } : {}),
    supervised: false,
    // What a patrol saw is the finding; a fix is shown by photos confirmed later.
    photos: (input.photos ?? []).map((photo) => ({ ...photo, purpose: 'finding' as const })),
    rejections: 0,
    reportedBy: by,
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

import * as z from 'zod/mini';
import {
  dateTimeWithOffset,
  described,
  type Location,
  LocationSchema,
  textField,
  UlidSchema,
} from './common-schemas.ts';
import { ConflictError, ForbiddenError, ValidationError } from './errors.ts';
import { HazardSeveritySchema } from './escalation.ts';
import { authorize, inScope } from './permissions.ts';
import type { Photo } from './risk-point.ts';
import type { Principal } from './roles.ts';

/**
 * An enforcement inspection (执法检查, 现场检查记录) of a unit by two officers with their 执法证, on the unit's
 * own account or following an escalated hazard. Its outcome ends it (合格, 立案, 移送) or orders a rectification
 * by a deadline (责令限期整改), whose findings become hazards and which a follow-up (整改复查) then closes.
 */
export const INSPECTION_OUTCOMES = ['compliant', 'order', 'case', 'referral'] as const;
export const InspectionOutcomeSchema = z.enum(INSPECTION_OUTCOMES);
export type InspectionOutcome = z.infer<typeof InspectionOutcomeSchema>;

/** `closed`: nothing follows here (合格, 立案, 移送); `ordered`: awaiting its follow-up; `reviewed`: followed up. */
export const INSPECTION_STATUSES = ['closed', 'ordered', 'reviewed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const CASE_STATUSES = ['filed', 'investigating', 'decided', 'closed'] as const;
export const INSPECTION_ACTIONS = ['follow-up'] as const;
export type InspectionAction = (typeof INSPECTION_ACTIONS)[number];

/** The most findings one inspection records (an order makes a hazard of each, in the same transaction). */
export const MAX_INSPECTION_FINDINGS = 10;
/** The roles whose people hold a 执法证 and may be named as the inspecting officers. */
export const INSPECTING_ROLES = ['department_officer', 'township_officer', 'county_admin'] as const;

export interface InspectionFinding {
  text: string;
  severity: 'general' | 'major';
  riskPointId?: string;
  /** The hazard an order made of it. */
  hazardId?: string;
}
export interface InspectionOfficer {
  personId: string;
  name: string;
  certificateNo: string;
}
/** A signature drawn on the phone (a PNG confirmed as evidence), or the unit's refusal to sign, as such. */
export interface InspectionSignature {
  signer: 'unit' | 'officer';
  name: string;
  photoId?: string;
  refusedReason?: string;
}
export interface InspectionFollowUp {
  number: string;
  opinion: string;
  items: { hazardId: string; rectified: boolean; note?: string }[];
  allRectified: boolean;
  at: string;
  by: string;
}

export interface Inspection {
  id: string;
  /** The 现场检查记录's number, e.g. 太应急现检〔2026〕7号. */
  number: string;
  unitId: string;
  unitName: string;
  industry: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
  /** The escalated hazard the inspection followed, when it did. */
  hazardId?: string;
  checkedItems: string[];
  findings: InspectionFinding[];
  photos: Photo[];
  signatures: InspectionSignature[];
  position: Location;
  officers: InspectionOfficer[];
  outcome: InspectionOutcome;
  order?: { number: string; deadline: string };
  case?: { caseNo: string; status: (typeof CASE_STATUSES)[number]; penalty?: string; fineYuan?: number };
  referral?: { to: string; reason?: string };
  status: InspectionStatus;
  followUp?: InspectionFollowUp;
  inspectedAt: string;
  recordedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const FindingSchema = z.strictObject({
  text: textField(500),
  severity: HazardSeveritySchema,
  riskPointId: z.optional(UlidSchema),
});
const SignatureSchema = z.strictObject({
  signer: z.enum(['unit', 'officer']),
  name: textField(50),
  photoId: z.optional(UlidSchema),
  refusedReason: z.optional(textField(300)),
});

export const CreateInspectionSchema = described(
  z.strictObject({
    unitId: z.optional(UlidSchema),
    hazardId: z.optional(UlidSchema),
    checkedItems: z.array(textField(200)).check(z.minLength(1), z.maxLength(50)),
    findings: z.array(FindingSchema).check(z.maxLength(MAX_INSPECTION_FINDINGS)),
    photoIds: z.optional(z.array(UlidSchema).check(z.maxLength(10))),
    position: LocationSchema,
    signatures: z.array(SignatureSchema).check(z.minLength(1), z.maxLength(3)),
    officers: z
      .array(z.strictObject({ personId: UlidSchema, certificateNo: textField(30) }))
      .check(z.minLength(2), z.maxLength(2)),
    outcome: InspectionOutcomeSchema,
    deadline: z.optional(dateTimeWithOffset()),
    case: z.optional(
      z.strictObject({
        caseNo: textField(50),
        status: z.enum(CASE_STATUSES),
        penalty: z.optional(textField(500)),
        fineYuan: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100_000_000))),
      }),
    ),
    referral: z.optional(z.strictObject({ to: textField(100), reason: z.optional(textField(500)) })),
  }),
  { id: 'CreateInspection' },
);
export type CreateInspectionInput = z.infer<typeof CreateInspectionSchema>;

export const InspectionFollowUpSchema = described(
  z.strictObject({
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
    opinion: textField(1000),
    items: z
      .array(
        z.strictObject({ hazardId: UlidSchema, rectified: z.boolean(), note: z.optional(textField(500)) }),
      )
      .check(z.minLength(1), z.maxLength(MAX_INSPECTION_FINDINGS)),
  }),
  { id: 'InspectionFollowUp' },
);
export type InspectionFollowUpInput = z.infer<typeof InspectionFollowUpSchema>;

/**
 * The rules of a new inspection's body that one field alone cannot say, each naming its field: the outcome's
 * own part present (and only it), two distinct officers, the unit's signature or its refusal, exactly one each.
 */
export function checkInspectionInput(input: CreateInspectionInput, now: Date): void {
  const problems: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!input.unitId && !input.hazardId) add('unitId', 'name the unit inspected, or the hazard followed');
  const [first, second] = input.officers;
  if (first && second && first.personId === second.personId)
    add('officers.1.personId', 'two different officers inspect');
  input.signatures.forEach((signature, index) => {
    if (Boolean(signature.photoId) === Boolean(signature.refusedReason))
      add(`signatures.${index}`, 'a signature is either drawn (photoId) or refused (refusedReason)');
    if (signature.signer === 'officer' && signature.refusedReason)
      add(`signatures.${index}.refusedReason`, 'an officer signs what they record');
  });
  if (input.signatures.filter((signature) => signature.signer === 'unit').length !== 1)
    add('signatures', 'the unit signs, or its refusal is recorded, once');
  const { outcome } = input;
  if (outcome === 'compliant' && input.findings.length > 0)
    add('findings', 'a compliant inspection records no findings');
  if (outcome === 'order') {
    if (input.findings.length === 0) add('findings', 'an order to rectify names what to rectify');
    if (!input.deadline) add('deadline', 'an order to rectify has a deadline');
    else if (new Date(input.deadline).getTime() <= now.getTime()) add('deadline', 'must be in the future');
  } else if (input.deadline) add('deadline', 'only an order to rectify has a deadline');
  if (outcome === 'case' && !input.case) add('case', 'a case (立案) has its number and status');
  if (outcome !== 'case' && input.case) add('case', 'only the outcome `case` has a case');
  if (outcome === 'referral' && !input.referral) add('referral', 'a referral (移送) names to whom');
  if (outcome !== 'referral' && input.referral) add('referral', 'only the outcome `referral` has a referral');
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Throws unless each named officer is a person of the county who may inspect, enabled. */
export function checkInspectingOfficers(
  people: readonly ({ role: string; enabled: boolean } | undefined)[],
): void {
  const problems = people.flatMap((person, index) =>
    person?.enabled && (INSPECTING_ROLES as readonly string[]).includes(person.role)
      ? []
      : [{ path: `officers.${index}.personId`, message: 'is not an officer of this county' }],
  );
  if (problems.length > 0) throw new ValidationError(problems);
}

/**
 * A new inspection record (pure): the caller may record inspections and the unit is in their area; an order
 * starts `ordered` (its findings' hazards are made by the caller, `hazardIds` in finding order), anything else
 * `closed`. Numbers come in allocated.
 */
export function newInspection(
  input: CreateInspectionInput & {
    id: string;
    number: string;
    orderNumber?: string;
    unit: {
      id: string;
      name: string;
      industry: string;
      gridId: string;
      gridPath: string;
      departmentId?: string;
    };
    officers: InspectionOfficer[];
    photos: Photo[];
    hazardIds?: string[];
  },
  ctx: { principal: Principal; now: Date },
): Inspection {
  const { principal, now } = ctx;
  authorize(principal, 'inspection.record');
  const { unit } = input;
  const target = { gridPath: unit.gridPath, departmentId: unit.departmentId, unitId: unit.id };
  if (!inScope(principal, target)) throw new ForbiddenError('This unit is outside your area.');
  checkInspectionInput(input, now);
  const at = now.toISOString();
  return {
    id: input.id,
    number: input.number,
    unitId: unit.id,
    unitName: unit.name,
    industry: unit.industry,
    gridId: unit.gridId,
    gridPath: unit.gridPath,
    ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    ...(input.hazardId ? { hazardId: input.hazardId } : {}),
    checkedItems: input.checkedItems,
    findings: input.findings.map((finding, index) => ({
      ...finding,
      ...(input.hazardIds?.[index] ? { hazardId: input.hazardIds[index] } : {}),
    })),
    photos: input.photos,
    signatures: input.signatures,
    position: input.position,
    officers: input.officers,
    outcome: input.outcome,
    ...(input.outcome === 'order' && input.deadline
      ? { order: { number: input.orderNumber ?? '', deadline: new Date(input.deadline).toISOString() } }
      : {}),
    ...(input.case ? { case: input.case } : {}),
    ...(input.referral ? { referral: input.referral } : {}),
    status: input.outcome === 'order' ? 'ordered' : 'closed',
    inspectedAt: at,
    recordedBy: principal.username,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * The follow-up (整改复查意见书) of an order (pure): an officer who may record inspections, in the unit's area,
 * says of every hazard the order made whether it is rectified. Open once ordered (a unit may finish early);
 * `followUpDue` says when it is owed.
 */
export function applyInspectionFollowUp(
  inspection: Inspection,
  input: Pick<InspectionFollowUpInput, 'opinion' | 'items'> & { number: string },
  ctx: { principal: Principal; now: Date },
): Inspection {
  const { principal, now } = ctx;
  authorize(principal, 'inspection.record', inspectionScopeTarget(inspection));
  if (inspection.status !== 'ordered')
    throw new ConflictError(
      `An inspection that is ${inspection.status} has no follow-up to record.`,
      'wrong_state',
    );
  const ordered = orderedHazardIds(inspection);
  const named = input.items.map((item) => item.hazardId);
  const problems = [
    ...named.flatMap((id, index) =>
      ordered.includes(id) && named.indexOf(id) === index
        ? []
        : [
            {
              path: `items.${index}.hazardId`,
              message: 'is not a hazard this order made, or is named twice',
            },
          ],
    ),
    ...(ordered.every((id) => named.includes(id))
      ? []
      : [{ path: 'items', message: 'say of every hazard the order made whether it is rectified' }]),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    ...inspection,
    status: 'reviewed',
    followUp: {
      number: input.number,
      opinion: input.opinion,
      items: input.items,
      allRectified: input.items.every((item) => item.rectified),
      at: now.toISOString(),
      by: principal.username,
    },
  };
}

/** Whether a follow-up can be drawn as a button: the same function asked. */
export function allowedInspectionActions(inspection: Inspection, principal: Principal): InspectionAction[] {
  if (inspection.status !== 'ordered') return [];
  try {
    authorize(principal, 'inspection.record', inspectionScopeTarget(inspection));
    return ['follow-up'];
  } catch {
    return [];
  }
}

/** An order whose deadline has come and whose follow-up is not yet recorded. */
export function inspectionFollowUpDue(inspection: Inspection, now: Date): boolean {
  return (
    inspection.status === 'ordered' &&
    Boolean(inspection.order) &&
    new Date(inspection.order!.deadline).getTime() <= now.getTime()
  );
}

export function orderedHazardIds(inspection: Pick<Inspection, 'findings'>): string[] {
  return inspection.findings.flatMap((finding) => (finding.hazardId ? [finding.hazardId] : []));
}

export function inspectionScopeTarget(inspection: Pick<Inspection, 'gridPath' | 'departmentId' | 'unitId'>) {
  return {
    gridPath: inspection.gridPath,
    departmentId: inspection.departmentId,
    unitId: inspection.unitId,
  };
}

/** The three numbered documents, and the word each number carries. */
export const INSPECTION_DOCUMENT_KINDS = ['record', 'order', 'review'] as const;
export type InspectionDocumentKind = (typeof INSPECTION_DOCUMENT_KINDS)[number];
const DOCUMENT_WORD: Record<InspectionDocumentKind, string> = {
  record: '现检',
  order: '责改',
  review: '复查',
};
/** Without a prefix of its own a county's documents read 应急现检〔2026〕7号. */
export const DEFAULT_DOCUMENT_PREFIX = '应急';

/** A document number, `太应急现检〔2026〕7号`: the county's prefix, the kind, the year (China time), the count. */
export function inspectionDocumentNumber(
  prefix: string | undefined,
  kind: InspectionDocumentKind,
  year: number,
  sequence: number,
): string {
  return `${prefix || DEFAULT_DOCUMENT_PREFIX}${DOCUMENT_WORD[kind]}〔${year}〕${sequence}号`;
}

/** The year an instant falls in, China Standard Time (documents of 31 December 20:00 UTC are next year's). */
export function chinaYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
}

/** What one inspection adds to its grid's counters: one done, one awaiting follow-up while ordered. */
export function inspectionCounts(inspection: Pick<Inspection, 'status'>) {
  return { insp_done: 1, ...(inspection.status === 'ordered' ? { insp_ordered: 1 } : {}) };
}

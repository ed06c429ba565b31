import * as z from 'zod/mini';
import {
  ContactSchema,
  described,
  LocationSchema,
  PhoneSchema,
  textField,
  UlidSchema,
} from './common-schemas.ts';
import { IndustryCodeSchema } from './department.ts';
import { ConflictError, ForbiddenError, ValidationError } from './errors.ts';
import { type Assessment, AssessmentInputSchema, type Color, ColorSchema } from './grading.ts';
import type { Principal } from './roles.ts';
import type { ReviewLevel, TenantSettings } from './settings.ts';

export const RISK_POINT_STATUSES = ['draft', 'submitted', 'township_approved', 'filed'] as const;
export const RiskPointStatusSchema = z.enum(RISK_POINT_STATUSES);
export type RiskPointStatus = z.infer<typeof RiskPointStatusSchema>;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
/** Phones shrink photos to ~300 KB before upload; 10 MB still lets an unshrunk photo through. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface Photo {
  id: string;
  key: string;
  contentType: (typeof PHOTO_TYPES)[number];
  size: number;
  sha256: string;
  status: 'pending' | 'verified';
  takenAt?: string;
  location?: { lat: number; lng: number };
  requestedAt: string;
  verifiedAt?: string;
  /**
   * A hazard's photo: `finding` shows the problem (a patrol's photos, or announced as such with the report),
   * `fix` shows it put right. Absent means `fix`; a finding is never evidence of its own fix.
   */
  purpose?: 'finding' | 'fix';
}

/**
 * A risk point (风险点): a place, device or activity in a unit where an accident can start. It carries its own
 * control and emergency measures ("one point, one policy"), its grading history, its photos and its place
 * in the level-by-level review.
 */
export interface RiskPoint {
  id: string;
  name: string;
  unitId: string;
  unitName: string;
  industry: string;
  templateCode?: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
  location: { lat: number; lng: number };
  address?: string;
  description?: string;
  hazardFactors: string[];
  accidentTypes: string[];
  checklist: { code: string; text: string }[];
  controlMeasures: string[];
  emergencyMeasures: string[];
  responsiblePerson?: { name?: string; phone?: string };
  emergencyPhone?: string;
  color: Color;
  /** The current grading; `gradings` keeps every earlier one, each with the table version it used. */
  assessment?: Assessment;
  gradings: Assessment[];
  status: RiskPointStatus;
  /** The reviews this filing needs, in order (from the county's chain for its colour when submitted). */
  reviewChain: ReviewLevel[];
  /** How many of `reviewChain` have approved. */
  reviewStep: number;
  /**
   * The colour whose chain this filing follows: the worse of its colour and `filedColor`, so a downgrade is
   * reviewed by whoever reviews the colour it had (the county sees every red or orange point leave its list).
   */
  reviewColor?: Color;
  /** The colour on record when the point was last filed; kept through reopen and return. */
  filedColor?: Color;
  /** Who submitted this filing: neither they nor `createdBy` may approve it (four eyes). */
  submittedBy?: string;
  /**
   * Who may reopen the point once filed: the last level of the county's chain for its colour, copied at submit
   * like the chain itself (points filed before it existed are looked up in the settings).
   */
  reopenBy?: ReviewLevel;
  returnReason?: string;
  photos: Photo[];
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const textList = (itemMax: number, max: number) => z.array(textField(itemMax)).check(z.maxLength(max));

/** What a filer writes about a point, when filing it and when editing a draft (where every field is optional). */
const optionalContent = {
  address: z.optional(textField(200)),
  description: z.optional(textField(2000)),
  assessment: z.optional(AssessmentInputSchema),
  hazardFactors: z.optional(textList(200, 50)),
  accidentTypes: z.optional(textList(50, 20)),
  controlMeasures: z.optional(textList(500, 50)),
  emergencyMeasures: z.optional(textList(500, 50)),
  responsiblePerson: z.optional(ContactSchema),
  emergencyPhone: z.optional(PhoneSchema),
};

export const CreateRiskPointSchema = described(
  z.strictObject({
    name: textField(100),
    unitId: UlidSchema,
    industry: IndustryCodeSchema,
    /** A knowledge-base template: its hazards, checklist and measures fill whatever the filer leaves out. */
    templateCode: z.optional(z.string().check(z.regex(/^[a-z][a-z0-9_]{1,63}$/))),
    location: LocationSchema,
    ...optionalContent,
  }),
  { id: 'CreateRiskPoint' },
);
export type CreateRiskPointInput = z.infer<typeof CreateRiskPointSchema>;

export const UpdateRiskPointSchema = described(
  z.strictObject({
    name: z.optional(textField(100)),
    location: z.optional(LocationSchema),
    ...optionalContent,
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'UpdateRiskPoint' },
);

export const ReturnRiskPointSchema = described(
  z.strictObject({ reason: textField(500), version: z.optional(z.number().check(z.int(), z.minimum(1))) }),
  { id: 'ReturnRiskPoint' },
);
export const ReopenRiskPointSchema = described(
  z.strictObject({
    /**
     * Why the record is reopened. Optional only until REOPEN_REASON_REQUIRED_FROM: an app loaded before
     * reopening became a reviewer's act sends `{version}` alone (see docs/decisions.md).
     */
    reason: z.optional(textField(500)),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
    /** Where the reviewer stood, as every review step may say. */
    location: z.optional(LocationSchema),
  }),
  { id: 'ReopenRiskPoint' },
);
/** From this day a reopen without a reason is 400; before it, an older app's body is accepted and audited so. */
export const REOPEN_REASON_REQUIRED_FROM = '2027-03-01T00:00:00+08:00';

/**
 * A reopen's reason: required, except that until REOPEN_REASON_REQUIRED_FROM a body without one (an app loaded
 * before reopening became a reviewer's act) is accepted; answers whether this is such a legacy body.
 */
export function checkReopenReason(reason: string | undefined, now: Date): { legacyBody: boolean } {
  if (reason) return { legacyBody: false };
  if (now.getTime() >= Date.parse(REOPEN_REASON_REQUIRED_FROM))
    throw new ValidationError([{ path: 'reason', message: 'say why the filed point is reopened' }]);
  return { legacyBody: true };
}

export const TransitionSchema = described(
  z.strictObject({
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
    location: z.optional(LocationSchema),
  }),
  { id: 'Transition' },
);

export const RequestPhotoSchema = described(
  z.strictObject({
    contentType: z.enum(PHOTO_TYPES),
    size: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PHOTO_BYTES)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the photo')),
    takenAt: z.optional(z.iso.datetime({ offset: true })),
    location: z.optional(LocationSchema),
    /** Hazards only: `finding` for the report's photos; the default, `fix`, for evidence of the rectification. */
    purpose: z.optional(z.enum(['finding', 'fix'])),
  }),
  { id: 'RequestPhoto' },
);

export const RiskPointListFilterSchema = z.object({
  grid: z.optional(UlidSchema),
  color: z.optional(ColorSchema),
  status: z.optional(RiskPointStatusSchema),
  industry: z.optional(IndustryCodeSchema),
  department: z.optional(UlidSchema),
});

/** Who may file, edit and submit risk points (in their own area). */
export function canFile(principal: Principal): boolean {
  return ['county_admin', 'township_officer', 'grid_member', 'unit_user'].includes(principal.role);
}

/** The review level a person acts at: township officers at the township step, the county admin at either. */
export function canReviewAt(principal: Principal, level: ReviewLevel): boolean {
  if (principal.role === 'county_admin') return true;
  return level === 'township' && principal.role === 'township_officer';
}

export type RiskPointTransition = 'submit' | 'approve' | 'return' | 'reopen';
export const RISK_POINT_TRANSITIONS = ['submit', 'approve', 'return', 'reopen'] as const;

const COLOR_RANK: Record<Color, number> = { ungraded: 0, blue: 1, yellow: 2, orange: 3, red: 4 };

/** The worse of two colours (red worst); a point never filed has only its own. */
export function worseColor(a: Color, b: Color | undefined): Color {
  return b !== undefined && COLOR_RANK[b] > COLOR_RANK[a] ? b : a;
}

/** The last level of the county's chain for a colour: who must see a point of that colour filed or reopened. */
export function finalReviewLevel(settings: Pick<TenantSettings, 'reviewChains'>, color: Color): ReviewLevel {
  const chain = settings.reviewChains[color];
  return chain[chain.length - 1] ?? 'county';
}

/** Reopening a filed point takes it off the register: only whoever reviews its colour's last step may. */
export function canReopen(
  principal: Principal,
  point: Pick<RiskPoint, 'color' | 'reopenBy'>,
  settings: Pick<TenantSettings, 'reviewChains'>,
): boolean {
  return canReviewAt(principal, reopenLevel(point, settings));
}

function reopenLevel(
  point: Pick<RiskPoint, 'color' | 'reopenBy'>,
  settings: Pick<TenantSettings, 'reviewChains'>,
) {
  return point.reopenBy ?? finalReviewLevel(settings, point.color);
}

/**
 * Whether deciding this person's review steps on this point needs the county's settings: a submit (the chain),
 * a reopen of a point filed before `reopenBy` existed, and an approval of one's own filing (the one-person
 * township setting). Every other step follows what the point carries, so it costs no settings read.
 */
export function reviewNeedsSettings(
  point: Pick<RiskPoint, 'status' | 'reopenBy' | 'createdBy' | 'submittedBy'>,
  principal: Pick<Principal, 'username'>,
  transition?: RiskPointTransition,
): boolean {
  const own = principal.username === point.createdBy || principal.username === point.submittedBy;
  if (transition === 'submit') return true;
  if (point.status === 'filed') return point.reopenBy === undefined;
  return own && point.status !== 'draft';
}

type ReviewFields = Pick<RiskPoint, 'status' | 'reviewChain' | 'reviewStep'> &
  Partial<Pick<RiskPoint, 'reviewColor' | 'filedColor' | 'submittedBy' | 'reopenBy'>>;

/** A transition's outcome: the point's review fields, and whether one person took both sides of it. */
export interface ReviewOutcome {
  state: ReviewFields;
  /** True when the county's setting let a township officer approve their own filing (audited as such). */
  singlePerson: boolean;
}

/**
 * The review state machine (pure): draft → submitted → (township_approved →) filed, the chain per colour
 * from the county's settings; the reviewer whose turn it is may return a filing to draft with a reason; a filed
 * point is reopened to draft by whoever reviews its colour's last step, so nothing on record is edited in place
 * and no filer takes a point off the register alone. Nobody approves a filing they created or submitted.
 *
 * @example
 * nextReviewState(draft, 'submit', gridMember, DEFAULT_SETTINGS).state.status; // 'submitted'
 */
export function nextReviewState(
  point: Pick<
    RiskPoint,
    | 'status'
    | 'color'
    | 'reviewChain'
    | 'reviewStep'
    | 'createdBy'
    | 'filedColor'
    | 'submittedBy'
    | 'reopenBy'
  >,
  transition: RiskPointTransition,
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): ReviewOutcome {
  switch (transition) {
    case 'submit': {
      if (point.status !== 'draft') throw wrongState(point.status, 'submitted');
      if (!canFile(principal)) throw new ForbiddenError('Your role does not file risk points.');
      const reviewColor = worseColor(point.color, point.filedColor);
      return {
        state: {
          status: 'submitted',
          reviewChain: [...settings.reviewChains[reviewColor]],
          reviewStep: 0,
          reviewColor,
          submittedBy: principal.username,
          reopenBy: finalReviewLevel(settings, point.color),
        },
        singlePerson: false,
      };
    }
    case 'approve': {
      if (point.status !== 'submitted' && point.status !== 'township_approved')
        throw wrongState(point.status, 'approved');
      const level = point.reviewChain[point.reviewStep];
      if (!level) throw new ConflictError('This filing has no review left to give.', 'wrong_state');
      if (!canReviewAt(principal, level))
        throw new ForbiddenError(`This filing waits for the ${level} review.`);
      const own = principal.username === point.createdBy || principal.username === point.submittedBy;
      const singlePerson =
        own &&
        level === 'township' &&
        principal.role === 'township_officer' &&
        settings.reviews.allowSinglePersonTownship;
      if (own && !singlePerson) {
        throw new ForbiddenError(
          'You created or submitted this filing; another reviewer must approve it.',
          'same_person',
        );
      }
      const reviewStep = point.reviewStep + 1;
      const done = reviewStep >= point.reviewChain.length;
      return {
        state: {
          status: done ? 'filed' : 'township_approved',
          reviewChain: point.reviewChain,
          reviewStep,
          ...(done ? { filedColor: point.color } : {}),
        },
        singlePerson,
      };
    }
    case 'return': {
      if (point.status !== 'submitted' && point.status !== 'township_approved')
        throw wrongState(point.status, 'returned');
      const level = point.reviewChain[point.reviewStep];
      if (!level || !canReviewAt(principal, level))
        throw new ForbiddenError('Only the reviewer whose turn it is may return a filing.');
      return { state: { status: 'draft', reviewChain: [], reviewStep: 0 }, singlePerson: false };
    }
    case 'reopen': {
      if (point.status !== 'filed') throw wrongState(point.status, 'reopened');
      if (!canReopen(principal, point, settings)) {
        throw new ForbiddenError(
          `A filed ${point.color} point is reopened by its ${reopenLevel(point, settings)} reviewer.`,
        );
      }
      // Points filed before `filedColor` existed: the colour on record now is the one they were filed with.
      return {
        state: {
          status: 'draft',
          reviewChain: [],
          reviewStep: 0,
          filedColor: point.filedColor ?? point.color,
        },
        singlePerson: false,
      };
    }
  }
}

/**
 * What this person may do to this point now, for the buttons a client draws (scope is checked by the caller):
 * the same rules as `nextReviewState`, asked without throwing.
 */
export function allowedRiskPointActions(
  point: Parameters<typeof nextReviewState>[0],
  principal: Principal,
  settings: Pick<TenantSettings, 'reviewChains' | 'reviews'>,
): RiskPointTransition[] {
  return RISK_POINT_TRANSITIONS.filter((transition) => {
    try {
      nextReviewState(point, transition, principal, settings);
      return true;
    } catch {
      return false;
    }
  });
}

function wrongState(status: RiskPointStatus, wanted: string): ConflictError {
  return new ConflictError(`A risk point that is ${status} cannot be ${wanted}.`, 'wrong_state');
}

export function assertEditable(point: Pick<RiskPoint, 'status'>): void {
  if (point.status !== 'draft') {
    throw new ConflictError('Only a draft can be edited; reopen a filed point first.', 'wrong_state');
  }
}

export function assertLocationInChina(location: { lat: number; lng: number }, field = 'location'): void {
  // A fix at 0,0 is a phone that had no GPS: refuse it rather than put a point in the Gulf of Guinea.
  if (location.lat === 0 && location.lng === 0) {
    throw new ValidationError([{ path: field, message: 'has no position (0, 0); wait for a GPS fix' }]);
  }
}

import * as z from 'zod/mini';
import {
  ContactSchema,
  dateTimeWithOffset,
  described,
  LocationSchema,
  PhoneSchema,
  textField,
  UlidSchema,
} from './common-schemas.ts';
import { IndustryCodeSchema } from './department.ts';
import { ConflictError, ValidationError } from './errors.ts';
import { type Assessment, AssessmentInputSchema, type Color, ColorSchema } from './grading.ts';
import type { Principal } from './roles.ts';
import type { ReviewLevel } from './settings.ts';

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
    takenAt: z.optional(dateTimeWithOffset()),
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

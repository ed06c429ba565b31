import * as z from 'zod/mini';
import { described, textField, UlidSchema } from './common-schemas.ts';
import { ValidationError } from './errors.ts';
import { chinaDay } from './statistics.ts';

/**
 * Emergency plans (应急预案) of a unit or of one of its risk points: a file (a PDF as the unit signed it, or a
 * scan) kept as evidence in the county's S3 prefix, its edition and the date it must be reviewed by (a plan is
 * reviewed at least every three years, 《生产安全事故应急预案管理办法》). A new edition is a new plan.
 */
export const PLAN_FILE_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
] as const;
/** A plan runs to a few hundred pages of scanned PDF: 30 MB is generous, and S3 takes it in one PUT. */
export const MAX_PLAN_FILE_BYTES = 30 * 1024 * 1024;

export interface PlanFile {
  id: string;
  key: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface EmergencyPlan {
  id: string;
  /** The unit's plan, or (with `riskPointId`) the plan of one of its risk points (现场处置方案). */
  unitId: string;
  unitName: string;
  riskPointId?: string;
  riskPointName?: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
  title: string;
  /** The plan's own edition, as printed on it ("2026版", "V2.1"); not the record's version. */
  planVersion: string;
  /** The day (China time) the plan must be reviewed by. */
  reviewDate: string;
  file: PlanFile;
  uploadedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const RequestPlanFileSchema = described(
  z.strictObject({
    contentType: z.enum(PLAN_FILE_TYPES),
    size: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PLAN_FILE_BYTES)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the file')),
  }),
  { id: 'RequestPlanFile' },
);
export type RequestPlanFileInput = z.infer<typeof RequestPlanFileSchema>;

const DaySchema = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD'),
  z.refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
      new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    'must be a real date',
  ),
);

export const CreatePlanSchema = described(
  z.strictObject({
    unitId: z.optional(UlidSchema),
    riskPointId: z.optional(UlidSchema),
    title: textField(200),
    planVersion: described(textField(30), { description: 'The plan’s own edition, e.g. 2026版 or V2.1' }),
    reviewDate: described(DaySchema, { description: 'The day the plan must be reviewed by (YYYY-MM-DD)' }),
    fileId: described(UlidSchema, { description: 'The file announced with POST /plans/files and uploaded' }),
  }),
  { id: 'CreatePlan' },
);
export type CreatePlanInput = z.infer<typeof CreatePlanSchema>;

/** Exactly one of a unit and a risk point names what the plan is for. */
export function checkPlanTarget(input: Pick<CreatePlanInput, 'unitId' | 'riskPointId'>): void {
  if (!input.unitId && !input.riskPointId)
    throw new ValidationError([{ path: 'unitId', message: 'name a unit or a risk point' }]);
}

/** A plan whose review date has passed (China time): flagged on every answer until a new edition is filed. */
export function planReviewOverdue(plan: Pick<EmergencyPlan, 'reviewDate'>, now: Date): boolean {
  return plan.reviewDate < chinaDay(now);
}

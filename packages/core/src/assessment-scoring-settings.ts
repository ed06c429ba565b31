// The assessment's scoring settings (weights and deductions), part of every county's settings and so loaded at every
// cold start; the scoring itself (assessment-scoring.ts) is loaded only where an assessment is computed.
import * as z from 'zod/mini';
import { described } from './common-schemas.ts';

const points = z.number().check(z.minimum(0), z.maximum(100));

/**
 * How the county scores its assessment (双百分考核): a weight per rate (the rates share 100 points in these
 * proportions) and the points one 约谈, one 通报 and one overdue escalation deduct. Absent in counties saved
 * before scoring existed: the defaults apply.
 */
export const AssessmentScoringSchema = described(
  z.strictObject({
    weights: z.strictObject({
      filingCoverage: points,
      patrolCompletion: points,
      onTimeRectification: points,
    }),
    deductions: z.strictObject({
      interview: points,
      circular: points,
      overdueEscalation: points,
    }),
  }),
  { id: 'AssessmentScoring' },
);
export type AssessmentScoring = z.infer<typeof AssessmentScoringSchema>;

export const DEFAULT_ASSESSMENT_SCORING: AssessmentScoring = {
  weights: { filingCoverage: 30, patrolCompletion: 40, onTimeRectification: 30 },
  deductions: { interview: 5, circular: 3, overdueEscalation: 1 },
};

export const AssessmentScoringField = z._default(AssessmentScoringSchema, DEFAULT_ASSESSMENT_SCORING);

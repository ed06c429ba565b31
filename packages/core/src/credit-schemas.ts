import * as z from 'zod/mini';
import { described } from './common-schemas.ts';
import { CREDIT_LEVELS, CREDIT_REASON_CODES } from './credit.ts';

/**
 * The credit ratings' schemas (credit.ts holds the rule). Apart from credit.ts so that code which needs only the
 * levels (the units list in the API's cold start) does not carry these schemas.
 */
export const CreditLevelSchema = z.enum(CREDIT_LEVELS);

const points = z.number().check(z.int(), z.minimum(0), z.maximum(100));
const days = z.number().check(z.int(), z.minimum(1), z.maximum(366));

/**
 * A county's credit rules. Versioned like the grading tables: every saved change is a new version (the server's,
 * not the client's), the old versions are kept, and every rating names the version that computed it.
 */
export const CreditRulesSchema = described(
  z.strictObject({
    /** Past records (closed hazards, patrols, enforcement) count for this many days. */
    lookbackDays: days,
    /** Points taken from 100 for each filed risk point of a colour (the inherent risk the unit carries). */
    filedColor: z.strictObject({ red: points, orange: points, yellow: points, blue: points }),
    /** Points for each hazard still open, by severity, and more for each one past its deadline. */
    openHazard: z.strictObject({ general: points, major: points }),
    overdueHazard: points,
    /** Points for each hazard closed within the look-back (a unit that keeps having them). */
    closedHazard: z.strictObject({ general: points, major: points }),
    /** Points for each deficient item patrols found within the look-back. */
    patrolFinding: points,
    /** Points for each enforcement outcome within the look-back; `compliant` is added back (up to 100). */
    enforcement: z.strictObject({ compliant: points, order: points, case: points, referral: points }),
    /** The least score of each level; below `yellow` is red. */
    bands: z.strictObject({ green: points, blue: points, yellow: points }),
    /** An open major hazard past its deadline makes the unit red whatever its score. */
    overdueMajorIsRed: z.boolean(),
    /** Days between patrols by credit level; the shortest of this and the risk colour's interval wins. */
    patrolDays: z.strictObject({ green: days, blue: days, yellow: days, red: days }),
  }),
  { id: 'CreditRules' },
);
export type CreditRules = z.infer<typeof CreditRulesSchema>;

export const CreditReasonSchema = z.object({
  code: z.enum(CREDIT_REASON_CODES),
  count: z.number(),
  points: z.number(),
});
export const CreditRatingSchema = described(
  z.object({
    level: CreditLevelSchema,
    score: z.number(),
    computedAt: z.string(),
    rulesVersion: z.number(),
    reasons: z.array(CreditReasonSchema),
  }),
  { id: 'CreditRating' },
);

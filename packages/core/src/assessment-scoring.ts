import * as z from 'zod/mini';
import type { AssessmentScoring } from './assessment-scoring-settings.ts';
import { described, textField, UlidSchema } from './common-schemas.ts';
import { ValidationError } from './errors.ts';
import { type AssessmentRow, QUARTER_MESSAGE, QUARTER_PATTERN, rate } from './quarterly-assessment.ts';

// The county's scoring settings live apart (assessment-scoring-settings.ts): the settings schema needs them at every
// cold start (4.9 KB less of it without this file and quarterly-assessment.ts), the scoring below only the
// assessment's own routes and jobs.
export * from './assessment-scoring-settings.ts';

/** 约谈 (interview) and 通报 (circular) of a township or a department, and the withdrawal that compensates one. */
export const ASSESSMENT_ACTION_KINDS = ['interview', 'circular', 'withdrawal'] as const;
export type AssessmentActionKind = (typeof ASSESSMENT_ACTION_KINDS)[number];

/**
 * A 约谈 or 通报 recorded by the county against a township or department in a quarter, deducted from its score.
 * Never deleted: a mistaken one is withdrawn by a `withdrawal` record naming it, and both stay in the list.
 */
export interface AssessmentAction {
  id: string;
  kind: AssessmentActionKind;
  quarter: string;
  /** The year the quarter belongs to (the list's partition). */
  year: string;
  targetKind: 'township' | 'department';
  targetId: string;
  targetName: string;
  reason: string;
  /** On a withdrawal: the action it withdraws. */
  withdraws?: string;
  /** On an interview or circular that was withdrawn: the withdrawal. */
  withdrawnBy?: string;
  recordedBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CreateAssessmentActionSchema = described(
  z.strictObject({
    kind: z.enum(ASSESSMENT_ACTION_KINDS),
    quarter: described(z.optional(z.string().check(z.regex(QUARTER_PATTERN, QUARTER_MESSAGE))), {
      description: 'The quarter it counts in (interview, circular); a withdrawal takes the withdrawn one’s',
    }),
    targetKind: z.optional(z.enum(['township', 'department'])),
    targetId: z.optional(UlidSchema),
    reason: textField(500),
    withdraws: described(z.optional(UlidSchema), { description: 'A withdrawal: the action it withdraws' }),
  }),
  { id: 'CreateAssessmentAction' },
);
export type CreateAssessmentActionInput = z.infer<typeof CreateAssessmentActionSchema>;

/** The fields each kind requires, named as the request names them (400 before anything is read). */
export function checkAssessmentActionInput(input: CreateAssessmentActionInput): void {
  const missing = (field: string) => ({ path: `body.${field}`, message: 'is required' });
  if (input.kind === 'withdrawal') {
    if (!input.withdraws) throw new ValidationError([missing('withdraws')]);
    return;
  }
  const problems = [
    ...(input.quarter ? [] : [missing('quarter')]),
    ...(input.targetKind ? [] : [missing('targetKind')]),
    ...(input.targetId ? [] : [missing('targetId')]),
    ...(input.withdraws ? [{ path: 'body.withdraws', message: 'only a withdrawal names one' }] : []),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
}

/** A row of a scored assessment: the figures, the deductions, the total `score` (0–100) and its `rank`. */
export type ScoredRow = AssessmentRow & {
  interviews: number;
  circulars: number;
  baseScore: number;
  deduction: number;
  score: number;
  /** 1 for the best score among the rows of the same kind; equal scores share a rank (1, 1, 3). */
  rank: number;
};

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Scores each row: the rates, weighted, make the base score out of 100 (a rate with nothing to measure is left out
 * and the remaining weights share the 100; no rate at all scores 100), minus the deductions, never below 0.
 * Ranks are per kind (townships among townships, departments among departments, grid members among members).
 *
 * @example
 * scoreRows(rows, DEFAULT_ASSESSMENT_SCORING, [{ kind: 'interview', targetId: rows[0].id }])[0].deduction; // 5 + escalations
 */
export function scoreRows(
  rows: AssessmentRow[],
  scoring: AssessmentScoring,
  actions: Pick<AssessmentAction, 'kind' | 'targetId' | 'withdrawnBy'>[],
): ScoredRow[] {
  const { weights, deductions } = scoring;
  const counted = actions.filter((action) => action.kind !== 'withdrawal' && !action.withdrawnBy);
  const scored = rows.map((row) => {
    const parts = [
      [row.filingCoverage, weights.filingCoverage],
      [row.patrolCompletion, weights.patrolCompletion],
      [row.onTimeRectification, weights.onTimeRectification],
    ].filter((part): part is [number, number] => part[0] !== null);
    const weight = parts.reduce((sum, [, w]) => sum + w, 0);
    const baseScore =
      weight === 0 ? 100 : round2((100 * parts.reduce((sum, [r, w]) => sum + r * w, 0)) / weight);
    const interviews = counted.filter((a) => a.kind === 'interview' && a.targetId === row.id).length;
    const circulars = counted.filter((a) => a.kind === 'circular' && a.targetId === row.id).length;
    const deduction = round2(
      interviews * deductions.interview +
        circulars * deductions.circular +
        row.overdueEscalations * deductions.overdueEscalation,
    );
    return {
      ...row,
      interviews,
      circulars,
      baseScore,
      deduction,
      score: Math.max(0, round2(baseScore - deduction)),
      rank: 0,
    };
  });
  for (const row of scored) {
    row.rank = 1 + scored.filter((other) => other.kind === row.kind && other.score > row.score).length;
  }
  return scored;
}

/**
 * The year's figures of each row from its quarters' (年度考核): flows (patrols, hazards, escalations) summed over
 * the quarters, the unit stock (units, units filed) as at the latest quarter, rates recomputed from the sums.
 */
export function combineQuarterRows(quarters: AssessmentRow[][]): AssessmentRow[] {
  const byKey = new Map<string, AssessmentRow>();
  for (const rows of quarters) {
    for (const row of rows) {
      const key = `${row.kind}:${row.id}`;
      const sum = byKey.get(key);
      if (!sum) {
        byKey.set(key, { ...row });
        continue;
      }
      byKey.set(key, {
        ...sum,
        name: row.name,
        units: row.units,
        unitsFiled: row.unitsFiled,
        patrolsDue: sum.patrolsDue + row.patrolsDue,
        patrolsDone: sum.patrolsDone + row.patrolsDone,
        hazardsDue: sum.hazardsDue + row.hazardsDue,
        hazardsOnTime: sum.hazardsOnTime + row.hazardsOnTime,
        overdueEscalations: sum.overdueEscalations + row.overdueEscalations,
      });
    }
  }
  return [...byKey.values()].map((row) => ({
    ...row,
    filingCoverage: rate(row.unitsFiled, row.units),
    patrolCompletion: rate(row.patrolsDone, row.patrolsDue),
    onTimeRectification: rate(row.hazardsOnTime, row.hazardsDue),
  }));
}

/** `2026` → its four quarters, in order. */
export function quartersOfYear(year: string): string[] {
  return [1, 2, 3, 4].map((q) => `${year}Q${q}`);
}

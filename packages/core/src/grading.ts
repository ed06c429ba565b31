import * as z from 'zod/mini';
import { described } from './common-schemas.ts';
import { ValidationError } from './errors.ts';

export const COLORS = ['red', 'orange', 'yellow', 'blue', 'ungraded'] as const;
export const ColorSchema = z.enum(COLORS);
export type Color = z.infer<typeof ColorSchema>;
export type GradedColor = Exclude<Color, 'ungraded'>;

/** LEC values as the grading tables print them (likelihood, exposure, consequence). */
export const LEC_VALUES = {
  L: [10, 6, 3, 1, 0.5, 0.2, 0.1],
  E: [10, 6, 3, 2, 1, 0.5],
  C: [100, 40, 15, 7, 3, 1],
} as const;

const oneOf = (values: readonly number[], name: string) =>
  z
    .number()
    .check(z.refine((value) => values.includes(value), `${name} must be one of ${values.join(', ')}`));

export const AssessmentInputSchema = described(
  z.discriminatedUnion('method', [
    z.strictObject({
      method: z.literal('LEC'),
      L: oneOf(LEC_VALUES.L, 'L'),
      E: oneOf(LEC_VALUES.E, 'E'),
      C: oneOf(LEC_VALUES.C, 'C'),
    }),
    z.strictObject({
      method: z.literal('LS'),
      L: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
      S: z.number().check(z.int(), z.minimum(1), z.maximum(5)),
    }),
  ]),
  { id: 'AssessmentInput' },
);
export type AssessmentInput = z.infer<typeof AssessmentInputSchema>;

/**
 * A band: the colour applies when the score is above `above` (the first matching band wins, so bands are
 * listed from red down). The default LEC table is the domain brief's: D > 320 red, 160 < D ≤ 320 orange,
 * 70 < D ≤ 160 yellow, D ≤ 70 blue. The LS 5×5 matrix (R = L × S): 20–25 red, 10–16 orange, 4–9 yellow,
 * 1–3 blue. Sources disagree, so both are county settings.
 */
// LEC scores run from 0.05 to 10,000 and LS from 1 to 25. The catch-all band is stored as "above -1e9" (JSON has
// no -Infinity), and DynamoDB cannot hold magnitudes under 1e-130, so thresholds are bounded and a threshold
// closer to zero than 0.01 (which grades nothing differently) is refused (finding 7 in docs/reliability.md).
export const BandSchema = z.strictObject({
  color: z.enum(['red', 'orange', 'yellow', 'blue']),
  above: z.number().check(
    z.minimum(-1e9),
    z.maximum(1e6),
    z.refine((value) => value === 0 || Math.abs(value) >= 0.01, 'must be 0 or at least 0.01 away from it'),
  ),
});
export const GradingTableSchema = described(
  z.strictObject({
    /** Increments whenever a county changes any band; every grading records the version it used. */
    version: z.number().check(z.int(), z.minimum(1)),
    LEC: z.array(BandSchema).check(z.minLength(1), z.maxLength(4)),
    LS: z.array(BandSchema).check(z.minLength(1), z.maxLength(4)),
  }),
  { id: 'GradingTable' },
);
export type GradingTable = z.infer<typeof GradingTableSchema>;

export const DEFAULT_GRADING_TABLE: GradingTable = {
  version: 1,
  LEC: [
    { color: 'red', above: 320 },
    { color: 'orange', above: 160 },
    { color: 'yellow', above: 70 },
    { color: 'blue', above: Number.NEGATIVE_INFINITY },
  ],
  LS: [
    { color: 'red', above: 16 },
    { color: 'orange', above: 9 },
    { color: 'yellow', above: 3 },
    { color: 'blue', above: Number.NEGATIVE_INFINITY },
  ],
};

/** One grading as stored: the method, its inputs, the score, the colour, and the table version it used. */
export interface Assessment {
  method: 'LEC' | 'LS';
  inputs: Record<string, number>;
  score: number;
  color: GradedColor;
  tableVersion: number;
  at: string;
  by: string;
}

export function scoreOf(input: AssessmentInput): number {
  // Rounded to remove floating noise such as 0.2 × 3 × 100 = 60.00000000000001.
  const raw = input.method === 'LEC' ? input.L * input.E * input.C : input.L * input.S;
  return Math.round(raw * 1e6) / 1e6;
}

export function colorFor(score: number, bands: GradingTable['LEC']): GradedColor {
  for (const band of bands) {
    if (score > band.above) return band.color;
  }
  throw new ValidationError([
    { path: 'assessment', message: `the grading table has no band for score ${score}` },
  ]);
}

/** Grades with the given table: pure, so the same inputs and table always give the same colour. */
export function grade(input: AssessmentInput, table: GradingTable, at: Date, by: string): Assessment {
  const score = scoreOf(input);
  const { method, ...inputs } = input;
  return {
    method,
    inputs,
    score,
    color: colorFor(score, table[method]),
    tableVersion: table.version,
    at: at.toISOString(),
    by,
  };
}

/** Bands must run from the highest threshold down and end with a catch-all, or some scores get no colour. */
export function assertValidBands(table: GradingTable): void {
  for (const method of ['LEC', 'LS'] as const) {
    const bands = table[method];
    for (let i = 1; i < bands.length; i++) {
      if (bands[i]!.above >= bands[i - 1]!.above) {
        throw new ValidationError([
          {
            path: `grading.${method}.${i}.above`,
            message: 'bands must be listed from the highest threshold down',
          },
        ]);
      }
    }
    if (bands.at(-1)!.above > 0) {
      throw new ValidationError([
        { path: `grading.${method}`, message: 'the last band must catch every score (above 0 or less)' },
      ]);
    }
  }
}

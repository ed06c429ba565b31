import {
  AssessmentScoringSchema,
  authorize,
  described,
  QUARTER_MESSAGE,
  QUARTER_PATTERN,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { ProblemSchema } from '../problem.ts';
import { registerAssessmentActions } from './assessment-actions.ts';

const rate = described(z.nullable(z.number()), {
  description: 'A share between 0 and 1; null when there was nothing to measure',
});
const AssessmentRowSchema = described(
  z.object({
    kind: described(z.enum(['township', 'department', 'member']), {
      description: 'member: a grid member, for the villages they hold',
    }),
    id: z.string(),
    name: z.string(),
    units: described(z.number().check(z.int()), { description: 'Units registered before the quarter ended' }),
    unitsFiled: described(z.number().check(z.int()), {
      description: 'Of those, units with at least one filed risk point',
    }),
    filingCoverage: rate,
    patrolsDue: described(z.number().check(z.int()), { description: 'Patrols due within the quarter' }),
    patrolsDone: described(z.number().check(z.int()), {
      description: 'Of those, done before the quarter ended',
    }),
    patrolCompletion: rate,
    hazardsDue: described(z.number().check(z.int()), {
      description: 'Hazards whose rectification deadline fell in the quarter',
    }),
    hazardsOnTime: described(z.number().check(z.int()), {
      description: 'Of those, rectified (or resolved on the spot) by the deadline',
    }),
    onTimeRectification: rate,
    overdueEscalations: described(z.number().check(z.int()), {
      description: 'Escalations in the quarter caused by a passed deadline',
    }),
    interviews: described(z.number().check(z.int()), { description: '约谈 recorded (not withdrawn)' }),
    circulars: described(z.number().check(z.int()), { description: '通报 recorded (not withdrawn)' }),
    baseScore: described(z.number(), { description: 'The weighted rates, out of 100' }),
    deduction: described(z.number(), {
      description: 'Points deducted for 约谈, 通报 and overdue escalations',
    }),
    score: described(z.number(), { description: 'baseScore − deduction, never below 0' }),
    rank: described(z.number().check(z.int()), {
      description: 'Among the county’s rows of the same kind, by score (equal scores share a rank)',
    }),
  }),
  { id: 'AssessmentRow' },
);
const AssessmentSchema = described(
  z.object({
    quarter: described(z.optional(z.string()), { description: 'The quarter (a quarterly assessment)' }),
    year: described(z.optional(z.string()), {
      description: 'The year (an annual assessment: its quarters combined)',
    }),
    quarters: described(z.optional(z.array(z.string())), {
      description: 'Annual: the quarters combined (those with figures so far)',
    }),
    scoring: AssessmentScoringSchema,
    start: z.string(),
    end: z.string(),
    computedAt: described(z.string(), {
      description: 'When the figures were computed from the records (统计截至)',
    }),
    rows: z.array(AssessmentRowSchema),
  }),
  { id: 'QuarterlyAssessment' },
);

const QuerySchema = z.object({
  quarter: described(z.optional(z.string().check(z.regex(QUARTER_PATTERN, QUARTER_MESSAGE))), {
    description: 'Like 2026Q4 (China Standard Time); the current quarter when left out',
    example: '2026Q4',
  }),
  year: described(z.optional(z.string().check(z.regex(/^(20\d{2}|2100)$/, 'must be a year like 2026'))), {
    description: 'The annual assessment (年度考核) of this year instead of a quarter',
    example: '2026',
  }),
  format: described(z.optional(z.enum(['json', 'csv'])), {
    description: 'csv (or Accept: text/csv): UTF-8 with a BOM, for Excel',
  }),
});

const route = createRoute({
  method: 'get',
  path: '/assessments',
  tags: ['assessments'],
  summary:
    'Quarterly or annual assessment (季度/年度考核) of each township, department and grid member: the rates, deductions, score and rank',
  description:
    'Computed from the records (so the figures can be reproduced from the register, the patrol list and the hazard board) once a day by the scheduled job, and once more after the quarter closes; `computedAt` says when. The current and the previous quarter, when not yet computed, are computed on the first request (once, however many ask at the same time); an older quarter answers its stored snapshot or 404; a quarter after the current one is a 400. The county admin sees every row; a township officer its township; a department officer its department. Scores use the county’s current weights and deductions (settings.assessment) and the 约谈/通报 recorded for the period; ranks are county-wide. `year` answers the annual assessment: the year’s quarters combined (docs/decisions.md).',
  request: { query: QuerySchema },
  responses: {
    200: {
      description: 'The assessment',
      content: { 'application/json': { schema: AssessmentSchema }, 'text/csv': { schema: z.string() } },
    },
    ...COMMON_ERRORS,
    503: {
      description: 'Another request is computing the quarter and has not finished; retry after Retry-After',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

const printRoute = createRoute({
  method: 'get',
  path: '/assessments/print',
  tags: ['assessments'],
  summary: 'The assessment as the 通报 the county sends out: a printable HTML document, ranked by score',
  request: { query: z.object({ quarter: QuerySchema.shape.quarter, year: QuerySchema.shape.year }) },
  responses: {
    200: { description: 'HTML document', content: { 'text/html': { schema: z.string() } } },
    ...COMMON_ERRORS,
    503: {
      description: 'Another request is computing the quarter and has not finished; retry after Retry-After',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function registerAssessments(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    authorize(c.get('principal'), 'assessment.read');
    const { quarter, year, format } = c.req.valid('query');
    // The snapshot store, the computation and the CSV writer are a chunk of their own (assessment-answer.ts):
    // the assessment is read a few times a quarter, every other request of a cold start would carry them.
    const { assessmentAnswer } = await import('./assessment-answer.ts');
    return assessmentAnswer(c, { quarter, year }, format);
  });
  app.openapi(printRoute, async (c) => {
    authorize(c.get('principal'), 'assessment.read');
    const { quarter, year } = c.req.valid('query');
    const { assessmentPrint } = await import('./assessment-answer.ts');
    return assessmentPrint(c, { quarter, year });
  });
  registerAssessmentActions(app);
}

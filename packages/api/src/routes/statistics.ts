import { authorize, described } from '@gridsafe/core';
import * as z from 'zod/mini';
import { COMMON_ERRORS, IdQuery, json } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';

const count = z.number().check(z.int());
const share = described(z.nullable(z.number()), {
  description:
    'A fraction of filed.total to four decimals (two in percent, rounded half up); null when none is filed',
});
const FiguresShape = {
  riskPoints: described(
    z.object({
      filed: z.object({
        red: count,
        orange: count,
        yellow: count,
        blue: count,
        ungraded: count,
        total: described(count, { description: 'Every filed point, graded or not' }),
        shares: z.object({ red: share, orange: share, yellow: share, blue: share, ungraded: share }),
      }),
      inReview: described(count, {
        description: 'Submitted, not yet filed (filed.total + inReview is 已上报备案)',
      }),
      draft: described(count, { description: 'Drafts: never counted as filed' }),
      total: count,
    }),
    { description: 'Risk points as they stood at the end of the period (`to`)' },
  ),
  hazards: described(
    z.object({
      found: described(count, { description: 'Reported within the period' }),
      rectified: described(count, { description: 'Rectified (or resolved on the spot) within the period' }),
      overdue: described(count, { description: 'Open and past their deadline at the end of the period' }),
      listed: described(count, {
        description: 'Under listed supervision (挂牌督办) at the end of the period',
      }),
    }),
    { description: 'Hazards: flows within the period, stocks at its end' },
  ),
  patrols: described(
    z.object({
      due: described(count, { description: 'Patrols due within the period' }),
      done: described(count, { description: 'Patrols completed within the period' }),
    }),
    { description: 'Patrols within the period' },
  ),
};
const StatisticsRowSchema = described(
  z.object({ kind: z.enum(['grid', 'department']), id: z.string(), name: z.string(), ...FiguresShape }),
  { id: 'StatisticsRow' },
);
const StatisticsSchema = described(
  z.object({
    from: z.string(),
    to: z.string(),
    grid: z.object({ id: z.string(), name: z.string(), level: z.string() }),
    department: z.optional(z.object({ id: z.string(), name: z.string() })),
    by: z.enum(['grid', 'department']),
    exactFrom: described(z.optional(z.string()), {
      description:
        'The county’s figures are exact from this day on; before it, each record counts as it is now from its creation (the ledger was built by the migration)',
    }),
    ...FiguresShape,
    summary: described(z.string(), {
      description: 'The paragraph reported upward (已上报备案风险点…个，红色…个，占…%…)',
    }),
    rows: z.array(StatisticsRowSchema),
  }),
  { id: 'Statistics' },
);

const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day like 2026-12-31'));
export const StatisticsQuerySchema = z.object({
  grid: described(z.optional(IdQuery), {
    description: 'The grid node (its subtree); the caller’s own area when left out',
  }),
  department: described(z.optional(IdQuery), { description: 'Only this department’s industries' }),
  from: described(z.optional(Day), {
    description: 'First day of the period (China Standard Time); 1 January of `to`’s year when left out',
  }),
  to: described(z.optional(Day), {
    description: 'Last day of the period, not after today; today when left out',
  }),
  by: described(z.optional(z.enum(['grid', 'department'])), {
    description: 'Rows per child grid (default) or per department',
  }),
});

const route = createRoute({
  method: 'get',
  path: '/statistics',
  tags: ['statistics'],
  summary:
    'Statistics for the level above (上报统计) of a grid or department for a period: risk points at its end, hazards and patrols within it, per child grid or per department',
  description:
    'Read from the statistics ledger (a few small Queries per row, never the records), within the caller’s area: the county admin the county, a township officer its township, a department officer its department, a grid member its village. A unit’s people have no statistics (403).',
  request: { query: StatisticsQuerySchema },
  responses: { 200: json(StatisticsSchema, 'The figures'), ...COMMON_ERRORS },
});

export function registerStatistics(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    authorize(c.get('principal'), 'stats.read');
    // The ledger reader is a chunk of its own: statistics are read a few times a month.
    const { statisticsAnswer } = await import('./statistics-handlers.ts');
    return c.json(await statisticsAnswer(c, c.req.valid('query')), 200);
  });
}

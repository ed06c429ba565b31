import {
  type AssessmentRecords,
  assessmentCsvRows,
  assessQuarter,
  authorize,
  type GridNode,
  type Principal,
  QUARTER_MESSAGE,
  QUARTER_PATTERN,
  type QuarterlyAssessment,
  quarterBounds,
  quarterOf,
  type RiskPoint,
  toCsv,
  type Unit,
  UTF8_BOM,
} from '@gridsafe/core';
import { HazardRepository, PatrolRepository } from '@gridsafe/db';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';
import { COMMON_ERRORS } from '../http-helpers.ts';
import type { createRouter } from '../openapi-hono.ts';

const rate = z
  .number()
  .nullable()
  .openapi({ description: 'A share between 0 and 1; null when there was nothing to measure' });
const AssessmentRowSchema = z
  .object({
    kind: z.enum(['township', 'department']),
    id: z.string(),
    name: z.string(),
    units: z.number().int().openapi({ description: 'Units registered before the quarter ended' }),
    unitsFiled: z
      .number()
      .int()
      .openapi({ description: 'Of those, units with at least one filed risk point' }),
    filingCoverage: rate,
    patrolsDue: z.number().int().openapi({ description: 'Patrols due within the quarter' }),
    patrolsDone: z.number().int().openapi({ description: 'Of those, done before the quarter ended' }),
    patrolCompletion: rate,
    hazardsDue: z
      .number()
      .int()
      .openapi({ description: 'Hazards whose rectification deadline fell in the quarter' }),
    hazardsOnTime: z
      .number()
      .int()
      .openapi({ description: 'Of those, rectified (or resolved on the spot) by the deadline' }),
    onTimeRectification: rate,
    overdueEscalations: z
      .number()
      .int()
      .openapi({ description: 'Escalations in the quarter caused by a passed deadline' }),
  })
  .openapi('AssessmentRow');
const AssessmentSchema = z
  .object({ quarter: z.string(), start: z.string(), end: z.string(), rows: z.array(AssessmentRowSchema) })
  .openapi('QuarterlyAssessment');

const QuerySchema = z.object({
  quarter: z.string().regex(QUARTER_PATTERN, QUARTER_MESSAGE).optional().openapi({
    description: 'Like 2026Q4 (China Standard Time); the current quarter when left out',
    example: '2026Q4',
  }),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .openapi({ description: 'csv (or Accept: text/csv): UTF-8 with a BOM, for Excel' }),
});

const route = createRoute({
  method: 'get',
  path: '/assessments',
  tags: ['assessments'],
  summary:
    'Quarterly assessment (季度考核) of each township and department: filing coverage, patrol completion, on-time rectification, overdue escalations',
  description:
    'Computed from the records on every request, so the figures can be reproduced from the register, the patrol list and the hazard board. The county admin sees every row; a township officer its township; a department officer its department.',
  request: { query: QuerySchema },
  responses: {
    200: {
      description: 'The assessment',
      content: { 'application/json': { schema: AssessmentSchema }, 'text/csv': { schema: z.string() } },
    },
    ...COMMON_ERRORS,
  },
});

export function registerAssessments(app: ReturnType<typeof createRouter>) {
  app.openapi(route, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'assessment.read');
    const { quarter: asked, format } = c.req.valid('query');
    const quarter = asked ?? quarterOf(c.get('deps').clock.now());
    const assessment = visibleRows(principal, assessQuarter(quarter, await loadRecords(c, quarter)));
    const wantsCsv =
      format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
    if (wantsCsv) {
      return c.body(UTF8_BOM + toCsv(assessmentCsvRows(assessment)), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="assessment-${quarter}.csv"`,
      });
    }
    return c.json(assessment, 200);
  });
}

/** The county sees every row; an officer the rows of its own township or department. */
function visibleRows(principal: Principal, assessment: QuarterlyAssessment): QuarterlyAssessment {
  if (principal.role === 'county_admin') return assessment;
  const own = new Set(principal.grants.map((grant) => grant.id));
  return { ...assessment, rows: assessment.rows.filter((row) => own.has(row.id)) };
}

/**
 * Every record the assessment needs, each read by its own Query (never a Scan): the townships, the departments,
 * the unit and risk-point registers, the patrols due in the quarter (by due time) and the hazards.
 */
export async function loadRecords(c: Context<AppEnv>, quarter: string): Promise<AssessmentRecords> {
  const data = countyData(c);
  const { start, end } = quarterBounds(quarter);
  const [townships, departments, units, riskPoints, patrols, hazards] = await Promise.all([
    allPages<GridNode>((cursor) => data.grids.listByLevel('township', undefined, { limit: 100, cursor })),
    data.departments.list(),
    allPages<Unit>((cursor) => data.units.list({ withinPath: '' }, { limit: 100, cursor })),
    allPages<RiskPoint>((cursor) => data.riskPoints.list({ withinPath: '' }, { limit: 100, cursor })),
    new PatrolRepository(data.store).listDueBetween(start.toISOString(), end.toISOString()),
    new HazardRepository(data.store).listAll(),
  ]);
  return { townships, departments, units, riskPoints, patrols, hazards };
}

async function allPages<T>(
  read: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

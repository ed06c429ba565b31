import {
  assessmentCsvRows,
  assessmentSourceFor,
  coversWholeCounty,
  NotFoundError,
  type Principal,
  type QuarterlyAssessment,
  quarterOf,
  toCsv,
  UTF8_BOM,
} from '@gridsafe/core';
import { AssessmentSnapshots } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';

/** The quarter's assessment as the caller may see it, as JSON or as the CSV the bureau files. */
export async function assessmentAnswer(
  c: Context<AppEnv>,
  asked: string | undefined,
  format: 'json' | 'csv' | undefined,
) {
  const principal = c.get('principal');
  const now = c.get('deps').clock.now();
  const quarter = asked ?? quarterOf(now);
  const snapshots = new AssessmentSnapshots(countyData(c).store);
  const snapshot =
    assessmentSourceFor(quarter, now) === 'computed'
      ? await snapshots.getOrComputeOnce(quarter, now)
      : await snapshots.get(quarter);
  // An old quarter nobody stored (before the county joined, or before snapshots were kept) is not recomputed.
  if (!snapshot) throw new NotFoundError(`stored assessment of ${quarter}`);
  const assessment = visibleRows(principal, snapshot);
  const wantsCsv =
    format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
  if (wantsCsv) {
    return c.body(UTF8_BOM + toCsv(assessmentCsvRows(assessment)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="assessment-${quarter}.csv"`,
    });
  }
  return c.json(assessment, 200);
}

/** The county sees every row; an officer the rows of its own township or department. */
function visibleRows<T extends QuarterlyAssessment>(principal: Principal, assessment: T): T {
  if (coversWholeCounty(principal)) return assessment;
  const own = new Set(principal.grants.map((grant) => grant.id));
  return { ...assessment, rows: assessment.rows.filter((row) => own.has(row.id)) };
}

import {
  assessmentCsvRows,
  assessmentSourceFor,
  combineQuarterRows,
  coversWholeCounty,
  NotFoundError,
  type Principal,
  quarterBounds,
  quarterOf,
  quartersOfYear,
  type ScoredRow,
  scoreRows,
  toCsv,
  UTF8_BOM,
  ValidationError,
} from '@gridsafe/core';
import { AssessmentActionRepository, type AssessmentSnapshot, AssessmentSnapshots } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData } from '../county-data.ts';

/** The period asked for: a quarter (the current one when neither is given) or a year. */
export interface AssessmentPeriod {
  quarter?: string | undefined;
  year?: string | undefined;
}

export interface ScoredAssessment {
  quarter?: string;
  year?: string;
  quarters?: string[];
  start: string;
  end: string;
  computedAt: string;
  scoring: import('@gridsafe/core').AssessmentScoring;
  rows: ScoredRow[];
}

/** The snapshot of a quarter as the quarterly answer reads it: computed (current, previous) or stored. */
async function snapshotOf(
  snapshots: AssessmentSnapshots,
  quarter: string,
  now: Date,
): Promise<AssessmentSnapshot | undefined> {
  return assessmentSourceFor(quarter, now) === 'computed'
    ? snapshots.getOrComputeOnce(quarter, now)
    : snapshots.get(quarter);
}

/**
 * The scored assessment of the period, every row of the county (ranks are county-wide), before the caller's
 * view is cut out of it. Scores are computed on reading, from the stored figures, the county's current scoring
 * settings and the 约谈/通报 of the period, so snapshots stored before scoring existed read the same way.
 */
export async function scoredAssessment(
  c: Context<AppEnv>,
  period: AssessmentPeriod,
): Promise<ScoredAssessment> {
  if (period.quarter && period.year)
    throw new ValidationError([{ path: 'query.year', message: 'ask for a quarter or a year, not both' }]);
  const now = c.get('deps').clock.now();
  const data = countyData(c);
  const snapshots = new AssessmentSnapshots(data.store);
  const actions = new AssessmentActionRepository(data.store);
  const { settings } = await data.settings.get();
  if (period.year) {
    const year = period.year;
    // A year not begun is refused like a quarter not begun; its quarters after the current one are not yet.
    assessmentSourceFor(`${year}Q1`, now);
    const current = quarterOf(now);
    const asked = quartersOfYear(year).filter((quarter) => quarter <= current);
    const found = (await Promise.all(asked.map((quarter) => snapshotOf(snapshots, quarter, now)))).filter(
      (snapshot): snapshot is AssessmentSnapshot => snapshot !== undefined,
    );
    if (found.length === 0) throw new NotFoundError(`stored assessment of ${year}`);
    const rows = combineQuarterRows(found.map((snapshot) => snapshot.rows));
    const recorded = await actions.list({ year });
    return {
      year,
      quarters: found.map((snapshot) => snapshot.quarter),
      start: quarterBounds(`${year}Q1`).start.toISOString(),
      end: found.at(-1)!.end,
      computedAt: found
        .map((snapshot) => snapshot.computedAt)
        .sort()
        .at(-1)!,
      scoring: settings.assessment,
      rows: scoreRows(rows, settings.assessment, recorded),
    };
  }
  const quarter = period.quarter ?? quarterOf(now);
  const snapshot = await snapshotOf(snapshots, quarter, now);
  // An old quarter nobody stored (before the county joined, or before snapshots were kept) is not recomputed.
  if (!snapshot) throw new NotFoundError(`stored assessment of ${quarter}`);
  const recorded = await actions.list({ year: quarter.slice(0, 4), quarter });
  return {
    quarter,
    start: snapshot.start,
    end: snapshot.end,
    computedAt: snapshot.computedAt,
    scoring: settings.assessment,
    rows: scoreRows(snapshot.rows, settings.assessment, recorded),
  };
}

/** The period's assessment as the caller may see it, as JSON or as the CSV the bureau files. */
export async function assessmentAnswer(
  c: Context<AppEnv>,
  period: AssessmentPeriod,
  format: 'json' | 'csv' | undefined,
) {
  const assessment = visibleRows(c.get('principal'), await scoredAssessment(c, period));
  const wantsCsv =
    format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'));
  if (wantsCsv) {
    const name = assessment.quarter ?? assessment.year ?? '';
    return c.body(
      UTF8_BOM + toCsv(assessmentCsvRows({ ...assessment, quarter: name, rows: assessment.rows })),
      200,
      {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="assessment-${name}.csv"`,
      },
    );
  }
  return c.json(assessment, 200);
}

/** The 通报: the period's rows the caller may see, ranked, as one printable HTML document. */
export async function assessmentPrint(c: Context<AppEnv>, period: AssessmentPeriod) {
  const assessment = visibleRows(c.get('principal'), await scoredAssessment(c, period));
  const { renderAssessmentCircular } = await import('./assessment-print.ts');
  return c.html(renderAssessmentCircular(assessment), 200);
}

/** The county sees every row; an officer the rows of its own township or department. */
function visibleRows<T extends { rows: { id: string }[] }>(principal: Principal, assessment: T): T {
  if (coversWholeCounty(principal)) return assessment;
  const own = new Set(principal.grants.map((grant) => grant.id));
  return { ...assessment, rows: assessment.rows.filter((row) => own.has(row.id)) };
}

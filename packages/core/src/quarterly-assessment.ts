import * as z from 'zod/mini';
import { ValidationError } from './errors.ts';

/**
 * `2026Q4`: a calendar quarter. The years are bounded to ones a work-safety record can belong to; a Date cannot
 * hold the end of 9999Q4, and 0000Q1 is nobody's quarter (finding 6 in docs/reliability.md).
 */
export const QUARTER_PATTERN = /^(20\d{2}|2100)Q[1-4]$/;
export const QUARTER_MESSAGE = 'must be a quarter from 2000Q1 to 2100Q4, like 2026Q4';
export const QuarterSchema = z.string().check(z.regex(QUARTER_PATTERN, QUARTER_MESSAGE));

/** Counties keep China Standard Time: a quarter starts at midnight in Beijing, not in London. */
const CHINA_OFFSET = '+08:00';

/**
 * The instants a quarter covers, `start` inclusive and `end` exclusive, in China Standard Time.
 *
 * @example
 * quarterBounds('2026Q4').start.toISOString(); // '2026-09-30T16:00:00.000Z'
 */
export function quarterBounds(quarter: string): { start: Date; end: Date } {
  const match = /^(\d{4})Q([1-4])$/.exec(quarter);
  if (!match || !QUARTER_PATTERN.test(quarter))
    throw new ValidationError([{ path: 'query.quarter', message: QUARTER_MESSAGE }]);
  const year = Number(match[1]);
  const q = Number(match[2]);
  const month = (n: number) => String(n).padStart(2, '0');
  const start = new Date(`${year}-${month((q - 1) * 3 + 1)}-01T00:00:00${CHINA_OFFSET}`);
  const end =
    q === 4
      ? new Date(`${year + 1}-01-01T00:00:00${CHINA_OFFSET}`)
      : new Date(`${year}-${month(q * 3 + 1)}-01T00:00:00${CHINA_OFFSET}`);
  return { start, end };
}

/** The quarter an instant falls in, in China Standard Time. */
export function quarterOf(date: Date): string {
  const beijing = new Date(date.getTime() + 8 * 3_600_000);
  return `${beijing.getUTCFullYear()}Q${Math.floor(beijing.getUTCMonth() / 3) + 1}`;
}

/** The quarter before `quarter`. */
export function previousQuarter(quarter: string): string {
  return quarterOf(new Date(quarterBounds(quarter).start.getTime() - 1));
}

/**
 * How a request for a quarter's assessment is answered. Only the current and the previous quarter are computed on
 * request (reading every unit and risk point of the county): their records still change, and the previous one is
 * recomputed once after it closes. Older quarters are answered from the snapshot stored while they were recent, or
 * not at all; a quarter that has not begun is a 400, so no request can make the county recompute a year nobody
 * has lived yet.
 */
export function assessmentSourceFor(quarter: string, now: Date): 'computed' | 'stored' {
  const current = quarterOf(now);
  // Quarters compare as strings: four-digit years, then Q1..Q4.
  if (quarter > current) {
    throw new ValidationError([
      { path: 'query.quarter', message: `must not be after the current quarter, ${current}` },
    ]);
  }
  return quarter === current || quarter === previousQuarter(current) ? 'computed' : 'stored';
}

/** The records an assessment is computed from: exactly what the register, the patrol list and the hazard board hold. */
export interface AssessmentRecords {
  townships: { id: string; name: string }[];
  departments: { id: string; name: string }[];
  /** Grid members and the grid nodes (villages) they hold; absent before member rows existed. */
  members?: { id: string; name: string; gridIds: string[] }[];
  units: { id: string; gridPath: string; departmentId?: string; createdAt: string; status?: string }[];
  riskPoints: { unitId: string; status: string }[];
  patrols: { gridPath: string; departmentId?: string; dueAt: string; status: string; completedAt?: string }[];
  hazards: {
    gridPath: string;
    departmentId?: string;
    deadline: string;
    rectifiedAt?: string;
    escalations: { at: string; cause: string }[];
  }[];
}

export interface AssessmentRow {
  /** `member`: a grid member, answering for the villages they hold (snapshots before 2026-12 have none). */
  kind: 'township' | 'department' | 'member';
  id: string;
  name: string;
  /** Units registered before the quarter ended. */
  units: number;
  /** Of those, units with at least one filed risk point. */
  unitsFiled: number;
  filingCoverage: number | null;
  /** Patrols due within the quarter. */
  patrolsDue: number;
  /** Of those, patrols done before the quarter ended. */
  patrolsDone: number;
  patrolCompletion: number | null;
  /** Hazards whose rectification deadline fell within the quarter. */
  hazardsDue: number;
  /** Of those, hazards rectified (reported, or resolved on the spot) by their deadline. */
  hazardsOnTime: number;
  onTimeRectification: number | null;
  /** Escalations within the quarter caused by a passed deadline. */
  overdueEscalations: number;
}

export interface QuarterlyAssessment {
  quarter: string;
  start: string;
  end: string;
  rows: AssessmentRow[];
}

/** A share to four decimals; null when there is nothing to measure (not a 0% that would call a township in). */
export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/**
 * The quarterly assessment (季度考核) of every township and every department, computed from records alone, so
 * anyone holding the same records gets the same figures. A township answers for the units in its villages, a
 * department for the units of its industries, county-wide. Filing coverage reads risk points' current status.
 *
 * @example
 * assessQuarter('2026Q4', records).rows[0]; // { kind: 'township', name: '城关镇', units: 12, unitsFiled: 9, filingCoverage: 0.75, ... }
 */
export function assessQuarter(quarter: string, records: AssessmentRecords): QuarterlyAssessment {
  const { start, end } = quarterBounds(quarter);
  const from = start.toISOString();
  const to = end.toISOString();
  const inQuarter = (at: string) => at >= from && at < to;
  const filedUnits = new Set(
    records.riskPoints.filter((point) => point.status === 'filed').map((point) => point.unitId),
  );
  // Only units in business (在营) are assessed; a unit stored before the lifecycle has no status and is active.
  const units = records.units.filter(
    (unit) => unit.createdAt < to && (unit.status === undefined || unit.status === 'active'),
  );
  // A task cancelled with its unit was never due.
  const patrols = records.patrols.filter(
    (patrol) => inQuarter(patrol.dueAt) && patrol.status !== 'cancelled',
  );
  const hazards = records.hazards;

  const row = (
    kind: AssessmentRow['kind'],
    node: { id: string; name: string },
    belongs: (record: { gridPath: string; departmentId?: string }) => boolean,
  ): AssessmentRow => {
    const ownUnits = units.filter(belongs);
    const unitsFiled = ownUnits.filter((unit) => filedUnits.has(unit.id)).length;
    const ownPatrols = patrols.filter(belongs);
    const patrolsDone = ownPatrols.filter(
      (patrol) => patrol.status === 'done' && patrol.completedAt !== undefined && patrol.completedAt < to,
    ).length;
    const ownHazards = hazards.filter(belongs);
    const due = ownHazards.filter((hazard) => inQuarter(hazard.deadline));
    const hazardsOnTime = due.filter(
      (hazard) => hazard.rectifiedAt !== undefined && hazard.rectifiedAt <= hazard.deadline,
    ).length;
    const overdueEscalations = ownHazards.reduce(
      (sum, hazard) =>
        sum + hazard.escalations.filter((step) => step.cause === 'deadline' && inQuarter(step.at)).length,
      0,
    );
    return {
      kind,
      id: node.id,
      name: node.name,
      units: ownUnits.length,
      unitsFiled,
      filingCoverage: rate(unitsFiled, ownUnits.length),
      patrolsDue: ownPatrols.length,
      patrolsDone,
      patrolCompletion: rate(patrolsDone, ownPatrols.length),
      hazardsDue: due.length,
      hazardsOnTime,
      onTimeRectification: rate(hazardsOnTime, due.length),
      overdueEscalations,
    };
  };

  return {
    quarter,
    start: from,
    end: to,
    rows: [
      ...records.townships.map((township) =>
        row('township', township, (record) => record.gridPath.split('/')[1] === township.id),
      ),
      ...records.departments.map((department) =>
        row('department', department, (record) => record.departmentId === department.id),
      ),
      ...(records.members ?? [])
        .filter((member) => member.gridIds.length > 0)
        .map((member) =>
          row('member', member, (record) =>
            record.gridPath.split('/').some((id) => member.gridIds.includes(id)),
          ),
        ),
    ],
  };
}

const KIND_LABEL = { township: '乡镇', department: '部门', member: '网格员' } as const;

const PERCENT = (value: number | null) => (value === null ? '' : `${(value * 100).toFixed(1)}%`);

/** The assessment as spreadsheet rows (Chinese headers), for `toCsv`. */
export function assessmentCsvRows(assessment: {
  quarter: string;
  rows: (AssessmentRow & { deduction?: number; score?: number; rank?: number })[];
}): (string | number)[][] {
  return [
    [
      '季度',
      '类型',
      '名称',
      '单位数',
      '已备案单位数',
      '备案覆盖率',
      '应巡查次数',
      '已完成巡查',
      '巡查完成率',
      '到期隐患',
      '按期整改',
      '按期整改率',
      '超期升级次数',
      '扣分',
      '得分',
      '排名',
    ],
    ...assessment.rows.map((row) => [
      assessment.quarter,
      KIND_LABEL[row.kind],
      row.name,
      row.units,
      row.unitsFiled,
      PERCENT(row.filingCoverage),
      row.patrolsDue,
      row.patrolsDone,
      PERCENT(row.patrolCompletion),
      row.hazardsDue,
      row.hazardsOnTime,
      PERCENT(row.onTimeRectification),
      row.overdueEscalations,
      row.deduction ?? '',
      row.score ?? '',
      row.rank ?? '',
    ]),
  ];
}

import {
  type AssessmentRecords,
  assessmentCsvRows,
  assessmentSourceFor,
  assessQuarter,
  previousQuarter,
  quarterBounds,
  quarterOf,
  toCsv,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const C = 'C0000000000000000000000000';
const T1 = 'T1000000000000000000000000';
const T2 = 'T2000000000000000000000000';
const V1 = `${C}/${T1}/V1000000000000000000000000`;
const V2 = `${C}/${T2}/V2000000000000000000000000`;
const D = 'D0000000000000000000000000';

// 2026Q4 in Beijing: 2026-09-30T16:00Z to 2026-12-31T16:00Z.
const records: AssessmentRecords = {
  townships: [
    { id: T1, name: '城关镇' },
    { id: T2, name: '旧县镇' },
  ],
  departments: [{ id: D, name: '县应急管理局' }],
  units: [
    { id: 'u1', gridPath: V1, departmentId: D, createdAt: '2026-01-01T00:00:00.000Z' },
    { id: 'u2', gridPath: V1, createdAt: '2026-01-01T00:00:00.000Z' },
    { id: 'u3', gridPath: V2, departmentId: D, createdAt: '2026-01-01T00:00:00.000Z' },
    // Registered after the quarter: not counted.
    { id: 'u4', gridPath: V2, createdAt: '2027-01-05T00:00:00.000Z' },
  ],
  riskPoints: [
    { unitId: 'u1', status: 'filed' },
    { unitId: 'u1', status: 'draft' },
    { unitId: 'u2', status: 'submitted' },
    { unitId: 'u3', status: 'filed' },
  ],
  patrols: [
    {
      gridPath: V1,
      departmentId: D,
      dueAt: '2026-10-05T00:00:00.000Z',
      status: 'done',
      completedAt: '2026-10-04T00:00:00.000Z',
    },
    { gridPath: V1, dueAt: '2026-11-05T00:00:00.000Z', status: 'scheduled' },
    // Done only after the quarter ended: due but not done in it.
    {
      gridPath: V2,
      departmentId: D,
      dueAt: '2026-12-20T00:00:00.000Z',
      status: 'done',
      completedAt: '2027-01-02T00:00:00.000Z',
    },
    // Due before the quarter: not counted.
    { gridPath: V2, dueAt: '2026-09-30T15:59:59.000Z', status: 'scheduled' },
  ],
  hazards: [
    {
      gridPath: V1,
      departmentId: D,
      deadline: '2026-10-20T00:00:00.000Z',
      rectifiedAt: '2026-10-19T00:00:00.000Z',
      escalations: [],
    },
    {
      gridPath: V1,
      deadline: '2026-11-01T00:00:00.000Z',
      escalations: [
        { at: '2026-11-01T00:05:00.000Z', cause: 'deadline' },
        { at: '2026-11-08T00:05:00.000Z', cause: 'deadline' },
      ],
    },
    {
      gridPath: V2,
      departmentId: D,
      deadline: '2027-02-01T00:00:00.000Z',
      escalations: [{ at: '2026-10-02T00:00:00.000Z', cause: 'severity' }],
    },
  ],
};

describe('quarters', () => {
  it('start and end at midnight in Beijing', () => {
    expect(quarterBounds('2026Q4')).toEqual({
      start: new Date('2026-09-30T16:00:00.000Z'),
      end: new Date('2026-12-31T16:00:00.000Z'),
    });
    expect(quarterBounds('2027Q1').start.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(quarterOf(new Date('2026-12-31T16:30:00.000Z'))).toBe('2027Q1');
    expect(() => quarterBounds('2026Q5')).toThrow();
  });
});

describe('the quarterly assessment', () => {
  const result = assessQuarter('2026Q4', records);
  const row = (id: string) => result.rows.find((r) => r.id === id)!;

  it('measures each township by the units of its villages', () => {
    expect(row(T1)).toMatchObject({
      units: 2,
      unitsFiled: 1,
      filingCoverage: 0.5,
      patrolsDue: 2,
      patrolsDone: 1,
      patrolCompletion: 0.5,
      hazardsDue: 2,
      hazardsOnTime: 1,
      onTimeRectification: 0.5,
      overdueEscalations: 2,
    });
    expect(row(T2)).toMatchObject({
      units: 1,
      unitsFiled: 1,
      patrolsDue: 1,
      patrolsDone: 0,
      patrolCompletion: 0,
      hazardsDue: 0,
      onTimeRectification: null,
      overdueEscalations: 0,
    });
  });

  it('measures each department by the units of its industries, county-wide', () => {
    expect(row(D)).toMatchObject({
      kind: 'department',
      units: 2,
      unitsFiled: 2,
      filingCoverage: 1,
      patrolsDue: 2,
      patrolsDone: 1,
      hazardsDue: 1,
      hazardsOnTime: 1,
    });
  });

  it('writes a spreadsheet with Chinese headers and percentages', () => {
    const csv = toCsv(assessmentCsvRows(result));
    const [header, first] = csv.split('\r\n');
    expect(header).toBe(
      '季度,类型,名称,单位数,已备案单位数,备案覆盖率,应巡查次数,已完成巡查,巡查完成率,到期隐患,按期整改,按期整改率,超期升级次数,扣分,得分,排名',
    );
    // Raw snapshot rows carry no score yet: the scored columns stay empty rather than reading 0.
    expect(first).toBe('2026Q4,乡镇,城关镇,2,1,50.0%,2,1,50.0%,2,1,50.0%,2,,,');
    const scored = { ...result, rows: result.rows.map((r) => ({ ...r, deduction: 5, score: 45, rank: 1 })) };
    expect(toCsv(assessmentCsvRows(scored)).split('\r\n')[1]).toBe(
      '2026Q4,乡镇,城关镇,2,1,50.0%,2,1,50.0%,2,1,50.0%,2,5,45,1',
    );
  });
});

describe('which quarters a request may compute', () => {
  // 2026-01-01 00:30 in Beijing is still 2025 in UTC: the quarter is Beijing's.
  const newYear = new Date('2025-12-31T16:30:00Z');

  it('computes the current and the previous quarter, across a year boundary', () => {
    expect(previousQuarter('2026Q1')).toBe('2025Q4');
    expect(assessmentSourceFor('2026Q1', newYear)).toBe('computed');
    expect(assessmentSourceFor('2025Q4', newYear)).toBe('computed');
  });

  it('answers older quarters from storage only', () => {
    expect(assessmentSourceFor('2025Q3', newYear)).toBe('stored');
    expect(assessmentSourceFor('2000Q1', newYear)).toBe('stored');
  });

  it('refuses a quarter that has not begun, naming query.quarter', () => {
    for (const later of ['2026Q2', '2099Q3']) {
      expect(() => assessmentSourceFor(later, newYear)).toThrow(
        expect.objectContaining({ problems: [expect.objectContaining({ path: 'query.quarter' })] }),
      );
    }
  });
});

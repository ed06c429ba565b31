import {
  checkPatrolAnswers,
  DEFAULT_SETTINGS,
  haversineMeters,
  isPatrolOverdue,
  MAX_DEFICIENT_ITEMS,
  patrolDistance,
  patrolDueDates,
  patrolIntervalDays,
  planPatrol,
  UNIT_BASELINE_CHECKLIST,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const ID = '01JD5Y7ZK3QF8W0M2N4P6R8T0V';
const unit = {
  id: ID,
  name: '金源冷藏食品有限公司',
  industry: 'ammonia_refrigeration',
  gridId: ID,
  gridPath: `${ID}/${ID}/${ID}`,
  supervisionLevel: 'township' as const,
  location: { lat: 33.16, lng: 115.62 },
};
const point = (color: 'red' | 'orange' | 'yellow' | 'blue' | 'ungraded') => ({
  id: '01JD5Y7ZK3QF8W0M2N4P6R8T0W',
  name: '液氨储罐区',
  color,
  location: { lat: 33.1605, lng: 115.6205 },
  checklist: [
    { code: 'level_gauge', text: '液位计完好' },
    { code: 'alarm', text: '氨气报警器有效' },
  ],
});

describe('patrol schedules', () => {
  it('patrols by the worst colour: red weekly, orange fortnightly, yellow monthly, blue quarterly but every unit monthly', () => {
    expect(patrolIntervalDays(unit, ['red'], DEFAULT_SETTINGS)).toBe(7);
    expect(patrolIntervalDays(unit, ['blue', 'orange'], DEFAULT_SETTINGS)).toBe(14);
    expect(patrolIntervalDays(unit, ['yellow'], DEFAULT_SETTINGS)).toBe(30);
    expect(patrolIntervalDays(unit, ['blue'], DEFAULT_SETTINGS)).toBe(30);
    expect(patrolIntervalDays(unit, [], DEFAULT_SETTINGS)).toBe(30);
    expect(patrolIntervalDays(unit, ['ungraded'], DEFAULT_SETTINGS)).toBe(30);
  });

  it('patrols by supervision level when the county sets a shorter interval for it', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      patrolSupervisionLevelDays: { county: 10, township: 30, village: 30 },
    };
    expect(patrolIntervalDays({ supervisionLevel: 'county' }, ['yellow'], settings)).toBe(10);
    expect(patrolIntervalDays({ supervisionLevel: 'township' }, ['yellow'], settings)).toBe(30);
  });

  it('lists the due dates of a schedule within a period', () => {
    const anchor = new Date('2026-10-01T00:00:00.000Z');
    const dates = patrolDueDates(
      anchor,
      14,
      new Date('2026-10-10T00:00:00.000Z'),
      new Date('2026-11-30T00:00:00.000Z'),
    );
    expect(dates.map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2026-10-15',
      '2026-10-29',
      '2026-11-12',
      '2026-11-26',
    ]);
  });

  it('plans a task one interval ahead with the baseline and each risk point’s checklist', () => {
    const now = new Date('2026-10-01T00:00:00.000Z');
    const patrol = planPatrol(unit, [point('red')], DEFAULT_SETTINGS, now, ID);
    expect(patrol).toMatchObject({ intervalDays: 7, dueAt: '2026-10-08T00:00:00.000Z', status: 'scheduled' });
    expect(patrol.checklist).toHaveLength(UNIT_BASELINE_CHECKLIST.length + 2);
    expect(patrol.checklist.at(-1)).toMatchObject({
      code: `${point('red').id}.alarm`,
      riskPointId: point('red').id,
    });
    expect(isPatrolOverdue(patrol, new Date('2026-10-08T00:00:01.000Z'))).toBe(true);
    expect(isPatrolOverdue(patrol, new Date('2026-10-07T23:59:59.000Z'))).toBe(false);
  });
});

describe('patrol positions', () => {
  it('measures great-circle distance: 0.01° of latitude is about 1.1 km', () => {
    expect(haversineMeters({ lat: 33.16, lng: 115.62 }, { lat: 33.17, lng: 115.62 })).toBeCloseTo(1111.95, 0);
    expect(haversineMeters({ lat: 33.16, lng: 115.62 }, { lat: 33.16, lng: 115.62 })).toBe(0);
  });

  it('flags a position further than the county’s limit from the nearest target', () => {
    const targets = [{ location: unit.location }, { location: point('red').location }];
    expect(patrolDistance({ lat: 33.1606, lng: 115.6205 }, targets, DEFAULT_SETTINGS)).toEqual({
      distanceMeters: 11,
      distanceFlagged: false,
    });
    expect(patrolDistance({ lat: 33.17, lng: 115.62 }, targets, DEFAULT_SETTINGS).distanceFlagged).toBe(true);
    expect(patrolDistance({ lat: 33.17, lng: 115.62 }, [], DEFAULT_SETTINGS)).toEqual({
      distanceFlagged: false,
    });
  });
});

describe('patrol answers', () => {
  const patrol = planPatrol(unit, [point('yellow')], DEFAULT_SETTINGS, new Date(), ID);
  const allOk = () => patrol.checklist.map((item) => ({ code: item.code, result: 'ok' as const }));

  it('accepts one answer per item, in checklist order', () => {
    const answers = checkPatrolAnswers(patrol, { items: allOk().reverse() });
    expect(answers.map((a) => a.item.code)).toEqual(patrol.checklist.map((item) => item.code));
  });

  it('names unanswered, unknown and duplicated items and deficient ones without a note', () => {
    const [first, ...rest] = allOk();
    const items = [
      ...rest,
      { code: 'nope', result: 'ok' as const },
      { ...rest[0]!, result: 'deficient' as const },
    ];
    try {
      checkPatrolAnswers(patrol, { items });
      expect.unreachable();
    } catch (error) {
      const paths = (error as { problems: { path: string; message: string }[] }).problems.map(
        (p) => `${p.path}: ${p.message}`,
      );
      expect(paths).toContain(`items.${rest.length}.code: is not on this patrol’s checklist`);
      expect(paths).toContain(`items.${rest.length + 1}.code: is answered twice`);
      expect(paths).toContain(`items.${rest.length + 1}.note: describe what is deficient`);
      expect(paths).toContain(`items: item ${first!.code} is not answered`);
    }
  });

  it('refuses more deficient items than one transaction can hold', () => {
    const big = planPatrol(
      unit,
      [
        {
          ...point('red'),
          checklist: Array.from({ length: 20 }, (_, i) => ({ code: `c${i}`, text: `项${i}` })),
        },
      ],
      DEFAULT_SETTINGS,
      new Date(),
      ID,
    );
    const items = big.checklist.map((item, i) =>
      i < MAX_DEFICIENT_ITEMS + 1
        ? { code: item.code, result: 'deficient' as const, note: '缺失' }
        : { code: item.code, result: 'ok' as const },
    );
    expect(() => checkPatrolAnswers(big, { items })).toThrow(
      expect.objectContaining({ problems: [expect.objectContaining({ path: 'items' })] }),
    );
  });
});

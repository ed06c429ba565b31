import {
  type CreditInputs,
  creditRulesProblems,
  DEFAULT_CREDIT_RULES,
  DEFAULT_SETTINGS,
  patrolIntervalDays,
  rateUnit,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const now = new Date('2026-12-06T00:00:00Z');
const clean: CreditInputs = { riskPoints: [], hazards: [], patrols: [], enforcement: [] };
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const hazard = (
  severity: 'general' | 'major',
  status = 'open',
  extra: { overdue?: boolean; closedAt?: string } = {},
) => ({ severity, status, createdAt: daysAgo(10), ...extra });
const rate = (inputs: Partial<CreditInputs>) =>
  rateUnit({ ...clean, ...inputs }, DEFAULT_CREDIT_RULES, 3, now);

describe('a unit’s credit rating', () => {
  it('rates a unit with a clean record green at 100, with no reasons', () => {
    expect(rate({})).toEqual({
      level: 'green',
      score: 100,
      computedAt: now.toISOString(),
      rulesVersion: 3,
      reasons: [],
    });
  });

  it('counts only filed risk points, by colour', () => {
    const rating = rate({
      riskPoints: [
        { color: 'red', status: 'filed' },
        { color: 'red', status: 'draft' },
        { color: 'orange', status: 'filed' },
        { color: 'blue', status: 'filed' },
      ],
    });
    expect(rating.score).toBe(85);
    expect(rating.level).toBe('blue');
    expect(rating.reasons).toEqual([
      { code: 'filed_red', count: 1, points: -10 },
      { code: 'filed_orange', count: 1, points: -5 },
    ]);
  });

  it('weighs open hazards by severity and adds more for each one past its deadline', () => {
    const rating = rate({
      hazards: [hazard('general'), hazard('major'), hazard('general', 'rectifying', { overdue: true })],
    });
    expect(rating.score).toBe(100 - 5 * 2 - 15 - 10);
    expect(rating.level).toBe('yellow');
    expect(rating.reasons.map((reason) => reason.code)).toEqual([
      'open_major_hazard',
      'open_general_hazard',
      'overdue_hazard',
    ]);
  });

  it('makes a unit red while a major hazard is past its deadline, whatever its score', () => {
    const rating = rate({ hazards: [hazard('major', 'open', { overdue: true })] });
    expect(rating.score).toBe(75);
    expect(rating.level).toBe('red');
    expect(rating.reasons[0]).toEqual({ code: 'overdue_major_is_red', count: 1, points: 0 });
  });

  it('forgets closed hazards, patrol findings and enforcement older than the look-back', () => {
    const old = daysAgo(DEFAULT_CREDIT_RULES.lookbackDays + 1);
    const recent = daysAgo(5);
    const rating = rate({
      hazards: [
        hazard('major', 'closed', { closedAt: old }),
        hazard('major', 'closed', { closedAt: recent }),
      ],
      patrols: [
        { status: 'done', completedAt: old, items: [{ result: 'deficient' }] },
        {
          status: 'done',
          completedAt: recent,
          items: [{ result: 'deficient' }, { result: 'ok' }, { result: 'deficient' }],
        },
        { status: 'scheduled', items: [] },
      ],
      enforcement: [
        { outcome: 'case', at: old },
        { outcome: 'order', at: recent },
      ],
    });
    expect(rating.reasons).toEqual([
      { code: 'enforcement_order', count: 1, points: -5 },
      { code: 'patrol_finding', count: 2, points: -4 },
      { code: 'closed_major_hazard', count: 1, points: -3 },
    ]);
    expect(rating.score).toBe(88);
  });

  it('gives points back for a compliant enforcement visit, never above 100', () => {
    expect(rate({ enforcement: [{ outcome: 'compliant', at: daysAgo(1) }] }).score).toBe(100);
    const rating = rate({
      riskPoints: [{ color: 'orange', status: 'filed' }],
      enforcement: [{ outcome: 'compliant', at: daysAgo(1) }],
    });
    expect(rating.score).toBe(97);
  });

  it('rates a unit red below the yellow band and never below 0', () => {
    const rating = rate({
      enforcement: Array.from({ length: 5 }, () => ({ outcome: 'referral' as const, at: daysAgo(1) })),
    });
    expect(rating.score).toBe(0);
    expect(rating.level).toBe('red');
  });

  it('refuses rules whose bands do not fall from green to yellow', () => {
    expect(creditRulesProblems(DEFAULT_CREDIT_RULES)).toEqual([]);
    expect(
      creditRulesProblems({ ...DEFAULT_CREDIT_RULES, bands: { green: 70, blue: 75, yellow: 60 } }).map(
        (p) => p.path,
      ),
    ).toEqual(['rules.bands.green']);
  });
});

describe('the patrol interval of a rated unit', () => {
  const settings = DEFAULT_SETTINGS;
  it('follows a red rating when it asks for more patrols than the unit’s risk colours', () => {
    const red = DEFAULT_CREDIT_RULES.patrolDays.red;
    expect(
      patrolIntervalDays({ supervisionLevel: 'village', creditPatrolDays: red }, ['blue'], settings),
    ).toBe(7);
  });

  it('follows the worst risk colour when it is shorter than the credit level’s interval', () => {
    const green = DEFAULT_CREDIT_RULES.patrolDays.green;
    expect(
      patrolIntervalDays({ supervisionLevel: 'village', creditPatrolDays: green }, ['red'], settings),
    ).toBe(7);
    expect(patrolIntervalDays({ supervisionLevel: 'village', creditPatrolDays: green }, [], settings)).toBe(
      30,
    );
  });
});

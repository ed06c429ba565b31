import {
  chinaDay,
  dayBefore,
  emptyStatisticTotals,
  hazardFigures,
  patrolFigures,
  percentText,
  riskPointFigures,
  type StatisticTotals,
  shareOf,
  statisticsFigures,
  statisticsParagraph,
  statisticsPeriod,
  ValidationError,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

const totals = (values: Partial<StatisticTotals>): StatisticTotals => ({
  ...emptyStatisticTotals(),
  ...values,
});

/** Taihe's year-end report of 2018 (domain.md): 2,384 filed, in the colours the bureau gave. */
const TAIHE = totals({
  rp_filed_red: 12,
  rp_filed_orange: 120,
  rp_filed_yellow: 489,
  rp_filed_blue: 1386,
  rp_filed_ungraded: 377,
  rp_in_review: 300,
  rp_draft: 40,
});

describe('the figures reported upward', () => {
  it('shares each filed colour of the filed total, to two decimals of a percent as the bureau writes them', () => {
    const { filed } = statisticsFigures(TAIHE, emptyStatisticTotals()).riskPoints;
    expect(filed.total).toBe(2384);
    expect(filed.shares).toEqual({
      red: 0.005,
      orange: 0.0503,
      yellow: 0.2051,
      blue: 0.5814,
      ungraded: 0.1581,
    });
    expect(percentText(filed.shares.red)).toBe('0.50%');
    expect(percentText(filed.shares.blue)).toBe('58.14%');
  });

  it('rounds a share half up in whole numbers, never down through a binary fraction', () => {
    expect(shareOf(1, 8)).toBe(0.125);
    expect(shareOf(1, 20_000)).toBe(0.0001); // exactly half a basis point: up
    expect(shareOf(1, 20_001)).toBe(0); // just under half a basis point: down
    expect(shareOf(12, 2684)).toBe(0.0045); // Taihe printed 0.48%: 12 of 2,684 is 0.45%
    expect(shareOf(120, 2684)).toBe(0.0447);
    expect(shareOf(1386, 2684)).toBe(0.5164);
  });

  it('answers no share, not 0%, where nothing is filed', () => {
    const { filed } = statisticsFigures(totals({ rp_draft: 3 }), emptyStatisticTotals()).riskPoints;
    expect(filed.shares.red).toBeNull();
    expect(percentText(filed.shares.red)).toBe('—');
  });

  it('keeps drafts out of the filed figures and adds the three states up to the total', () => {
    const { riskPoints } = statisticsFigures(TAIHE, emptyStatisticTotals());
    expect(riskPoints).toMatchObject({ inReview: 300, draft: 40, total: 2384 + 300 + 40 });
  });

  it('counts stocks at the end of the period and flows as the difference across it', () => {
    const atEnd = totals({
      hz_found: 30,
      hz_rectified: 20,
      hz_overdue: 4,
      hz_listed: 1,
      pt_due: 90,
      pt_done: 70,
    });
    const beforeStart = totals({ hz_found: 10, hz_rectified: 8, hz_overdue: 9, pt_due: 50, pt_done: 45 });
    const figures = statisticsFigures(atEnd, beforeStart);
    expect(figures.hazards).toEqual({ found: 20, rectified: 12, overdue: 4, listed: 1 });
    expect(figures.patrols).toEqual({ due: 40, done: 25 });
  });

  it('writes Taihe’s paragraph so that its parts add up to the figure it names', () => {
    const paragraph = statisticsParagraph(statisticsFigures(TAIHE, emptyStatisticTotals()));
    expect(paragraph).toMatch(
      /^已上报备案风险点2684个（已备案2384个，审核中300个），已备案的红色12个，占0\.50%；/,
    );
    expect(paragraph).toContain(
      '橙色120个，占5.03%；黄色489个，占20.51%；蓝色1386个，占58.14%；未定级377个，占15.81%。',
    );
    const shares = [...paragraph.matchAll(/占(\d+\.\d{2})%/g)].map((m) => Number(m[1]));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 1);
  });
});

describe('what one record counts', () => {
  it('counts a filed point in its colour, a submitted or township-approved one in review, a draft as a draft', () => {
    expect(riskPointFigures({ status: 'filed', color: 'ungraded' }).stocks).toEqual({ rp_filed_ungraded: 1 });
    expect(riskPointFigures({ status: 'township_approved', color: 'red' }).stocks).toEqual({
      rp_in_review: 1,
    });
    expect(riskPointFigures({ status: 'submitted', color: 'red' }).stocks).toEqual({ rp_in_review: 1 });
    expect(riskPointFigures({ status: 'draft', color: 'red' }).stocks).toEqual({ rp_draft: 1 });
  });

  it('counts a hazard found once, rectified while its rectification stands, overdue and listed only while open', () => {
    const open = { status: 'open' as const, overdue: true, supervised: true };
    expect(hazardFigures(open)).toEqual({
      stocks: { hz_overdue: 1, hz_listed: 1 },
      flows: [{ name: 'hz_found' }],
    });
    expect(hazardFigures({ ...open, status: 'closed', rectifiedAt: '2026-12-01T02:00:00Z' })).toEqual({
      stocks: {},
      flows: [{ name: 'hz_found' }, { name: 'hz_rectified' }],
    });
  });

  it('dates a patrol’s due on its due day in Beijing, and its completion on the day of the change', () => {
    // 17:00 UTC on 31 December is 1 January in Beijing.
    expect(patrolFigures({ status: 'done', dueAt: '2026-12-31T17:00:00Z' }).flows).toEqual([
      { name: 'pt_due', day: '2027-01-01' },
      { name: 'pt_done' },
    ]);
  });
});

describe('the period', () => {
  const now = new Date('2026-12-05T03:00:00Z');

  it('runs by default from the first of January to today, in China Standard Time', () => {
    expect(statisticsPeriod({}, new Date('2026-12-31T16:30:00Z'))).toEqual({
      from: '2027-01-01',
      to: '2027-01-01',
    });
    expect(statisticsPeriod({ to: '2018-12-31' }, now)).toEqual({ from: '2018-01-01', to: '2018-12-31' });
  });

  it('refuses a day after today, a start after the end and a day no calendar has, naming the field', () => {
    const fieldOf = (request: { from?: string; to?: string }) => {
      try {
        statisticsPeriod(request, now);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).problems.map((e) => e.path);
      }
      throw new Error('accepted');
    };
    expect(fieldOf({ to: '2026-12-06' })).toEqual(['query.to']);
    expect(fieldOf({ from: '2026-12-02', to: '2026-12-01' })).toEqual(['query.from']);
    expect(fieldOf({ from: '2026-02-29' })).toEqual(['query.from']);
    expect(fieldOf({ to: '1999-12-31' })).toEqual(['query.to']);
  });

  it('steps back across a month and a year', () => {
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
    expect(chinaDay(new Date('2026-12-04T16:00:00Z'))).toBe('2026-12-05');
  });
});

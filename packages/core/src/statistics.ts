import { ValidationError } from './errors.ts';
import type { Hazard } from './hazard.ts';
import type { Patrol } from './patrol.ts';
import type { RiskPoint } from './risk-point.ts';

/**
 * Statistics for the level above (上报统计): what a county or township reports upward for a period, per grid
 * and per department. Figures come in two kinds, and the ledger that keeps them (packages/db statistics-ledger.ts)
 * treats them differently:
 * - stocks, counted at the end of the period: risk points by status (filed ones by colour), hazards overdue and
 *   hazards under listed supervision. A record that moves takes its stocks along.
 * - flows, counted within the period: hazards found and rectified, patrols due and done. A flow stays where it
 *   happened; a patrol's `due` is dated by its due day, every other flow by the day of the change.
 */
export const STATISTIC_STOCKS = [
  'rp_filed_red',
  'rp_filed_orange',
  'rp_filed_yellow',
  'rp_filed_blue',
  'rp_filed_ungraded',
  'rp_in_review',
  'rp_draft',
  'hz_overdue',
  'hz_listed',
] as const;
export const STATISTIC_FLOWS = ['hz_found', 'hz_rectified', 'pt_due', 'pt_done'] as const;
export const STATISTIC_NAMES = [...STATISTIC_STOCKS, ...STATISTIC_FLOWS] as const;
export type StatisticStock = (typeof STATISTIC_STOCKS)[number];
export type StatisticFlow = (typeof STATISTIC_FLOWS)[number];
export type StatisticName = (typeof STATISTIC_NAMES)[number];
export type StatisticTotals = Record<StatisticName, number>;

/** What one record contributes: its stocks now, and its flows, each on its own day when it has one. */
export interface RecordFigures {
  stocks: Partial<Record<StatisticStock, number>>;
  flows: { name: StatisticFlow; day?: string }[];
}

export function emptyStatisticTotals(): StatisticTotals {
  return Object.fromEntries(STATISTIC_NAMES.map((name) => [name, 0])) as StatisticTotals;
}

/** A risk point counts in its status; a filed one in its colour (ungraded included). */
export function riskPointFigures(point: Pick<RiskPoint, 'status' | 'color'>): RecordFigures {
  const stock: StatisticStock =
    point.status === 'filed'
      ? `rp_filed_${point.color}`
      : point.status === 'draft'
        ? 'rp_draft'
        : 'rp_in_review';
  return { stocks: { [stock]: 1 }, flows: [] };
}

/**
 * A hazard is found once, where it was found; rectified while its rectification stands (a rejected one is
 * taken back on the day of the rejection); overdue and listed while not closed.
 */
export function hazardFigures(
  hazard: Pick<Hazard, 'status' | 'overdue' | 'supervised' | 'rectifiedAt'>,
): RecordFigures {
  const open = hazard.status !== 'closed';
  return {
    stocks: {
      ...(open && hazard.overdue ? { hz_overdue: 1 } : {}),
      ...(open && hazard.supervised ? { hz_listed: 1 } : {}),
    },
    flows: [{ name: 'hz_found' }, ...(hazard.rectifiedAt ? [{ name: 'hz_rectified' as const }] : [])],
  };
}

/** A patrol is due on its due day (China Standard Time) and done on the day it is completed. */
export function patrolFigures(patrol: Pick<Patrol, 'status' | 'dueAt'>): RecordFigures {
  // A task cancelled with its unit was never due: the unit could not be patrolled.
  if (patrol.status === 'cancelled') return { stocks: {}, flows: [] };
  return {
    stocks: {},
    flows: [
      { name: 'pt_due', day: chinaDay(new Date(patrol.dueAt)) },
      ...(patrol.status === 'done' ? [{ name: 'pt_done' as const }] : []),
    ],
  };
}

/** The calendar day an instant falls on in China Standard Time, `2026-12-05`. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The day before a `YYYY-MM-DD` day. */
export function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^(20\d{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const DAY_MESSAGE = 'must be a day from 2000-01-01 to 2100-12-31, like 2026-12-31';

function validDay(value: string): boolean {
  return DAY_PATTERN.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/**
 * The period a statistics request covers, both days included, in China Standard Time. `to` defaults to today and
 * may not be after it (nobody can report a day not yet lived); `from` defaults to the first day of `to`'s year,
 * as a bureau's year-end report reads.
 *
 * @example
 * statisticsPeriod({ to: '2018-12-31' }, now); // { from: '2018-01-01', to: '2018-12-31' }
 */
export function statisticsPeriod(
  request: { from?: string; to?: string },
  now: Date,
): { from: string; to: string } {
  const today = chinaDay(now);
  const errors: { path: string; message: string }[] = [];
  for (const field of ['from', 'to'] as const) {
    const value = request[field];
    if (value !== undefined && !validDay(value))
      errors.push({ path: `query.${field}`, message: DAY_MESSAGE });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const to = request.to ?? today;
  const from = request.from ?? `${to.slice(0, 4)}-01-01`;
  if (to > today)
    throw new ValidationError([{ path: 'query.to', message: `must not be after today, ${today}` }]);
  if (from > to) throw new ValidationError([{ path: 'query.from', message: 'must not be after `to`' }]);
  return { from, to };
}

export type ColourShares = Record<'red' | 'orange' | 'yellow' | 'blue' | 'ungraded', number | null>;

/** The figures of one place for one period: the API's answer for the whole and for each row. */
export interface StatisticsFigures {
  riskPoints: {
    filed: {
      red: number;
      orange: number;
      yellow: number;
      blue: number;
      ungraded: number;
      total: number;
      /** Each colour as a fraction of `filed.total`, to four decimals (two in percent); null when none is filed. */
      shares: ColourShares;
    };
    inReview: number;
    draft: number;
    total: number;
  };
  hazards: { found: number; rectified: number; overdue: number; listed: number };
  patrols: { due: number; done: number };
}

/**
 * A share to four decimals, rounded half up in whole numbers (so 0.125 is 0.1250 and never 0.1249 through a
 * binary fraction): the bureau writes two decimals of a percent. Null when there is no whole to share.
 */
export function shareOf(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return Math.floor((2 * part * 10_000 + whole) / (2 * whole)) / 10_000;
}

/** `0.0447` → `4.47%`: the share as the bureau writes it, from its basis points (no floating-point drift). */
export function percentText(share: number | null): string {
  if (share === null) return '—';
  const basisPoints = Math.round(share * 10_000);
  return `${Math.floor(basisPoints / 100)}.${String(basisPoints % 100).padStart(2, '0')}%`;
}

/**
 * The figures of a place from its ledger totals at the end of the period (`atEnd`) and at the end of the day
 * before it began (`beforeStart`): stocks as they stood at the end, flows as the difference.
 */
export function statisticsFigures(atEnd: StatisticTotals, beforeStart: StatisticTotals): StatisticsFigures {
  const flow = (name: StatisticFlow) => atEnd[name] - beforeStart[name];
  const filed = {
    red: atEnd.rp_filed_red,
    orange: atEnd.rp_filed_orange,
    yellow: atEnd.rp_filed_yellow,
    blue: atEnd.rp_filed_blue,
    ungraded: atEnd.rp_filed_ungraded,
  };
  const filedTotal = filed.red + filed.orange + filed.yellow + filed.blue + filed.ungraded;
  return {
    riskPoints: {
      filed: {
        ...filed,
        total: filedTotal,
        shares: {
          red: shareOf(filed.red, filedTotal),
          orange: shareOf(filed.orange, filedTotal),
          yellow: shareOf(filed.yellow, filedTotal),
          blue: shareOf(filed.blue, filedTotal),
          ungraded: shareOf(filed.ungraded, filedTotal),
        },
      },
      inReview: atEnd.rp_in_review,
      draft: atEnd.rp_draft,
      total: filedTotal + atEnd.rp_in_review + atEnd.rp_draft,
    },
    hazards: {
      found: flow('hz_found'),
      rectified: flow('hz_rectified'),
      overdue: atEnd.hz_overdue,
      listed: atEnd.hz_listed,
    },
    patrols: { due: flow('pt_due'), done: flow('pt_done') },
  };
}

/**
 * The paragraph a bureau writes upward, in its words (Taihe's: "已上报备案风险点2684个，红色12个，占0.48%…").
 * 已上报备案 counts the filed points and those in review (reported, not yet on record); the colours are of the
 * filed ones and their shares of the filed total, which the paragraph names, so its parts always add up.
 * (Taihe's own 0.48% for 12 of 2,684 is a slip: 12 / 2,684 is 0.45%.)
 */
export function statisticsParagraph(figures: StatisticsFigures): string {
  const { filed, inReview } = figures.riskPoints;
  const colour = (label: string, key: keyof ColourShares) =>
    `${label}${filed[key]}个，占${percentText(filed.shares[key])}`;
  const { found, rectified, overdue, listed } = figures.hazards;
  return [
    `已上报备案风险点${filed.total + inReview}个（已备案${filed.total}个，审核中${inReview}个），`,
    `已备案的${colour('红色', 'red')}；${colour('橙色', 'orange')}；${colour('黄色', 'yellow')}；`,
    `${colour('蓝色', 'blue')}；${colour('未定级', 'ungraded')}。`,
    `排查隐患${found}处，整改${rectified}处，逾期未整改${overdue}处，挂牌督办${listed}处；`,
    `应巡查${figures.patrols.due}次，已巡查${figures.patrols.done}次。`,
  ].join('');
}

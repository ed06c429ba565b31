import type { CreditRules } from './credit-schemas.ts';
import type { Color } from './grading.ts';

export type { CreditRules } from './credit-schemas.ts';

/**
 * Unit credit ratings (安全信用脸谱): every unit is rated green, blue, yellow or red from its record: the risk points
 * it has filed and their colours, its hazards (how many, how severe, how late), enforcement outcomes and what
 * patrols found. The rating is a pure function of those inputs and the county's rules (`rateUnit`), so the same
 * record and the same rules always give the same rating, whoever computes it and when.
 */
export const CREDIT_LEVELS = ['green', 'blue', 'yellow', 'red'] as const;
export type CreditLevel = (typeof CREDIT_LEVELS)[number];

/** What an enforcement visit (执法检查) ended in: found compliant, ordered to correct, a case opened, referred on. */
export const ENFORCEMENT_OUTCOMES = ['compliant', 'order', 'case', 'referral'] as const;
export interface EnforcementOutcome {
  outcome: (typeof ENFORCEMENT_OUTCOMES)[number];
  /** When the outcome was decided (ISO). */
  at: string;
}

/** A unit's record as the rating reads it: the few fields of each record that count. */
export interface CreditInputs {
  riskPoints: readonly { color: Color; status: string }[];
  hazards: readonly {
    severity: 'general' | 'major';
    status: string;
    overdue?: boolean;
    createdAt: string;
    closedAt?: string;
  }[];
  /** Done patrols and what each found (deficient checklist items). */
  patrols: readonly { status: string; completedAt?: string; items?: readonly { result: string }[] }[];
  enforcement: readonly EnforcementOutcome[];
}

/** Nanjing's practice as a starting point: red weekly, yellow monthly, blue every two months, green quarterly. */
export const DEFAULT_CREDIT_RULES: CreditRules = {
  lookbackDays: 365,
  filedColor: { red: 10, orange: 5, yellow: 2, blue: 0 },
  openHazard: { general: 5, major: 15 },
  overdueHazard: 10,
  closedHazard: { general: 1, major: 3 },
  patrolFinding: 2,
  enforcement: { compliant: 2, order: 5, case: 15, referral: 30 },
  bands: { green: 90, blue: 75, yellow: 60 },
  overdueMajorIsRed: true,
  patrolDays: { green: 90, blue: 60, yellow: 30, red: 7 },
};

export const CREDIT_REASON_CODES = [
  'filed_red',
  'filed_orange',
  'filed_yellow',
  'filed_blue',
  'open_general_hazard',
  'open_major_hazard',
  'overdue_hazard',
  'closed_general_hazard',
  'closed_major_hazard',
  'patrol_finding',
  'enforcement_compliant',
  'enforcement_order',
  'enforcement_case',
  'enforcement_referral',
  'overdue_major_is_red',
] as const;
export type CreditReasonCode = (typeof CREDIT_REASON_CODES)[number];

/** One line of "why is this unit yellow": what counted, how many, and the points it moved (negative: taken). */
export interface CreditReason {
  code: CreditReasonCode;
  count: number;
  points: number;
}

export interface CreditRating {
  level: CreditLevel;
  /** 0–100; 100 is a clean record. */
  score: number;
  computedAt: string;
  /** The rules version that computed it. */
  rulesVersion: number;
  /** Largest effect first. */
  reasons: CreditReason[];
}

/**
 * Rates a unit from its record. Pure: `now` decides what is within the look-back, nothing else reads a clock.
 *
 * @example
 * rateUnit({ riskPoints: [], hazards: [], patrols: [], enforcement: [] }, DEFAULT_CREDIT_RULES, 1, new Date()).level; // 'green'
 */
export function rateUnit(
  inputs: CreditInputs,
  rules: CreditRules,
  rulesVersion: number,
  now: Date,
): CreditRating {
  const since = new Date(now.getTime() - rules.lookbackDays * 86_400_000).toISOString();
  const reasons: CreditReason[] = [];
  const add = (code: CreditReasonCode, count: number, each: number, sign = -1) => {
    if (count > 0 && each > 0) reasons.push({ code, count, points: sign * count * each });
  };
  const filed = inputs.riskPoints.filter((point) => point.status === 'filed');
  for (const color of ['red', 'orange', 'yellow', 'blue'] as const)
    add(`filed_${color}`, filed.filter((point) => point.color === color).length, rules.filedColor[color]);
  const open = inputs.hazards.filter((hazard) => hazard.status !== 'closed');
  add('open_general_hazard', open.filter((h) => h.severity === 'general').length, rules.openHazard.general);
  add('open_major_hazard', open.filter((h) => h.severity === 'major').length, rules.openHazard.major);
  add('overdue_hazard', open.filter((h) => h.overdue === true).length, rules.overdueHazard);
  const closed = inputs.hazards.filter((h) => h.status === 'closed' && (h.closedAt ?? h.createdAt) >= since);
  add(
    'closed_general_hazard',
    closed.filter((h) => h.severity === 'general').length,
    rules.closedHazard.general,
  );
  add('closed_major_hazard', closed.filter((h) => h.severity === 'major').length, rules.closedHazard.major);
  const findings = inputs.patrols
    .filter((patrol) => patrol.status === 'done' && (patrol.completedAt ?? '') >= since)
    .reduce(
      (sum, patrol) => sum + (patrol.items ?? []).filter((item) => item.result === 'deficient').length,
      0,
    );
  add('patrol_finding', findings, rules.patrolFinding);
  const recent = inputs.enforcement.filter((entry) => entry.at >= since);
  for (const outcome of ['order', 'case', 'referral'] as const)
    add(
      `enforcement_${outcome}`,
      recent.filter((e) => e.outcome === outcome).length,
      rules.enforcement[outcome],
    );
  add(
    'enforcement_compliant',
    recent.filter((e) => e.outcome === 'compliant').length,
    rules.enforcement.compliant,
    1,
  );
  const score = Math.max(0, Math.min(100, 100 + reasons.reduce((sum, reason) => sum + reason.points, 0)));
  let level = levelOfScore(score, rules);
  if (rules.overdueMajorIsRed && open.some((h) => h.severity === 'major' && h.overdue === true)) {
    level = 'red';
    reasons.push({ code: 'overdue_major_is_red', count: 1, points: 0 });
  }
  reasons.sort((a, b) =>
    a.code === 'overdue_major_is_red' ? -1 : b.code === 'overdue_major_is_red' ? 1 : a.points - b.points,
  );
  return { level, score, computedAt: now.toISOString(), rulesVersion, reasons };
}

export function levelOfScore(score: number, rules: Pick<CreditRules, 'bands'>): CreditLevel {
  if (score >= rules.bands.green) return 'green';
  if (score >= rules.bands.blue) return 'blue';
  if (score >= rules.bands.yellow) return 'yellow';
  return 'red';
}

/** Bands must fall from green to yellow, or some level could never be given. */
export function creditRulesProblems(rules: CreditRules): { path: string; message: string }[] {
  const { green, blue, yellow } = rules.bands;
  const problems: { path: string; message: string }[] = [];
  if (!(green > blue)) problems.push({ path: 'rules.bands.green', message: 'must be above blue' });
  if (!(blue > yellow)) problems.push({ path: 'rules.bands.blue', message: 'must be above yellow' });
  return problems;
}

/** Whether a new rating differs from the stored one in anything but when it was computed. */
export function creditChanged(before: CreditRating | undefined, after: CreditRating): boolean {
  if (!before) return true;
  return (
    before.level !== after.level ||
    before.score !== after.score ||
    before.rulesVersion !== after.rulesVersion ||
    JSON.stringify(before.reasons) !== JSON.stringify(after.reasons)
  );
}

/** Days between patrols a credit level asks for (the patrol plan takes the shortest of this and the others). */
export function creditPatrolDays(
  level: CreditLevel | undefined,
  rules: Pick<CreditRules, 'patrolDays'>,
): number {
  return level ? rules.patrolDays[level] : Number.POSITIVE_INFINITY;
}

/** The rating as stored beside its unit (its own item, keyed by the unit's id), with the unit's place for lists. */
export interface UnitCredit extends CreditRating {
  /** The unit's id (the item's key). */
  id: string;
  unitId: string;
  gridPath: string;
  departmentId?: string;
  industry: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

import * as z from 'zod/mini';
import type { TenantSettings } from './settings.ts';
import { addWorkingDays } from './working-days.ts';

/** Who is involved in a hazard, on the territorial chain: the village first, then the township, then the county. */
export const ESCALATION_LEVELS = ['village', 'township', 'county'] as const;
export const EscalationLevelSchema = z.enum(ESCALATION_LEVELS);
export type EscalationLevel = z.infer<typeof EscalationLevelSchema>;

export const HAZARD_SEVERITIES = ['general', 'major'] as const;
export const HazardSeveritySchema = z.enum(HAZARD_SEVERITIES);
export type HazardSeverity = z.infer<typeof HazardSeveritySchema>;

/**
 * Why a hazard went up a level: a major hazard involves the township at once (`severity`), a passed deadline
 * raises it (`deadline`), an officer raised it by hand (`manual`), or the county listed it for supervision.
 */
export type EscalationCause = 'severity' | 'deadline' | 'manual' | 'supervision';

export interface EscalationStep {
  at: string;
  from: EscalationLevel;
  to: EscalationLevel;
  cause: EscalationCause;
  by: string;
}

/** The fields of a hazard the escalation ladder reads and writes. */
export interface EscalationState {
  severity: HazardSeverity;
  status: 'open' | 'rectifying' | 'rectified' | 'closed';
  level: EscalationLevel;
  /** How many steps up the hazard has gone; the sweep's condition checks it did not move under it. */
  escalationStep: number;
  escalations: EscalationStep[];
  /** The rectification deadline. */
  deadline: string;
  /** When the sweep must next act (raise the level or mark it overdue); absent when nothing more is due. */
  escalateAt?: string;
  overdue: boolean;
  overdueAt?: string;
}

export type EscalationChange = Pick<
  EscalationState,
  'level' | 'escalationStep' | 'escalations' | 'overdue'
> & {
  escalateAt?: string;
  overdueAt?: string;
  /** The step taken, when the level rose (marking a hazard overdue at the top level takes none). */
  step?: EscalationStep;
};

const DAY_MS = 86_400_000;

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

/** The county's working-day adjustments, when the settings carry them. */
type Calendar = Partial<Pick<TenantSettings, 'workingCalendar'>>;

function addCountyWorkingDays(date: Date, days: number, settings: Calendar): Date {
  return addWorkingDays(date, days, settings.workingCalendar);
}

export function nextLevel(level: EscalationLevel): EscalationLevel | undefined {
  return ESCALATION_LEVELS[ESCALATION_LEVELS.indexOf(level) + 1];
}

/** Hazards the sweep still watches: rectified ones wait for verification and are the officials' move, not the unit's. */
export function isWatched(hazard: Pick<EscalationState, 'status' | 'escalateAt'>): boolean {
  return hazard.escalateAt !== undefined && (hazard.status === 'open' || hazard.status === 'rectifying');
}

/**
 * Where a new hazard starts: the deadline from the county's settings by severity; a general hazard at the
 * village, a major one raised to the township at once ("by severity at once"). The sweep next acts at the deadline.
 *
 * @example
 * initialEscalation('major', new Date('2026-10-01T00:00:00Z'), DEFAULT_SETTINGS, 'grid.member').level; // 'township'
 */
export function initialEscalation(
  severity: HazardSeverity,
  now: Date,
  settings: Pick<TenantSettings, 'hazardDeadlineDays'> & Calendar,
  by: string,
): Omit<EscalationChange, 'step'> & { deadline: string; escalateAt: string } {
  // Working days (工作日), by the vendor's holiday calendar and the county's adjustments.
  const deadline = addCountyWorkingDays(now, settings.hazardDeadlineDays[severity], settings).toISOString();
  const escalations: EscalationStep[] =
    severity === 'major'
      ? [{ at: now.toISOString(), from: 'village', to: 'township', cause: 'severity', by }]
      : [];
  return {
    level: severity === 'major' ? 'township' : 'village',
    escalationStep: escalations.length,
    escalations,
    deadline,
    escalateAt: deadline,
    overdue: false,
  };
}

/**
 * What the scheduled sweep does to a hazard whose time has come, or undefined when nothing is due. Every step
 * the sweep takes is at or after the deadline, so the hazard is overdue from its first one. Below the county it
 * goes up one level and gets a fresh grace period (`escalationGraceDays`) before the next; at the county it is
 * only marked overdue and nothing more is due.
 */
export function dueEscalation(
  hazard: EscalationState,
  now: Date,
  settings: Pick<TenantSettings, 'escalationGraceDays'> & Calendar,
  by = 'escalation-sweep',
): EscalationChange | undefined {
  if (!isWatched(hazard) || hazard.escalateAt === undefined || hazard.escalateAt > now.toISOString())
    return undefined;
  const overdueAt = hazard.overdueAt ?? now.toISOString();
  const to = nextLevel(hazard.level);
  if (!to) {
    return { ...unchanged(hazard), overdue: true, overdueAt };
  }
  const step: EscalationStep = { at: now.toISOString(), from: hazard.level, to, cause: 'deadline', by };
  return {
    level: to,
    escalationStep: hazard.escalationStep + 1,
    escalations: [...hazard.escalations, step],
    overdue: true,
    overdueAt,
    ...(to === 'county'
      ? {}
      : { escalateAt: addCountyWorkingDays(now, settings.escalationGraceDays, settings).toISOString() }),
    step,
  };
}

/**
 * An officer raises a hazard one level by hand (or the county lists it for supervision, which takes it straight
 * to the county). Before the deadline the sweep still acts at the deadline; after it, the next level gets a
 * fresh grace period. At the county only the overdue mark can still be due.
 */
export function raisedEscalation(
  hazard: EscalationState,
  now: Date,
  settings: Pick<TenantSettings, 'escalationGraceDays'> & Calendar,
  by: string,
  cause: 'manual' | 'supervision',
): EscalationChange | undefined {
  const to = cause === 'supervision' ? 'county' : nextLevel(hazard.level);
  if (!to || to === hazard.level) return undefined;
  const step: EscalationStep = { at: now.toISOString(), from: hazard.level, to, cause, by };
  const beforeDeadline = now.toISOString() < hazard.deadline;
  let escalateAt: string | undefined;
  if (beforeDeadline) escalateAt = hazard.deadline;
  else if (to !== 'county')
    escalateAt = addCountyWorkingDays(now, settings.escalationGraceDays, settings).toISOString();
  // Past the deadline the hazard is overdue now, whether or not the sweep has come by yet.
  const overdueAt = beforeDeadline ? hazard.overdueAt : (hazard.overdueAt ?? now.toISOString());
  return {
    level: to,
    escalationStep: hazard.escalationStep + 1,
    escalations: [...hazard.escalations, step],
    overdue: !beforeDeadline || hazard.overdue,
    ...(overdueAt ? { overdueAt } : {}),
    ...(escalateAt ? { escalateAt } : {}),
    step,
  };
}

function unchanged(hazard: EscalationState): Omit<EscalationChange, 'overdue' | 'step'> {
  return { level: hazard.level, escalationStep: hazard.escalationStep, escalations: hazard.escalations };
}

/** The grid node that acts at a level, from the village path `<county>/<township>/<village>`. */
export function gridAtLevel(gridPath: string, level: EscalationLevel): string {
  const [county, township, village] = gridPath.split('/');
  const id = { county, township, village }[level];
  if (!id) throw new Error(`The path ${gridPath} has no ${level}.`);
  return id;
}

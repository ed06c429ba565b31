import * as z from 'zod/mini';
import { described, type Location, LocationSchema, textField, UlidSchema } from './common-schemas.ts';
import { ValidationError } from './errors.ts';
import { addDays, HazardSeveritySchema } from './escalation.ts';
import type { Color } from './grading.ts';
import type { Photo } from './risk-point.ts';
import type { TenantSettings } from './settings.ts';

/** `cancelled`: the unit stopped being active (unit-lifecycle.ts); the task comes back when it reopens. */
export const PATROL_STATUSES = ['scheduled', 'done', 'cancelled'] as const;
export type PatrolStatus = (typeof PATROL_STATUSES)[number];
/** What a list may ask for: `overdue` is a scheduled patrol whose due time has passed. */
export const PatrolListStatusSchema = z.enum(['scheduled', 'overdue', 'done']);

/**
 * The most deficient items one patrol may report. Completing a patrol is one transaction (the patrol, the next
 * one, every hazard it opens with their audit events and notifications, the counters), and DynamoDB allows 100
 * items in one: a major hazard takes 5 (item, two audit events, two notifications), the rest at most 9.
 */
export const MAX_DEFICIENT_ITEMS = 15;

/** What every unit is checked for, risk points or not (the grid member's baseline walk). */
export const UNIT_BASELINE_CHECKLIST: readonly { code: string; text: string }[] = [
  { code: 'unit_responsibility', text: '安全生产责任制、管理制度和操作规程齐全并上墙' },
  { code: 'unit_fire_equipment', text: '消防器材配置齐全、在有效期内，消防通道畅通' },
  { code: 'unit_exits', text: '安全出口、疏散通道畅通，应急照明和疏散指示完好' },
  { code: 'unit_electrical', text: '电气线路规范，无私拉乱接' },
  { code: 'unit_self_inspection', text: '隐患自查自改台账按时记录' },
];

export interface PatrolChecklistItem {
  /** Unique within the patrol: `unit_…` for the baseline, `<riskPointId>.<code>` for a risk point's item. */
  code: string;
  text: string;
  riskPointId?: string;
}

export interface PatrolItemResult extends PatrolChecklistItem {
  result: 'ok' | 'deficient';
  note?: string;
  photos: Photo[];
  /** The hazard work order a deficient item opened. */
  hazardId?: string;
}

/** A risk point as the patrol sees it: where it is and what to check. */
export interface PatrolRiskPoint {
  id: string;
  name: string;
  color: Color;
  location: Location;
  checklist: { code: string; text: string }[];
}

/**
 * A patrol task (巡查任务): one walk through a unit and its risk points, due by `dueAt`, for the grid members of
 * the unit's village. Overdue when still scheduled after `dueAt`. Completing it schedules the next one.
 */
export interface Patrol {
  id: string;
  unitId: string;
  unitName: string;
  industry: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
  supervisionLevel: 'county' | 'township' | 'village';
  /** Where the patrol should be: the unit and its risk points. */
  targets: { label: string; location: Location }[];
  riskPoints: { id: string; name: string; color: Color }[];
  checklist: PatrolChecklistItem[];
  intervalDays: number;
  dueAt: string;
  status: PatrolStatus;
  completedAt?: string;
  completedBy?: string;
  /** When the unit's suspension, closure or deregistration cancelled the task. */
  cancelledAt?: string;
  position?: Location;
  /** Metres from the position to the nearest target. */
  distanceMeters?: number;
  distanceFlagged?: boolean;
  items?: PatrolItemResult[];
  note?: string;
  hazardIds: string[];
  /** The task that follows this one, once it is done. */
  nextPatrolId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const CompletePatrolSchema = described(
  z.strictObject({
    position: LocationSchema,
    items: z
      .array(
        z.strictObject({
          code: z.string().check(z.minLength(1), z.maxLength(80)),
          result: z.enum(['ok', 'deficient']),
          note: z.optional(textField(1000)),
          photoIds: z.optional(z.array(UlidSchema).check(z.maxLength(5))),
          /** A deficient item opens a hazard: general unless the grid member says major. */
          severity: z.optional(HazardSeveritySchema),
          title: z.optional(textField(100)),
        }),
      )
      .check(z.minLength(1), z.maxLength(200)),
    note: z.optional(textField(1000)),
    version: z.optional(z.number().check(z.int(), z.minimum(1))),
  }),
  { id: 'CompletePatrol' },
);
export type CompletePatrolInput = z.infer<typeof CompletePatrolSchema>;

/**
 * Days between patrols of a unit: the shortest of the county's "every unit at least" maximum, the interval for
 * its supervision level, the interval for the worst colour among its risk points (ungraded ones add nothing) and
 * the interval its credit level asks for (credit.ts; where the credit level and the worst colour disagree, the
 * shorter wins).
 *
 * @example
 * patrolIntervalDays({ supervisionLevel: 'township' }, ['blue', 'red'], DEFAULT_SETTINGS); // 7
 */
export function patrolIntervalDays(
  unit: { supervisionLevel: 'county' | 'township' | 'village'; creditPatrolDays?: number },
  colors: readonly Color[],
  settings: Pick<TenantSettings, 'patrolFrequencyDays' | 'patrolSupervisionLevelDays'>,
): number {
  const frequency = settings.patrolFrequencyDays;
  const byColor = colors.flatMap((color) => (color === 'ungraded' ? [] : [frequency[color]]));
  return Math.min(
    frequency.unitMaximumDays,
    settings.patrolSupervisionLevelDays[unit.supervisionLevel],
    ...byColor,
    unit.creditPatrolDays ?? Number.POSITIVE_INFINITY,
  );
}

/**
 * The due dates of a schedule that started at `anchor` with one patrol every `intervalDays`, from `from` up to and
 * including `until`. Used to plan ahead and to say how many patrols a period should have seen.
 *
 * @example
 * patrolDueDates(new Date('2026-10-01T00:00:00Z'), 14, new Date('2026-10-01T00:00:00Z'), new Date('2026-10-31T00:00:00Z')).length; // 3
 */
export function patrolDueDates(anchor: Date, intervalDays: number, from: Date, until: Date): Date[] {
  if (intervalDays < 1) throw new RangeError('intervalDays must be at least 1');
  const step = intervalDays * 86_400_000;
  const first = Math.max(0, Math.ceil((from.getTime() - anchor.getTime()) / step));
  const dates: Date[] = [];
  for (let k = first; anchor.getTime() + k * step <= until.getTime(); k++)
    dates.push(new Date(anchor.getTime() + k * step));
  return dates;
}

/** The next patrol is due one interval after the last one was done (or after the plan was made). */
export function nextPatrolDue(from: Date, intervalDays: number): Date {
  return addDays(from, intervalDays);
}

/**
 * The task back after its unit reopens: scheduled again, due no earlier than the reopening (a unit closed for
 * months is patrolled on reopening, not counted overdue for the months nobody could patrol it).
 */
export function reinstatedPatrol(patrol: Patrol, now: Date): Patrol {
  const { cancelledAt: _cancelled, ...rest } = patrol;
  const at = now.toISOString();
  const lapsed = patrol.dueAt < at;
  return { ...rest, status: 'scheduled', dueAt: lapsed ? at : patrol.dueAt };
}

export function isPatrolOverdue(patrol: Pick<Patrol, 'status' | 'dueAt'>, now: Date): boolean {
  return patrol.status === 'scheduled' && patrol.dueAt < now.toISOString();
}

const EARTH_RADIUS_METERS = 6_371_008.8;

/**
 * Great-circle distance in metres (haversine, mean Earth radius). Good to well under 0.5% at patrol distances,
 * which is far finer than a phone's GPS.
 *
 * @example
 * Math.round(haversineMeters({ lat: 33.16, lng: 115.62 }, { lat: 33.17, lng: 115.62 })); // 1112
 */
export function haversineMeters(a: Location, b: Location): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The distance from where the patrol was recorded to the nearest target, flagged beyond the county's limit. */
export function patrolDistance(
  position: Location,
  targets: readonly { location: Location }[],
  settings: Pick<TenantSettings, 'patrolDistanceFlagMeters'>,
): { distanceMeters?: number; distanceFlagged: boolean } {
  if (targets.length === 0) return { distanceFlagged: false };
  const nearest = Math.min(...targets.map((target) => haversineMeters(position, target.location)));
  const distanceMeters = Math.round(nearest);
  return { distanceMeters, distanceFlagged: distanceMeters > settings.patrolDistanceFlagMeters };
}

/** The checklist of a unit's patrol: the baseline, then each risk point's own items. */
export function patrolChecklist(riskPoints: readonly PatrolRiskPoint[]): PatrolChecklistItem[] {
  return [
    ...UNIT_BASELINE_CHECKLIST.map((item) => ({ ...item })),
    ...riskPoints.flatMap((point) =>
      point.checklist.map((item) => ({
        code: `${point.id}.${item.code}`,
        text: `${point.name}：${item.text}`,
        riskPointId: point.id,
      })),
    ),
  ];
}

/**
 * A new patrol task for a unit, due one interval after `now` (or at `dueAt` when given).
 */
export function planPatrol(
  unit: {
    id: string;
    name: string;
    industry: string;
    gridId: string;
    gridPath: string;
    departmentId?: string;
    supervisionLevel: 'county' | 'township' | 'village';
    location?: Location;
    /** The interval the unit's credit level asks for, when it has a rating. */
    creditPatrolDays?: number;
  },
  riskPoints: readonly PatrolRiskPoint[],
  settings: Pick<TenantSettings, 'patrolFrequencyDays' | 'patrolSupervisionLevelDays'>,
  now: Date,
  id: string,
  dueAt?: Date,
): Patrol {
  const intervalDays = patrolIntervalDays(
    unit,
    riskPoints.map((point) => point.color),
    settings,
  );
  return {
    id,
    unitId: unit.id,
    unitName: unit.name,
    industry: unit.industry,
    gridId: unit.gridId,
    gridPath: unit.gridPath,
    ...(unit.departmentId ? { departmentId: unit.departmentId } : {}),
    supervisionLevel: unit.supervisionLevel,
    targets: [
      ...(unit.location ? [{ label: unit.name, location: unit.location }] : []),
      ...riskPoints.map((point) => ({ label: point.name, location: point.location })),
    ],
    riskPoints: riskPoints.map((point) => ({ id: point.id, name: point.name, color: point.color })),
    checklist: patrolChecklist(riskPoints),
    intervalDays,
    dueAt: (dueAt ?? nextPatrolDue(now, intervalDays)).toISOString(),
    status: 'scheduled',
    hazardIds: [],
    version: 1,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/**
 * Checks a patrol's answers against its checklist: every item answered exactly once, no unknown item, a note on
 * every deficient one, and no more deficient items than one transaction can hold. Returns the answers in
 * checklist order.
 */
export function checkPatrolAnswers(
  patrol: Pick<Patrol, 'checklist'>,
  input: Pick<CompletePatrolInput, 'items'>,
) {
  const problems: { path: string; message: string }[] = [];
  const byCode = new Map<string, (typeof input.items)[number]>();
  input.items.forEach((item, index) => {
    if (!patrol.checklist.some((c) => c.code === item.code))
      problems.push({ path: `items.${index}.code`, message: 'is not on this patrol’s checklist' });
    else if (byCode.has(item.code))
      problems.push({ path: `items.${index}.code`, message: 'is answered twice' });
    else byCode.set(item.code, item);
    if (item.result === 'deficient' && !item.note)
      problems.push({ path: `items.${index}.note`, message: 'describe what is deficient' });
    if (item.result === 'ok' && (item.severity || item.title))
      problems.push({ path: `items.${index}.severity`, message: 'only a deficient item opens a hazard' });
  });
  for (const item of patrol.checklist) {
    if (!byCode.has(item.code))
      problems.push({ path: 'items', message: `item ${item.code} is not answered` });
  }
  const deficient = input.items.filter((item) => item.result === 'deficient').length;
  if (deficient > MAX_DEFICIENT_ITEMS) {
    problems.push({
      path: 'items',
      message: `at most ${MAX_DEFICIENT_ITEMS} deficient items per patrol; report the rest as hazards directly`,
    });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return patrol.checklist.map((item) => ({ item, answer: byCode.get(item.code)! }));
}

import { ValidationError } from './errors.ts';

/** The longest period the workforce view reads at once: a quarter (one bounded Query of the due-date index). */
export const WORKFORCE_MAX_DAYS = 92;

/** A patrol as the workforce view reads it (a projection of the patrol item). */
export interface WorkforcePatrol {
  id: string;
  unitId: string;
  unitName: string;
  gridId: string;
  gridPath: string;
  departmentId?: string;
  dueAt: string;
  status: 'scheduled' | 'done' | 'cancelled';
  completedAt?: string;
  /** The username of who completed it. */
  completedBy?: string;
  distanceMeters?: number;
}

/** What a patrol counts as: due (every one), done, overdue (still scheduled past its due time), done far away. */
export type WorkforceState = 'due' | 'done' | 'overdue' | 'far';

export interface WorkforceFigures {
  due: number;
  done: number;
  overdue: number;
  /** Done with the recorded position further than the threshold from the unit and its risk points. */
  far: number;
}

export interface WorkforceRow extends WorkforceFigures {
  kind: 'village' | 'member';
  id: string;
  name: string;
  /** A village: its path; a member: the villages they hold, by id. */
  path?: string;
  villageIds?: string[];
}

export interface Workforce {
  from: string;
  to: string;
  thresholdMeters: number;
  totals: WorkforceFigures;
  villages: WorkforceRow[];
  members: WorkforceRow[];
}

/**
 * The period `from`..`to` (dates, both included, in China Standard Time) as instants, `end` exclusive; at most
 * WORKFORCE_MAX_DAYS, `from` not after `to`.
 */
export function workforcePeriod(from: string, to: string): { start: string; end: string } {
  const start = new Date(`${from}T00:00:00+08:00`);
  const end = new Date(new Date(`${to}T00:00:00+08:00`).getTime() + 86_400_000);
  if (Number.isNaN(start.getTime()))
    throw new ValidationError([{ path: 'query.from', message: 'must be a date' }]);
  if (Number.isNaN(end.getTime()))
    throw new ValidationError([{ path: 'query.to', message: 'must be a date' }]);
  if (end <= start) throw new ValidationError([{ path: 'query.to', message: 'must not be before from' }]);
  if (end.getTime() - start.getTime() > WORKFORCE_MAX_DAYS * 86_400_000)
    throw new ValidationError([
      { path: 'query.to', message: `the period may be at most ${WORKFORCE_MAX_DAYS} days` },
    ]);
  return { start: start.toISOString(), end: end.toISOString() };
}

/** Whether a patrol is in the given state at `now`, with done-far judged against `thresholdMeters`. */
export function patrolIn(
  patrol: WorkforcePatrol,
  state: WorkforceState,
  now: string,
  thresholdMeters: number,
): boolean {
  switch (state) {
    case 'due':
      return true;
    case 'done':
      return patrol.status === 'done';
    case 'overdue':
      return patrol.status === 'scheduled' && patrol.dueAt < now;
    case 'far':
      return (
        patrol.status === 'done' &&
        patrol.distanceMeters !== undefined &&
        patrol.distanceMeters > thresholdMeters
      );
  }
}

function figures(patrols: WorkforcePatrol[], now: string, threshold: number): WorkforceFigures {
  const count = (state: WorkforceState) => patrols.filter((p) => patrolIn(p, state, now, threshold)).length;
  return { due: count('due'), done: count('done'), overdue: count('overdue'), far: count('far') };
}

/**
 * Patrols of a period by village and by grid member (the 网格员 workforce view). A village counts the patrols of
 * its units. A grid member counts those of the villages they hold, except `done` and `far`, which count the
 * patrols they completed themselves (anywhere in the view). Cancelled tasks were never due and are left out.
 *
 * @example
 * workforceOf({ patrols, villages, members, now, thresholdMeters: 500 }).villages[0]; // { due: 12, done: 9, overdue: 2, far: 1, ... }
 */
export function workforceOf(input: {
  from: string;
  to: string;
  patrols: WorkforcePatrol[];
  villages: { id: string; name: string; path: string }[];
  members: { id: string; username: string; name: string; gridIds: string[] }[];
  now: string;
  thresholdMeters: number;
}): Workforce {
  const { now, thresholdMeters } = input;
  const patrols = input.patrols.filter((patrol) => patrol.status !== 'cancelled');
  const villageIds = new Set(input.villages.map((village) => village.id));
  return {
    from: input.from,
    to: input.to,
    thresholdMeters,
    totals: figures(patrols, now, thresholdMeters),
    villages: input.villages.map((village) => ({
      kind: 'village',
      id: village.id,
      name: village.name,
      path: village.path,
      ...figures(
        patrols.filter((patrol) => patrol.gridId === village.id),
        now,
        thresholdMeters,
      ),
    })),
    members: input.members
      .map((member) => ({ ...member, gridIds: member.gridIds.filter((id) => villageIds.has(id)) }))
      .filter((member) => member.gridIds.length > 0)
      .map((member) => {
        const theirs = patrols.filter((patrol) => member.gridIds.includes(patrol.gridId));
        // A patrol names who completed it by username (patrol-completion.ts).
        const own = patrols.filter((patrol) => patrol.completedBy === member.username);
        return {
          kind: 'member' as const,
          id: member.id,
          name: member.name,
          villageIds: member.gridIds,
          due: theirs.length,
          done: own.length,
          overdue: theirs.filter((p) => patrolIn(p, 'overdue', now, thresholdMeters)).length,
          far: own.filter((p) => patrolIn(p, 'far', now, thresholdMeters)).length,
        };
      }),
  };
}

/**
 * The patrols behind one figure of the view (the drill-down): a village's in that state; a member's villages'
 * for due and overdue, the patrols the member completed for done and far; the whole view's without either.
 */
export function patrolsBehind(
  patrols: WorkforcePatrol[],
  of: { villageId?: string; member?: { username: string; gridIds: string[] } },
  state: WorkforceState,
  now: string,
  thresholdMeters: number,
): WorkforcePatrol[] {
  const own = (patrol: WorkforcePatrol) => {
    if (of.villageId) return patrol.gridId === of.villageId;
    if (of.member)
      return state === 'done' || state === 'far'
        ? patrol.completedBy === of.member.username
        : of.member.gridIds.includes(patrol.gridId);
    return true;
  };
  return patrols.filter(
    (patrol) => patrol.status !== 'cancelled' && own(patrol) && patrolIn(patrol, state, now, thresholdMeters),
  );
}

const WORKFORCE_HEADERS = ['类型', '名称', '应巡查', '已完成', '逾期', '偏离点位完成'];

/** The view as spreadsheet rows (Chinese headers): villages, then grid members. */
export function workforceSheetRows(workforce: Workforce): (string | number)[][] {
  return [
    WORKFORCE_HEADERS,
    ...[...workforce.villages, ...workforce.members].map((row) => [
      row.kind === 'village' ? '村（社区）' : '网格员',
      row.name,
      row.due,
      row.done,
      row.overdue,
      row.far,
    ]),
  ];
}

import {
  type Clock,
  ConflictError,
  type IdSource,
  isActiveUnit,
  type Logger,
  type PatrolRiskPoint,
  type Principal,
  planPatrol,
  type RiskPoint,
  silentLogger,
  type TenantSettings,
  type Unit,
} from '@gridsafe/core';
import { creditPatrolDaysOf, rateCounty } from './credit-rating.ts';
import { PatrolRepository } from './patrol-repository.ts';
import { RiskPointRepository } from './risk-point-repository.ts';
import type { TenantStore } from './tenant-store.ts';
import { UnitRepository } from './unit-repository.ts';

export interface PatrolPlanOptions {
  store: TenantStore;
  clock: Clock;
  settings: TenantSettings;
  ids: IdSource;
  logger?: Logger;
  /** Plan even when today's plan already ran (tests, the demo seed). */
  force?: boolean;
  /**
   * Ends the plan at the next unit (a local stack stopping, a Lambda near its timeout); the units not reached wait
   * for tomorrow's plan.
   */
  signal?: AbortSignal;
  /** Units scheduled at once (SCHEDULES_IN_FLIGHT unless given: `npm run bench:import -- --plan` compares). */
  inFlight?: number;
}

/** Units scheduled at once: each is a GetItem and a transaction, so a Nanjing-sized first plan is not hours long. */
const SCHEDULES_IN_FLIGHT = 8;
/** A page of the county's units or risk points: DynamoDB's 1 MB allowing, a tenth of the Queries of 100. */
const PLAN_PAGE = 1000;
/** Pauses before scheduling a unit again whose transaction lost a race on the statistics' shared items. */
const CONFLICT_RETRY_MS = [20, 80, 250, 600];

/** The planner acts as the county's system, like the escalation sweep. */
export function systemPrincipal(tenant: string, username: string): Principal {
  return { userId: 'system', username, tenant, role: 'county_admin', grants: [] };
}

/** Risk points of every unit, keyed by unit id, read once for the whole county (its register, page by page). */
export async function riskPointsByUnit(store: TenantStore): Promise<Map<string, PatrolRiskPoint[]>> {
  const points = new RiskPointRepository(store);
  const byUnit = new Map<string, PatrolRiskPoint[]>();
  let cursor: string | undefined;
  do {
    const page = await points.list({ withinPath: '' }, { limit: PLAN_PAGE, cursor });
    for (const point of page.items) {
      const list = byUnit.get(point.unitId) ?? [];
      list.push(patrolPointOf(point));
      byUnit.set(point.unitId, list);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return byUnit;
}

export function patrolPointOf(point: RiskPoint): PatrolRiskPoint {
  return {
    id: point.id,
    name: point.name,
    color: point.color,
    location: point.location,
    checklist: point.checklist,
  };
}

/**
 * Gives every unit without an open patrol task a new one, due one interval from now (by its supervision level and
 * its risk points' colours). Completing a task schedules the next, so this only fills in units that are new or
 * never had one. Runs at most once a day per county (a marker item with the day) unless forced; safe to run twice
 * at once, since each unit's open slot can be claimed only once. Units are scheduled SCHEDULES_IN_FLIGHT at a time:
 * after a 320,000-unit import, one after another was hours (docs/decisions.md, "The daily plan runs at night").
 */
export async function planPatrols(
  options: PatrolPlanOptions,
): Promise<{ ran: boolean; created: number; present: number }> {
  const { store, clock, settings, ids } = options;
  const logger = options.logger ?? silentLogger;
  const now = clock.now();
  const today = now.toISOString().slice(0, 10);
  if (!options.force) {
    try {
      await store.transact(
        [
          {
            Update: {
              TableName: store.tableName,
              Key: { pk: store.key('PATROLPLAN'), sk: 'RUN' },
              UpdateExpression: 'SET #day = :today',
              ConditionExpression: 'attribute_not_exists(#day) OR #day < :today',
              ExpressionAttributeNames: { '#day': 'day' },
              ExpressionAttributeValues: { ':today': today },
            },
          },
        ],
        'patrol plan',
      );
    } catch (error) {
      if (error instanceof ConflictError) return { ran: false, created: 0, present: 0 };
      throw error;
    }
    // Once a day every unit is rated again: time alone changes a rating (records age out of the look-back), and
    // a refresh a write missed is caught up here (docs/decisions.md, "Unit credit ratings").
    await rateCounty(store, now).catch((error: unknown) => {
      logger.error('credit re-rating failed', { tenant: store.tenant, error });
    });
  }
  const patrols = new PatrolRepository(store);
  const units = new UnitRepository(store);
  const [open, points] = await Promise.all([patrols.unitsWithOpenPatrol(), riskPointsByUnit(store)]);
  const ctx = { principal: systemPrincipal(store.tenant, 'patrol-planner'), now };
  let created = 0;
  let present = 0;
  /** Units whose transaction lost every race on the statistics items: tomorrow's plan gives them their task. */
  let deferred = 0;
  let cursor: string | undefined;
  do {
    const page = await units.list({ withinPath: '' }, { limit: PLAN_PAGE, cursor });
    // A suspended, closed or deregistered unit is not patrolled (its task waits, cancelled, for a reopening).
    const due = page.items.filter((unit) => isActiveUnit(unit) && !open.has(unit.id));
    present += page.items.filter((unit) => isActiveUnit(unit) && open.has(unit.id)).length;
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < due.length && !failed && !options.signal?.aborted) {
        const unit = due[next++]!;
        try {
          const outcome = await schedule(
            store,
            patrols,
            unit,
            points.get(unit.id) ?? [],
            settings,
            ctx,
            ids.next(),
          );
          if (outcome === 'created') created += 1;
          else if (outcome === 'claimed') present += 1;
          else deferred += 1;
        } catch (error) {
          // The other workers stop at their next unit; the plan fails as it did one unit at a time.
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: options.inFlight ?? SCHEDULES_IN_FLIGHT }, worker));
    if (options.signal?.aborted) {
      logger.info('patrol plan stopped', { tenant: store.tenant, created, present, deferred });
      return { ran: true, created, present };
    }
    cursor = page.nextCursor;
  } while (cursor);
  logger.info('patrol plan finished', { tenant: store.tenant, created, present, deferred });
  return { ran: true, created, present };
}

async function schedule(
  store: TenantStore,
  patrols: PatrolRepository,
  unit: Unit,
  riskPoints: PatrolRiskPoint[],
  settings: TenantSettings,
  ctx: { principal: Principal; now: Date },
  id: string,
): Promise<'created' | 'claimed' | 'deferred'> {
  // A rated unit is patrolled at least as often as its credit level asks (credit.ts).
  const creditPatrolDays = await creditPatrolDaysOf(store, unit.id);
  const patrol = planPatrol({ ...unit, creditPatrolDays }, riskPoints, settings, ctx.now, id);
  for (let attempt = 0; ; attempt++) {
    try {
      await patrols.create(patrol, ctx);
      return 'created';
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Units scheduled side by side update the same statistics items: a lost race is tried again.
      const pause = CONFLICT_RETRY_MS[attempt];
      if (error.code === 'transaction_conflict' && pause !== undefined) {
        await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
        continue;
      }
      // Lost every race (left to the next plan), or another planner claimed the unit first.
      return error.code === 'transaction_conflict' ? 'deferred' : 'claimed';
    }
  }
}

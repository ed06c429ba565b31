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
  /** Ends the plan at the next unit (a local stack stopping); the units not reached wait for tomorrow's plan. */
  signal?: AbortSignal;
}

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
    const page = await points.list({ withinPath: '' }, { limit: 100, cursor });
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
 * at once, since each unit's open slot can be claimed only once.
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
  let cursor: string | undefined;
  do {
    const page = await units.list({ withinPath: '' }, { limit: 100, cursor });
    for (const unit of page.items) {
      if (options.signal?.aborted) {
        logger.info('patrol plan stopped', { tenant: store.tenant, created, present });
        return { ran: true, created, present };
      }
      // A suspended, closed or deregistered unit is not patrolled (its task waits, cancelled, for a reopening).
      if (!isActiveUnit(unit)) continue;
      if (open.has(unit.id)) {
        present += 1;
        continue;
      }
      if (await schedule(store, patrols, unit, points.get(unit.id) ?? [], settings, ctx, ids.next()))
        created += 1;
      else present += 1;
    }
    cursor = page.nextCursor;
  } while (cursor);
  logger.info('patrol plan finished', { tenant: store.tenant, created, present });
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
): Promise<boolean> {
  try {
    // A rated unit is patrolled at least as often as its credit level asks (credit.ts).
    const creditPatrolDays = await creditPatrolDaysOf(store, unit.id);
    await patrols.create(planPatrol({ ...unit, creditPatrolDays }, riskPoints, settings, ctx.now, id), ctx);
    return true;
  } catch (error) {
    // Another planner claimed the unit first.
    if (error instanceof ConflictError) return false;
    throw error;
  }
}

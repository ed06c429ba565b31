import {
  isActiveUnit,
  nextUnitStatus,
  type Patrol,
  type Unit,
  type UpdateUnitInput,
  ValidationError,
} from '@gridsafe/core';
import { PatrolRepository, type StoredItem, type TransactItem } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { unitScopeTarget } from '../unit-rules.ts';

const STATUS_FIELDS = new Set(['status', 'statusReason', 'version']);

/**
 * `PATCH /units/{id}` with `{ status, statusReason }`: the unit's lifecycle step (unit-lifecycle.ts), dated by
 * the server, in one transaction with its patrol task: a unit that stops being active has its scheduled task
 * cancelled, and one that reopens gets the cancelled task back. A status change is made on its own, so its
 * audit event and its counters say one thing.
 */
export async function changeUnitStatus(
  c: Context<AppEnv>,
  stored: StoredItem,
  unit: Unit,
  input: UpdateUnitInput,
  version: number,
): Promise<Unit> {
  const others = Object.keys(input).filter((field) => !STATUS_FIELDS.has(field));
  if (others.length > 0)
    throw new ValidationError(
      others.map((path) => ({ path, message: 'change a unit’s status on its own, without other fields' })),
    );
  if (input.status === undefined)
    throw new ValidationError([{ path: 'status', message: 'required with statusReason' }]);
  const ctx = writeContext(c);
  const lifecycle = nextUnitStatus(
    unit,
    { status: input.status, ...(input.statusReason ? { statusReason: input.statusReason } : {}) },
    ctx.principal,
    unitScopeTarget(unit),
    ctx.now,
  );
  const { statusReason: _previous, ...rest } = unit;
  const after: Unit = { ...rest, ...lifecycle };
  const data = countyData(c);
  const patrols = new PatrolRepository(data.store);
  const open = await patrols.openOfUnit(unit.id);
  const task = open?.status as Patrol['status'] | undefined;
  let patrolItems: TransactItem[] = [];
  if (open && task === 'scheduled' && !isActiveUnit(after))
    patrolItems = patrols.cancellationItems(open, ctx, `unit ${after.status}: ${after.statusReason ?? ''}`);
  else if (open && task === 'cancelled' && isActiveUnit(after))
    patrolItems = patrols.reinstatementItems(open, ctx, after.statusReason ?? 'unit reopened');
  return data.units.changeStatus(stored, after, version, ctx, patrolItems);
}

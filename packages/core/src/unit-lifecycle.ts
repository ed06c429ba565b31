import * as z from 'zod/mini';
import { described, textField } from './common-schemas.ts';
import { ConflictError, ValidationError } from './errors.ts';
import { authorize, hasCapability, inScope } from './permissions.ts';
import type { Principal } from './principal.ts';

/**
 * A unit's lifecycle (在营 / 停产整顿 / 关闭取缔 / 注销). Only an active unit is patrolled, counted on the
 * dashboards and in the quarterly assessment; the others stay in the register with their history.
 */
export const UNIT_STATUSES = ['active', 'suspended', 'closed', 'deregistered'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
export const UnitStatusSchema = z.enum(UNIT_STATUSES);

/**
 * Which status may follow which. Deregistration (注销) ends the unit's legal existence, so nothing follows it:
 * a business that starts again is registered as a new unit. A closed unit may be reopened (a closure lifted on
 * appeal), a suspended one reopens when its rectification is accepted.
 */
const NEXT_STATUSES: Record<UnitStatus, readonly UnitStatus[]> = {
  active: ['suspended', 'closed', 'deregistered'],
  suspended: ['active', 'closed', 'deregistered'],
  closed: ['active', 'deregistered'],
  deregistered: [],
};

/** What a unit's lifecycle fields are; units stored before the lifecycle have none and read as active. */
export interface UnitLifecycle {
  status?: UnitStatus;
  statusReason?: string;
  /** When the status last changed, by the server's clock. */
  statusChangedAt?: string;
}

export function unitStatusOf(unit: UnitLifecycle): UnitStatus {
  return unit.status ?? 'active';
}

export function isActiveUnit(unit: UnitLifecycle): boolean {
  return unitStatusOf(unit) === 'active';
}

/** The status part of `PATCH /units/{id}`: the new status and why (the reason is required to leave `active`). */
export const UnitStatusFields = {
  status: z.optional(UnitStatusSchema),
  statusReason: z.optional(textField(200)),
};

/**
 * A status change (pure): who may (`unit.changeStatus` in the unit's area), from which status, with a reason
 * when the unit stops being active. Answers the lifecycle fields to write, dated `now`.
 *
 * @example
 * nextUnitStatus({ status: 'active' }, { status: 'suspended', statusReason: '停产整顿' }, officer, target, now).status; // 'suspended'
 */
export function nextUnitStatus(
  unit: UnitLifecycle,
  input: { status: UnitStatus; statusReason?: string },
  principal: Principal,
  target: { gridPath: string; departmentId?: string; unitId?: string },
  now: Date,
): Required<Pick<UnitLifecycle, 'status' | 'statusChangedAt'>> & Pick<UnitLifecycle, 'statusReason'> {
  authorize(principal, 'unit.changeStatus', target);
  const current = unitStatusOf(unit);
  if (!NEXT_STATUSES[current].includes(input.status)) {
    throw new ConflictError(
      current === input.status
        ? `The unit is already ${current}.`
        : `A ${current} unit cannot become ${input.status}.`,
      'wrong_state',
    );
  }
  if (input.status !== 'active' && !input.statusReason) {
    throw new ValidationError([{ path: 'statusReason', message: 'say why the unit is no longer active' }]);
  }
  return {
    status: input.status,
    ...(input.statusReason ? { statusReason: input.statusReason } : {}),
    statusChangedAt: now.toISOString(),
  };
}

/** The statuses this person may move the unit to now (the web draws its status control from these). */
export function allowedUnitStatuses(
  unit: UnitLifecycle,
  principal: Principal,
  target: { gridPath: string; departmentId?: string; unitId?: string },
): UnitStatus[] {
  if (!hasCapability(principal, 'unit.changeStatus') || !inScope(principal, target)) return [];
  return [...NEXT_STATUSES[unitStatusOf(unit)]];
}

export const UnitStatusDescription = described(UnitStatusSchema, {
  description: 'active 在营, suspended 停产整顿, closed 关闭取缔, deregistered 注销',
});

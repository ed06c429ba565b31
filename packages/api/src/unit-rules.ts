import {
  type CreateUnitInput,
  type Department,
  departmentForIndustry,
  ForbiddenError,
  type GridNode,
  inScope,
  type Principal,
  type Unit,
  ValidationError,
} from '@gridsafe/core';

/** The village a unit is placed in: it must exist, be a village, and lie in the caller's area. */
export function assertPlaceableVillage(
  principal: Principal,
  village: GridNode | undefined,
  field = 'gridId',
): GridNode {
  if (!village) throw new ValidationError([{ path: field, message: 'no such grid in this county' }]);
  if (village.level !== 'village') {
    throw new ValidationError([
      { path: field, message: 'a unit belongs to a village grid, not a township or county' },
    ]);
  }
  if (!inScope(principal, { gridPath: village.path })) {
    throw new ForbiddenError('This village is outside your area.');
  }
  return village;
}

/**
 * The supervising department: an explicit choice (an override the county made) or the one whose industries
 * include the unit's. An unknown explicit department is a bad field, not a silent fallback.
 */
export function resolveDepartment(
  departments: readonly Department[],
  industry: string,
  explicitId: string | null | undefined,
): { departmentId?: string; departmentOverridden: boolean } {
  if (explicitId) {
    if (!departments.some((d) => d.id === explicitId)) {
      throw new ValidationError([{ path: 'departmentId', message: 'no such department in this county' }]);
    }
    return { departmentId: explicitId, departmentOverridden: true };
  }
  const derived = departmentForIndustry(departments, industry);
  return { ...(derived ? { departmentId: derived.id } : {}), departmentOverridden: false };
}

export function unitScopeTarget(unit: Pick<Unit, 'gridPath' | 'departmentId' | 'id'>) {
  return { gridPath: unit.gridPath, departmentId: unit.departmentId, unitId: unit.id };
}

/** A new unit as asked for: in `village`, supervised by `department`, at version 1, made at `now`. */
export function newUnit(
  input: CreateUnitInput,
  village: GridNode,
  department: { departmentId?: string; departmentOverridden: boolean },
  made: { id: string; now: string },
): Unit {
  return {
    id: made.id,
    name: input.name,
    ...(input.creditCode ? { creditCode: input.creditCode } : { unlicensed: true }),
    status: 'active',
    industry: input.industry,
    gridId: village.id,
    gridPath: village.path,
    ...department,
    supervisionLevel: input.supervisionLevel,
    ...(input.address ? { address: input.address } : {}),
    ...(input.location ? { location: input.location } : {}),
    ...(input.contact ? { contact: input.contact } : {}),
    version: 1,
    createdAt: made.now,
    updatedAt: made.now,
  };
}

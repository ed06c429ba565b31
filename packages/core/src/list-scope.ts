import { ForbiddenError, NotFoundError, ValidationError } from './errors.ts';
import type { GridNode } from './grid.ts';
import { canListSubtree, inScope } from './permissions.ts';
import type { Grant, Principal, Role } from './principal.ts';
import type { Unit } from './unit.ts';

/** The filters of a list request that say where to read: a grid subtree, a department, a unit. */
export interface ListRequest {
  grid?: string;
  department?: string;
  unit?: string;
}

/** The reads a scope decision needs; each answers undefined for an id of no record of this county. */
export interface ListLookups {
  grid(id: string): Promise<GridNode | undefined>;
  unit(id: string): Promise<Pick<Unit, 'id' | 'gridPath' | 'departmentId'> | undefined>;
}

/**
 * What a list reads. `path` is the grid subtree ('' is the whole county); a department narrows a subtree
 * (or the county) to its industries; a unit names its own place, so nothing else narrows it.
 */
export type ListScope =
  | { kind: 'county'; path: '' }
  | { kind: 'subtree'; path: string; departmentId?: string }
  | { kind: 'department'; path: ''; departmentId: string }
  | { kind: 'unit'; path: string; unitId: string };

/**
 * Grid nodes carry no department: a department's people, who work their industries county-wide, read the whole
 * tree. Every other record has a department, and a department grant reads only its own.
 */
export type ListedRecords = 'records' | 'grid-nodes';

/** Where each role works when a list names no place: the county, or the kind of grant that holds its area. */
const HOME: Record<Role, 'county' | Grant['kind']> = {
  county_admin: 'county',
  // Under a county admin's grant the vendor holds the county's root grid (vendor-access.ts).
  vendor_operator: 'grid',
  department_officer: 'dept',
  township_officer: 'grid',
  grid_member: 'grid',
  unit_user: 'unit',
};

/** True when the person reads the whole county of this kind of record without naming a place. */
export function coversWholeCounty(principal: Principal, records: ListedRecords = 'records'): boolean {
  const home = HOME[principal.role];
  return home === 'county' || (records === 'grid-nodes' && home === 'dept');
}

/**
 * The one decision of what part of the county a list reads, from the person and the place the request names:
 * - a unit: that unit, when it is in the person's area (any grant of theirs covering it);
 * - a grid: its subtree, when a grid grant covers it or, narrowed to a department, when they hold that department;
 * - a department: its industries county-wide, for the county and for the department's own people;
 * - nothing: the person's own area (the county, their one grid or department, their unit).
 * Throws NotFoundError for a grid or unit of no record of this county, ForbiddenError outside the person's area,
 * and ValidationError when the person works more than one place and named none.
 *
 * @example
 * const scope = await listScope(principal, { grid, department }, { grid: grids.get, unit: units.get });
 * await hazards.list({ ...scopeFilter(scope), status }, page);
 */
export async function listScope(
  principal: Principal,
  request: ListRequest,
  lookups: ListLookups,
  records: ListedRecords = 'records',
): Promise<ListScope> {
  if (request.unit !== undefined) return unitScope(principal, request.unit, lookups);
  const wholeCounty = coversWholeCounty(principal, records);
  const { department } = request;
  const holdsDepartment =
    department !== undefined &&
    (wholeCounty || principal.grants.some((grant) => grant.kind === 'dept' && grant.id === department));
  if (request.grid !== undefined) {
    const node = await lookups.grid(request.grid);
    if (!node) throw new NotFoundError('grid');
    if (!wholeCounty && !holdsDepartment && !canListSubtree(principal, node.path)) throw outsideArea();
    return { kind: 'subtree', path: node.path, ...(department ? { departmentId: department } : {}) };
  }
  if (department !== undefined) {
    if (!holdsDepartment) throw outsideArea();
    return { kind: 'department', path: '', departmentId: department };
  }
  return homeScope(principal, lookups, records);
}

/** The filters a repository's list takes for a scope. */
export function scopeFilter(scope: ListScope): {
  withinPath: string;
  departmentId?: string;
  unitId?: string;
} {
  switch (scope.kind) {
    case 'unit':
      return { withinPath: scope.path, unitId: scope.unitId };
    case 'county':
      return { withinPath: '' };
    default:
      return { withinPath: scope.path, ...(scope.departmentId ? { departmentId: scope.departmentId } : {}) };
  }
}

async function unitScope(principal: Principal, unitId: string, lookups: ListLookups): Promise<ListScope> {
  const unit = await lookups.unit(unitId);
  if (!unit) throw new NotFoundError('unit');
  if (!inScope(principal, { gridPath: unit.gridPath, departmentId: unit.departmentId, unitId: unit.id }))
    throw new ForbiddenError('This unit is outside your area.');
  return { kind: 'unit', path: unit.gridPath, unitId: unit.id };
}

async function homeScope(
  principal: Principal,
  lookups: ListLookups,
  records: ListedRecords,
): Promise<ListScope> {
  if (coversWholeCounty(principal, records)) return { kind: 'county', path: '' };
  const home = HOME[principal.role];
  const held = principal.grants.filter((grant) => grant.kind === home);
  // A unit's people keep their first unit's records by default (a second unit is named with `unit`).
  if (home === 'unit' && held[0]) return unitScope(principal, held[0].id, lookups);
  if (held.length !== 1 || !held[0]) {
    throw new ValidationError([{ path: 'query.grid', message: 'name the grid (or department) to list' }]);
  }
  if (home === 'dept') return { kind: 'department', path: '', departmentId: held[0].id };
  const node = await lookups.grid(held[0].id);
  if (!node) throw new NotFoundError('grid');
  return { kind: 'subtree', path: node.path };
}

function outsideArea(): ForbiddenError {
  return new ForbiddenError('List within your own grid or department.');
}

/** True when the person may see a grid node: a department's people see the whole tree, others their subtrees. */
export function canSeeGrid(principal: Principal, path: string): boolean {
  return coversWholeCounty(principal, 'grid-nodes') || canListSubtree(principal, path);
}

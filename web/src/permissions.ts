import { type Capability, hasCapability } from '@gridsafe/core/permissions';
import type { SessionUser } from './api/types.ts';
import { scopeIds, session } from './session.ts';

/**
 * Whether the signed-in person's role has the capability, by core's table: menus and page-level controls follow
 * it. Where it applies (scope), and what may be done to one record, the API decides (`allowedActions`).
 */
export function can(capability: Capability, user: SessionUser | undefined = session.value?.user): boolean {
  return user !== undefined && hasCapability(user, capability);
}

/**
 * Field workers rectify hazards but verify none (grid members, units' safety managers): their home is the phone's
 * task list and their menu the field's. Everyone else works from the office pages.
 */
export function worksInField(user: SessionUser | undefined = session.value?.user): boolean {
  return can('hazard.rectify', user) && !can('hazard.verify', user);
}

/**
 * The department a person works by, when they hold one (an industry's officer): their lists open on it, county-wide,
 * rather than on an area.
 */
export function ownDepartment(user: SessionUser | undefined = session.value?.user): string | undefined {
  return scopeIds(user, 'dept')[0];
}

/** The department a list opens on: the person's own, unless they chose a grid (or hold no department). */
export function defaultDepartment(grid: string): string {
  return grid ? '' : (ownDepartment() ?? '');
}

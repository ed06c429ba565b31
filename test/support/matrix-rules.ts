import {
  type Capability,
  ConflictError,
  ForbiddenError,
  type GridNode,
  hasCapability,
  listScope,
  NotFoundError,
  type Principal,
  type Role,
  ValidationError,
} from '@gridsafe/core';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The vocabulary of the permission matrix's table: who may call an operation, what one call of it is, and the
 * answer core's rules predict for it. The predictions are core's own functions (capabilities, scope, the state
 * machines), asked about the target as the county admin reads it, so the table states no answer by hand.
 */

/** Who may call: one capability of core, or a rule core has no capability for, said in words. */
export type Permission = Capability | { rule: string; roles: (role: Role) => boolean };

export interface Call {
  /** The path (with its query) under the county's API base. */
  path: string;
  body?: unknown;
  rawBody?: BodyInit;
  headers?: Record<string, string>;
  /** Whether core's scope rules let this person at the target; absent for what has no place in the county. */
  reach?: (principal: Principal) => boolean | Promise<boolean>;
  /** The answer to a permitted person outside the target's area (403 unless said). */
  outside?: number;
  /** The answer to a permitted person naming another county's record (404 unless said: a body's id is a 400). */
  missing?: number;
  /** The state machine's answer once the person is permitted and in reach (the entry's success unless said). */
  verdict?: (principal: Principal) => number;
  /** What a refused write must leave exactly as it was, read by a county admin. */
  witness?: () => Promise<unknown>;
}

/** Targets built for a call: reused across roles and cases until a call succeeds in changing them. */
export type Reuse = <T>(key: string, build: () => Promise<T>) => Promise<T>;

export interface Entry {
  may: Permission;
  success: number;
  /** The cases that mean something for the operation: county-wide ones have no "out" and no other county's id. */
  cases?: readonly Case[];
  /**
   * Runs while no other row does: its refusals are witnessed on a record other rows may also change (a grid, a
   * unit, the unit's one scheduled patrol).
   */
  alone?: true;
  call(world: MatrixWorld, role: Role, c: Case, reuse: Reuse): Promise<Call>;
}

/** Public operations answer the same whoever calls, signed in or not: `success` is that answer. */
export interface PublicEntry {
  public: true;
  success: number;
  call(world: MatrixWorld): Call;
}

export function permits(may: Permission, role: Role): boolean {
  return typeof may === 'string' ? hasCapability({ role }, may) : may.roles(role);
}

/** The answer the rules predict for one role and case. */
export async function predicted(
  method: string,
  entry: Entry,
  call: Call,
  role: Role,
  c: Case,
  principal: Principal,
): Promise<number> {
  // Under a grant the vendor only reads: its token is refused on any other method before a handler runs.
  if (role === 'vendor_operator' && method !== 'GET') return 403;
  if (!permits(entry.may, role)) return 403;
  if (c === 'foreign') return call.missing ?? 404;
  if (call.reach && !(await call.reach(principal))) return call.outside ?? 403;
  return call.verdict ? call.verdict(principal) : entry.success;
}

/** A core step's answer as the API gives it: the status its error maps to, or `success`. */
export function verdictOf(step: () => unknown, success = 200): number {
  try {
    step();
    return success;
  } catch (error) {
    if (error instanceof ForbiddenError) return 403;
    if (error instanceof ConflictError) return 409;
    if (error instanceof ValidationError) return 400;
    if (error instanceof NotFoundError) return 404;
    throw error;
  }
}

/** Whether core's list scope lets the person list within a subtree (the grid at `path`) or a department. */
export const mayList =
  (within: { path?: string; departmentId?: string }) =>
  async (principal: Principal): Promise<boolean> => {
    const lookups = {
      grid: async () => (within.path === undefined ? undefined : ({ path: within.path } as GridNode)),
      unit: async () => undefined,
    };
    const request = within.path === undefined ? { department: within.departmentId } : { grid: 'named' };
    try {
      await listScope(principal, request, lookups);
      return true;
    } catch (error) {
      if (
        verdictOf(() => {
          throw error;
        }) === 403
      )
        return false;
      throw error;
    }
  };

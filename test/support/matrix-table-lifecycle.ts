import { inScope, type Role } from '@gridsafe/core';
import { expect } from 'vitest';
import { demoId } from '../../scripts/seed/demo-ids.ts';
import type { Entry, PublicEntry, Reuse } from './matrix-rules.ts';
import { recordWitness, unitOf, unitTarget } from './matrix-table-county.ts';
import type { Case, MatrixWorld } from './matrix-world.ts';

/**
 * The permission matrix's rows for a unit's lifecycle and the notice boards (issue 17, parts 5 and 6): a status
 * change is a variant of `PATCH /units/{id}` (its own capability, `unit.changeStatus`); the boards of a unit print
 * for whoever reads its risk points; the public board answers everyone alike, signed in or not.
 */
export const LIFECYCLE_PUBLIC_TABLE: Record<string, PublicEntry> = {
  // The seed's filed red point (DEMO_RISK_POINT_PLAN: red draft, submitted, township_approved, filed).
  'GET /public/risk-points/{id}': {
    public: true,
    success: 200,
    call: (w) => ({ path: `/public/risk-points/${demoId(w.tenant, 'risk-point:3')}` }),
  },
};

/**
 * A unit of its own for each role and case, beside the one other rows use: suspending it cancels its patrol, and
 * the patrol rows need theirs scheduled. Same village and industry as the role's unit, so the same people reach it.
 */
async function lifecycleUnit(w: MatrixWorld, role: Role, c: Case, reuse: Reuse) {
  const model = await unitOf(w, role, c, reuse);
  return reuse(`lifecycle-unit:${role}:${c}`, async () => {
    const reader = w.readerFor(c);
    const created = await reader.post('/units', {
      name: `矩阵无证${w.builders.serial()}`,
      unlicensed: true,
      industry: (model as { industry?: string }).industry ?? 'gas',
      gridId: model.gridId,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; gridPath: string; departmentId?: string };
  });
}

export const LIFECYCLE_TABLE: Record<string, Entry> = {
  'PATCH /units/{id} · status change': {
    alone: true,
    may: 'unit.changeStatus',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await lifecycleUnit(w, role, c, reuse);
      return {
        path: `/units/${unit.id}`,
        body: { status: 'suspended', statusReason: `矩阵停产${w.builders.serial()}` },
        reach: (p) => inScope(p, unitTarget(unit)),
        witness: recordWitness(w.readerFor(c), `/units/${unit.id}`),
      };
    },
  },
  'GET /notice-boards': {
    may: 'riskPoint.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      return { path: `/notice-boards?unit=${unit.id}`, reach: (p) => inScope(p, unitTarget(unit)) };
    },
  },
};

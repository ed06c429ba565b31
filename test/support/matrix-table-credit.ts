import { inScope } from '@gridsafe/core';
import type { Entry } from './matrix-rules.ts';
import { countyRead, unitOf, unitTarget } from './matrix-table-county.ts';

/**
 * The permission matrix's rows for unit credit ratings: a unit's rating is read like the unit (the same
 * capability, the same area), and the county's credit rules like its settings (read by whoever reads settings,
 * replaced by the county admin, the refusals witnessed on the rules' version).
 */
export const CREDIT_TABLE: Record<string, Entry> = {
  'GET /units/{id}/credit': {
    may: 'unit.read',
    success: 200,
    call: async (w, role, c, reuse) => {
      const unit = await unitOf(w, role, c, reuse);
      return { path: `/units/${unit.id}/credit`, reach: (p) => inScope(p, unitTarget(unit)) };
    },
  },
  'GET /settings/credit-rules': countyRead('settings.read', '/settings/credit-rules'),
  'PUT /settings/credit-rules': {
    may: 'settings.manage',
    success: 200,
    cases: ['in'],
    call: async (w) => {
      const current = (await w.admin.get('/settings/credit-rules')).body;
      return {
        path: '/settings/credit-rules',
        body: { rules: current.rules, version: current.version },
        witness: async () => (await w.admin.get('/settings/credit-rules')).body.version,
      };
    },
  },
};

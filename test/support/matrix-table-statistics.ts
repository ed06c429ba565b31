import type { Role } from '@gridsafe/core';
import type { Entry } from './matrix-rules.ts';
import { listQuery } from './matrix-table-county.ts';

/**
 * The permission matrix's rows for the statistics reported upward: read like a list, within the area core's
 * listScope gives each person (a department officer names its department, everyone else a grid); a unit's people
 * have no statistics, since the ledger keeps none per unit.
 */
export const STATISTICS_TABLE: Record<string, Entry> = {
  'GET /statistics': {
    may: 'stats.read',
    success: 200,
    call: async (w, role: Role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return {
        ...query,
        path: `/statistics${query.path}`,
        verdict: (principal) => (principal.role === 'unit_user' ? 403 : 200),
      };
    },
  },
};

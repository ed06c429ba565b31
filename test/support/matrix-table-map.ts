import type { Role } from '@gridsafe/core';
import type { Entry } from './matrix-rules.ts';
import { listQuery } from './matrix-table-county.ts';

/**
 * The permission matrix's rows for the map's feed and its snapshot: read like the risk-point register (the same capability, the
 * same area from core's listScope), answering positions instead of summaries. Units are asked for in
 * test/integration/map.test.ts; every role that reads risk points reads units as well.
 */
export const MAP_TABLE: Record<string, Entry> = {
  'GET /map/points': {
    may: 'riskPoint.read',
    success: 200,
    call: async (w, role: Role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      const separator = query.path ? '&' : '?';
      return { ...query, path: `/map/points${query.path}${separator}kind=risk-point` };
    },
  },
  // The whole map in one answer (the county's map snapshot): read like the feed, in the same area.
  'GET /map/positions': {
    may: 'riskPoint.read',
    success: 200,
    call: async (w, role: Role, c) => {
      const query = await listQuery(w, role, c, { department: true });
      return { ...query, path: `/map/positions${query.path}` };
    },
  },
};

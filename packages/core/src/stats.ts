/**
 * The counters kept per grid node, updated in the same transaction as the change they count, for the node
 * and every ancestor. Dashboards read them and never count records, so a county's figures always add up.
 */
export const COUNTERS = [
  'units',
  'rp_red',
  'rp_orange',
  'rp_yellow',
  'rp_blue',
  'rp_ungraded',
  'rp_draft',
  'rp_submitted',
  'rp_township_approved',
  'rp_filed',
  'hz_open',
  'hz_overdue',
  'hz_village',
  'hz_township',
  'hz_county',
  'hz_closed',
  /** Enforcement inspections recorded here, and those of them whose order awaits its follow-up (inspection.ts). */
  'insp_done',
  'insp_ordered',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type CounterDeltas = Partial<Record<Counter, number>>;
export type Counters = Record<Counter, number>;

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((name) => [name, 0])) as Counters;
}

export function addCounters(into: Counters, add: Partial<Record<string, unknown>>, sign = 1): Counters {
  for (const name of COUNTERS) {
    const value = add[name];
    if (typeof value === 'number') into[name] += sign * value;
  }
  return into;
}

/** The public shape of `/grids/{id}/stats`, fixed by the API contract. */
export interface GridStats {
  gridId: string;
  units: number;
  riskPoints: {
    red: number;
    orange: number;
    yellow: number;
    blue: number;
    ungraded: number;
    total: number;
    byStatus: { draft: number; submitted: number; township_approved: number; filed: number };
  };
  hazards: {
    open: number;
    overdue: number;
    closed: number;
    byLevel: { village: number; township: number; county: number };
  };
  /** Enforcement inspections recorded in the subtree, and those whose order awaits its follow-up. */
  inspections: { done: number; awaitingFollowUp: number };
}

export function toGridStats(gridId: string, c: Counters): GridStats {
  return {
    gridId,
    units: c.units,
    riskPoints: {
      red: c.rp_red,
      orange: c.rp_orange,
      yellow: c.rp_yellow,
      blue: c.rp_blue,
      ungraded: c.rp_ungraded,
      total: c.rp_red + c.rp_orange + c.rp_yellow + c.rp_blue + c.rp_ungraded,
      byStatus: {
        draft: c.rp_draft,
        submitted: c.rp_submitted,
        township_approved: c.rp_township_approved,
        filed: c.rp_filed,
      },
    },
    hazards: {
      open: c.hz_open,
      overdue: c.hz_overdue,
      closed: c.hz_closed,
      byLevel: { village: c.hz_village, township: c.hz_township, county: c.hz_county },
    },
    inspections: { done: c.insp_done, awaitingFollowUp: c.insp_ordered },
  };
}

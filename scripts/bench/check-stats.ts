import { addCounters, emptyCounters, type GridStats, toGridStats } from '@gridsafe/core';
import type { SeededCounty } from './seed-synthetic.ts';

export interface StatsCheck {
  tenant: string;
  checked: { county: number; township: number; village: number };
  /** One line per grid whose stats, read through the API, differ from what was seeded. */
  mismatches: string[];
}

/**
 * Reads `/grids/{id}/stats` through the API for the county, every township and a sample of villages, and
 * compares each answer with the totals the seed counted from its own records. Whichever way the county was
 * seeded, the counters must add up to exactly what is in it.
 */
export async function checkSeededStats(
  url: string,
  token: string,
  county: SeededCounty,
): Promise<StatsCheck> {
  const check: StatsCheck = {
    tenant: county.tenant,
    checked: { county: 0, township: 0, village: 0 },
    mismatches: [],
  };
  const grids = county.expectedStats ?? [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(8, grids.length) }, async () => {
      while (next < grids.length) {
        const grid = grids[next++]!;
        const response = await fetch(`${url}/t/${county.tenant}/api/v1/grids/${grid.gridId}/stats`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!response.ok) {
          check.mismatches.push(`${grid.level} ${grid.gridId}: stats answered ${response.status}`);
          continue;
        }
        const actual = (await response.json()) as GridStats;
        const wanted = toGridStats(grid.gridId, addCounters(emptyCounters(), grid.counters));
        if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
          check.mismatches.push(
            `${grid.level} ${grid.gridId}: API ${JSON.stringify(actual)}, seeded ${JSON.stringify(wanted)}`,
          );
        }
        check.checked[grid.level] += 1;
      }
    }),
  );
  return check;
}

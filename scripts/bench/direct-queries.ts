import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RiskPointRepository, readGridCounters, TenantStore, UnitRepository } from '@gridsafe/db';
import { percentile } from './load.ts';
import { markdownTable } from './report.ts';
import type { SeededCounty } from './seed-synthetic.ts';

export interface DirectQueryTimes {
  scale: number;
  riskPoints: number;
  /** Median ms of one call, sent alone (one in flight), by access pattern. */
  medians: Record<string, number>;
}

/**
 * The access patterns behind the stats and list endpoints, sent straight to DynamoDB Local one at a time with
 * the product's repositories, alternating between the counties so that drift on a shared machine hits every
 * scale alike. Separates "DynamoDB Local gets slower with more data" from "the API does".
 */
export async function timeDirectQueries(
  client: DynamoDBDocumentClient,
  tableName: string,
  counties: SeededCounty[],
  rounds: number,
): Promise<DirectQueryTimes[]> {
  const samples = counties.map(() => new Map<string, number[]>());
  const time = async (i: number, what: string, call: () => Promise<unknown>) => {
    const t0 = performance.now();
    await call();
    const list = samples[i]!.get(what) ?? [];
    list.push(performance.now() - t0);
    samples[i]!.set(what, list);
  };
  for (let round = 0; round < rounds; round++) {
    for (const [i, county] of counties.entries()) {
      const store = new TenantStore(client, tableName, county.tenant);
      const township = county.townshipIds[round % county.townshipIds.length]!;
      const townshipPath = `${county.countyId}/${township}`;
      await time(i, 'Query county counters (8 shards)', () => readGridCounters(store, county.countyId));
      await time(i, 'Query township counters (4 shards)', () => readGridCounters(store, township));
      await time(i, 'Query red points in a township (50)', () =>
        new RiskPointRepository(store).list({ withinPath: townshipPath, color: 'red' }, { limit: 50 }),
      );
      await time(i, 'Query units in a township (50)', () =>
        new UnitRepository(store).list({ withinPath: townshipPath }, { limit: 50 }),
      );
    }
  }
  return counties.map((county, i) => ({
    scale: county.scale,
    riskPoints: county.shape.riskPoints,
    medians: Object.fromEntries(
      [...samples[i]!.entries()].map(([what, values]) => [what, percentile(values, 50)]),
    ),
  }));
}

export function formatDirectQueries(times: DirectQueryTimes[]): string {
  const sorted = [...times].sort((a, b) => a.scale - b.scale);
  const smallest = sorted[0]!;
  const largest = sorted[sorted.length - 1]!;
  const header = [
    'access pattern (one call, alone)',
    ...sorted.map((t) => `median ms @ ${t.scale} (${t.riskPoints.toLocaleString('en')} points)`),
    'largest / smallest',
  ];
  const lines = Object.keys(smallest.medians).map((what) => [
    what,
    ...sorted.map((t) => (t.medians[what] ?? Number.NaN).toFixed(1)),
    `${((largest.medians[what] ?? Number.NaN) / (smallest.medians[what] ?? Number.NaN)).toFixed(2)}×`,
  ]);
  return markdownTable(header, lines);
}

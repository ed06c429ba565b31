import {
  dayBefore,
  ForbiddenError,
  type GridNode,
  NotFoundError,
  type StatisticsFigures,
  statisticsFigures,
  statisticsParagraph,
  statisticsPeriod,
} from '@gridsafe/core';
import { type LedgerKey, ledgerExactFrom, readLedgerTotals } from '@gridsafe/db';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope } from '../county-data.ts';

/** Ledger partitions read at once: a township of 40 villages is 40 rows of two or three small Queries each. */
const READS_IN_FLIGHT = 16;

interface StatisticsQuery {
  grid?: string;
  department?: string;
  from?: string;
  to?: string;
  by?: 'grid' | 'department';
}

/**
 * The statistics of the place the caller may read (core's listScope decides it: the named grid or department, or
 * the caller's own area) for the period, with a row per child grid or per department. Every figure comes from
 * the ledger, read at the end of `to` and at the end of the day before `from`.
 */
export async function statisticsAnswer(c: Context<AppEnv>, query: StatisticsQuery) {
  const now = c.get('deps').clock.now();
  const { from, to } = statisticsPeriod(query, now);
  const scope = await readScope(c, { grid: query.grid, department: query.department });
  if (scope.kind === 'unit') {
    throw new ForbiddenError('Statistics are kept per grid and department, not per unit.');
  }
  const { store, grids, departments } = countyData(c);
  const node = scope.path === '' ? await countyRoot(c) : await grids.get(scope.path.split('/').at(-1) ?? '');
  if (!node) throw new NotFoundError('grid');
  const departmentId = scope.kind === 'county' ? undefined : scope.departmentId;
  const allDepartments = await departments.list();
  const department = departmentId ? allDepartments.find((d) => d.id === departmentId) : undefined;
  if (departmentId && !department) throw new NotFoundError('department');
  const by = query.by ?? 'grid';
  const depth = node.path.split('/').length - 1;

  const rowPlaces: { kind: 'grid' | 'department'; id: string; name: string; key: LedgerKey }[] =
    by === 'department'
      ? (department ? [department] : allDepartments).map((d) => ({
          kind: 'department',
          id: d.id,
          name: d.name,
          key: { gridId: node.id, depth, departmentId: d.id },
        }))
      : (await childrenOf(c, node)).map((child) => ({
          kind: 'grid',
          id: child.id,
          name: child.name,
          key: { gridId: child.id, depth: depth + 1, ...(departmentId ? { departmentId } : {}) },
        }));
  const days = [to, dayBefore(from)];
  const keys: LedgerKey[] = [
    { gridId: node.id, depth, ...(departmentId ? { departmentId } : {}) },
    ...rowPlaces.map((row) => row.key),
  ];
  const [figures, exactFrom] = await Promise.all([
    inBatches(keys, READS_IN_FLIGHT, async (key): Promise<StatisticsFigures> => {
      const [atEnd, beforeStart] = await readLedgerTotals(store, key, days);
      return statisticsFigures(atEnd!, beforeStart!);
    }),
    ledgerExactFrom(store),
  ]);
  const [whole, ...rows] = figures;
  return {
    from,
    to,
    grid: { id: node.id, name: node.name, level: node.level },
    ...(department ? { department: { id: department.id, name: department.name } } : {}),
    by,
    ...(exactFrom ? { exactFrom } : {}),
    ...whole!,
    summary: statisticsParagraph(whole!),
    rows: rowPlaces.map((row, index) => ({
      kind: row.kind,
      id: row.id,
      name: row.name,
      ...rows[index]!,
    })),
  };
}

async function countyRoot(c: Context<AppEnv>): Promise<GridNode | undefined> {
  const page = await countyData(c).grids.listByLevel('county', undefined, { limit: 1 });
  return page.items[0];
}

async function childrenOf(c: Context<AppEnv>, node: GridNode): Promise<GridNode[]> {
  if (node.level === 'village') return [];
  const { grids } = countyData(c);
  const children: GridNode[] = [];
  let cursor: string | undefined;
  do {
    const page = await grids.listChildren(node.id, { limit: 100, ...(cursor ? { cursor } : {}) });
    children.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return children;
}

/** Maps `items` through `read`, at most `inFlight` at a time, answering in order. */
async function inBatches<T, R>(items: T[], inFlight: number, read: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += inFlight) {
    results.push(...(await Promise.all(items.slice(start, start + inFlight).map(read))));
  }
  return results;
}

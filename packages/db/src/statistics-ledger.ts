import {
  chinaDay,
  emptyStatisticTotals,
  type RecordFigures,
  STATISTIC_NAMES,
  STATISTIC_STOCKS,
  type StatisticName,
  type StatisticTotals,
} from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The statistics ledger: how the figures a county reports upward (packages/core statistics.ts) are known for the
 * end of any past day without reading the county's records one by one. Design and costs: docs/decisions.md,
 * "Statistics at the end of a period: a dated ledger".
 *
 * Each place that statistics are asked of has a partition: every grid node, and every grid node narrowed to a
 * department (`LEDGER#<gridId>` and `LEDGER#<gridId>#DEPT#<departmentId>`). In it, each change adds its deltas to
 * the bucket of its day and the bucket of its month (`D#2026-12-05#<shard>`, `M#2026-12#<shard>`), in the same
 * transaction as the change. A total at the end of a day is then the months before that day's month plus that
 * month's days up to it: one Query for the months, one for the days, whatever the county's size.
 *
 * Shards as the grid counters': every change of a county reaches its county's buckets, so they are spread over
 * 8 items a day (a township's over 4); a read sums whatever a bucket holds. The migration writes a shard of its
 * own (`#b`), replaced whole when run again.
 */
const GRID_SHARDS = [8, 4, 1] as const;
const DEPARTMENT_SHARDS = [4, 2, 1] as const;

/** Where a record counts: its village path and its department. */
export interface LedgerPlace {
  gridPath: string;
  departmentId?: string;
}

/** One ledger partition: a grid node at a depth (0 county, 1 township, 2 village), maybe narrowed to a department. */
export interface LedgerKey {
  gridId: string;
  depth: number;
  departmentId?: string;
}

export function ledgerPartitionKey(
  store: TenantStore,
  key: Pick<LedgerKey, 'gridId' | 'departmentId'>,
): string {
  return key.departmentId
    ? store.key('LEDGER', key.gridId, 'DEPT', key.departmentId)
    : store.key('LEDGER', key.gridId);
}

/** Every partition a record at `place` counts in: each ancestor, alone and with the record's department. */
export function ledgerKeysOf(place: LedgerPlace): LedgerKey[] {
  return place.gridPath
    .split('/')
    .flatMap((gridId, depth) => [
      { gridId, depth },
      ...(place.departmentId ? [{ gridId, depth, departmentId: place.departmentId }] : []),
    ]);
}

/** A record as the ledger sees it: where it counts and what it counts. */
export interface LedgerRecord {
  place: LedgerPlace;
  figures: RecordFigures;
}

/**
 * The ledger updates of one transaction. Changes are merged per partition and bucket before they become items,
 * so a transaction that creates several records (a patrol's hazards) never names one item twice.
 */
export class LedgerBatch {
  private readonly buckets = new Map<
    string,
    { key: LedgerKey; bucket: string; deltas: Record<string, number> }
  >();
  private readonly today: string;

  constructor(
    private readonly store: TenantStore,
    now: Date,
  ) {
    this.today = chinaDay(now);
  }

  /**
   * A record's change from `before` (absent when it is created) to `after`. Stocks leave the old place and
   * arrive at the new one today; flows stay where they happened: only their difference is counted, at the
   * record's place now (a hazard rectified after its unit moved counts where it was rectified).
   */
  change(before: LedgerRecord | undefined, after: LedgerRecord): this {
    if (before) {
      for (const [name, value] of Object.entries(before.figures.stocks))
        this.add(before.place, name as StatisticName, this.today, -(value ?? 0));
    }
    for (const [name, value] of Object.entries(after.figures.stocks))
      this.add(after.place, name as StatisticName, this.today, value ?? 0);
    for (const flow of before?.figures.flows ?? [])
      this.add(after.place, flow.name, flow.day ?? this.today, -1);
    for (const flow of after.figures.flows) this.add(after.place, flow.name, flow.day ?? this.today, 1);
    return this;
  }

  /** Adds `value` of `name` on `day` in every partition of `place`. */
  add(place: LedgerPlace, name: StatisticName, day: string, value: number): this {
    for (const key of ledgerKeysOf(place)) this.addTo(key, name, day, value);
    return this;
  }

  /** Adds `value` of `name` on `day` in one partition (its day and its month). */
  addTo(key: LedgerKey, name: StatisticName, day: string, value: number): this {
    for (const bucket of [`D#${day}`, `M#${day.slice(0, 7)}`]) {
      const id = `${key.gridId}|${key.departmentId ?? ''}|${bucket}`;
      const entry = this.buckets.get(id) ?? { key, bucket, deltas: {} };
      entry.deltas[name] = (entry.deltas[name] ?? 0) + value;
      this.buckets.set(id, entry);
    }
    return this;
  }

  /**
   * The buckets as whole items on one named shard (the migration's `b`): written with Put, so writing them again
   * replaces rather than adds. Root partitions last: their presence says the whole ledger was written.
   */
  puts(shard: string): TransactItem[] {
    const entries = [...this.buckets.values()].sort((a, b) => b.key.depth - a.key.depth);
    return entries.map(({ key, bucket, deltas }) => ({
      Put: {
        TableName: this.store.tableName,
        Item: {
          pk: ledgerPartitionKey(this.store, key),
          sk: `${bucket}#${shard}`,
          type: 'LedgerBucket',
          ...deltas,
        },
      },
    }));
  }

  /** The ADDs, one per partition and bucket that changed, each on a shard drawn at random. */
  items(): TransactItem[] {
    const items: TransactItem[] = [];
    for (const { key, bucket, deltas } of this.buckets.values()) {
      const entries = Object.entries(deltas).filter(([, value]) => value !== 0);
      if (entries.length === 0) continue;
      const shards = (key.departmentId ? DEPARTMENT_SHARDS : GRID_SHARDS)[key.depth] ?? 1;
      items.push({
        Update: {
          TableName: this.store.tableName,
          Key: {
            pk: ledgerPartitionKey(this.store, key),
            sk: `${bucket}#${Math.floor(Math.random() * shards)}`,
          },
          UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
        },
      });
    }
    return items;
  }
}

/** A record's change as one transaction's ledger items (for the repositories that write one record). */
export function ledgerChange(
  store: TenantStore,
  now: Date,
  before: LedgerRecord | undefined,
  after: LedgerRecord,
): TransactItem[] {
  return new LedgerBatch(store, now).change(before, after).items();
}

/**
 * readLedgerTotals: the totals of one partition at the end of each of `days`. Reads one Query of the months
 * before the latest day's month and one Query of the days of each month named: at most three Queries of small
 * items (a county partition holds 8 items a month), however many records the place holds.
 */
export async function readLedgerTotals(
  store: TenantStore,
  key: Pick<LedgerKey, 'gridId' | 'departmentId'>,
  days: string[],
): Promise<StatisticTotals[]> {
  const pk = ledgerPartitionKey(store, key);
  const months = [...new Set(days.map((day) => day.slice(0, 7)))].sort();
  const lastMonth = months.at(-1) ?? '';
  const [monthItems, ...dayItems] = await Promise.all([
    // 'M#' sorts before every month, 'M#<month>' before that month's shards: exactly the months before it.
    store.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': pk, ':from': 'M#', ':to': `M#${lastMonth}` },
    }),
    ...months.map((month) =>
      store.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': `D#${month}-01`, ':to': `D#${month}-31~` },
      }),
    ),
  ]);
  const buckets = [...(monthItems ?? []), ...dayItems.flat()].map((item) => {
    const [kind, period] = String(item.sk).split('#');
    return { kind, period: period ?? '', item };
  });
  return days.map((day) => {
    const totals = emptyStatisticTotals();
    const month = day.slice(0, 7);
    for (const { kind, period, item } of buckets) {
      const counts =
        (kind === 'M' && period < month) || (kind === 'D' && period.startsWith(month) && period <= day);
      if (!counts) continue;
      for (const name of STATISTIC_NAMES) {
        const value = item[name];
        if (typeof value === 'number') totals[name] += value;
      }
    }
    return totals;
  });
}

/**
 * A village moving to another township takes its stocks along from today: its own partitions keep their history,
 * and the two townships' partitions (alone and per department) exchange what the village holds now. Flows stay
 * with the township where they happened. `departments`: every department of the county (each may have records
 * in the village). Answers the updates for the move's transaction.
 */
export async function ledgerVillageMove(
  store: TenantStore,
  villageId: string,
  fromTownshipId: string,
  toTownshipId: string,
  departments: readonly string[],
  now: Date,
): Promise<TransactItem[]> {
  const today = chinaDay(now);
  const batch = new LedgerBatch(store, now);
  const partitions = [undefined, ...departments];
  const held = await Promise.all(
    partitions.map((departmentId) =>
      readLedgerTotals(store, { gridId: villageId, ...(departmentId ? { departmentId } : {}) }, [today]),
    ),
  );
  for (const [index, departmentId] of partitions.entries()) {
    const totals = held[index]?.[0];
    for (const name of STATISTIC_STOCKS) {
      const value = totals?.[name] ?? 0;
      if (value === 0) continue;
      batch.addTo(
        { gridId: fromTownshipId, depth: 1, ...(departmentId ? { departmentId } : {}) },
        name,
        today,
        -value,
      );
      batch.addTo(
        { gridId: toTownshipId, depth: 1, ...(departmentId ? { departmentId } : {}) },
        name,
        today,
        value,
      );
    }
  }
  return batch.items();
}

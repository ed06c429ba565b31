import { type Color, ConflictError, type CreditLevel, type RiskPointStatus } from '@gridsafe/core';
import { MAP_PARTITIONS } from './entities.ts';
import type { StoredItem, TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The county map's snapshot (docs/decisions.md, "The map at a county's size"): every position the map draws,
 * kept as a few items of compact JSON in one partition, MAPSNAP, beside the change counters that say whether it
 * is still current. The map reads it with one Query (about 1 MB for Taihe's 11,000 places) instead of reading
 * every record's item, which on DynamoDB Local alone costs seconds.
 *
 * - `EPOCH#<n>`: 8 change counters. Every transaction that writes a unit, a risk point or a credit rating adds
 *   one to one of them, in the same transaction (TenantStore.transact), so no change commits uncounted; only a
 *   transaction already at DynamoDB's 100 items counts itself right after it commits. Eight, so that writes in
 *   parallel (an import's batches) seldom meet on one.
 * - `META`: the counters the snapshot was built at, when, and how many chunks it has.
 * - `CHUNK#<n>`: the snapshot's JSON, cut at 350,000 characters (an item holds 400 KB).
 *
 * A read whose counters differ from META's rebuilds it from the narrow `map` index and writes it back in one
 * transaction (META and every chunk: a reader never sees half of one). `map` is a GSI, read eventually
 * consistently: a snapshot built within GSI_LAG_MS of the last change is answered but not trusted afterwards.
 */
const SNAPSHOT = 'MAPSNAP';
const EPOCH_SHARDS = 8;
const CHUNK_CHARS = 350_000;
/** A transaction carries at most 4 MB; a county whose snapshot would not fit reads its map from `map` each time. */
const MAX_SNAPSHOT_CHARS = 3_500_000;
/** How long a GSI may lag behind its table, with a wide margin (it is usually well under a second). */
const GSI_LAG_MS = 5_000;
/** The records the map draws, by the start of their table key (after the county prefix). */
const MAP_RECORD_KEYS = ['UNIT#', 'RP#', 'CREDIT#'];

/** A unit: id, latitude, longitude, index into `paths`, industry, index into `departments` (-1: none), credit level ('': none). */
export type SnapshotUnit = [string, number, number, number, string, number, CreditLevel | ''];
/** A risk point: id, latitude, longitude, path, industry, department (as a unit's), colour, status, unit id ('': none). */
export type SnapshotRiskPoint = [
  string,
  number,
  number,
  number,
  string,
  number,
  Color,
  RiskPointStatus,
  string,
];

export interface MapSnapshotData {
  paths: string[];
  departments: string[];
  units: SnapshotUnit[];
  riskPoints: SnapshotRiskPoint[];
}

/** Where the map looks and what it narrows to: core's list scope (`scopeFilter`) and the map's own filters. */
export interface MapPlaceFilter {
  withinPath: string;
  departmentId?: string;
  industry?: string;
  /** A unit's people: the units they hold. */
  ownUnits?: readonly string[];
  /** A unit's people: the risk points of their unit. */
  unitId?: string;
  color?: string;
  status?: string;
}

/** What the map draws: `[id, lat, lng, credit level | null]` and `[id, lat, lng, colour, status]`. */
export interface MapPlaces {
  units: [string, number, number, CreditLevel | null][];
  riskPoints: [string, number, number, Color, RiskPointStatus][];
}

/**
 * The counter update a write of items under these partition keys needs (none for a write of no unit, risk point or
 * credit rating): one counter, picked at random, so two transactions at once (an import's batches) meet on the
 * same item one time in eight and one of them is tried again, instead of every time.
 */
export function mapEpochUpdate(store: TenantStore, written: readonly unknown[], now: number): TransactItem[] {
  if (!written.some((pk) => typeof pk === 'string' && isMapRecordKey(store, pk))) return [];
  return [
    {
      Update: {
        TableName: store.tableName,
        Key: { pk: store.key(SNAPSHOT), sk: `EPOCH#${Math.floor(Math.random() * EPOCH_SHARDS)}` },
        UpdateExpression: 'ADD #changes :one SET #changedAt = :now',
        ExpressionAttributeNames: { '#changes': 'changes', '#changedAt': 'changedAt' },
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      },
    },
  ];
}

/** The partition key a transaction's item writes (a condition check writes none). */
export function writtenKey(item: TransactItem): unknown {
  return item.Put?.Item?.pk ?? item.Update?.Key?.pk ?? item.Delete?.Key?.pk;
}

function isMapRecordKey(store: TenantStore, pk: string): boolean {
  return MAP_RECORD_KEYS.some((name) => pk.startsWith(store.key(name)));
}

export class MapSnapshot {
  constructor(
    private readonly store: TenantStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** readMapSnapshot: Query MAPSNAP (consistent), and when it is not current, the rebuild from `map`. */
  async read(): Promise<MapSnapshotData> {
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.store.key(SNAPSHOT) },
      ConsistentRead: true,
    });
    const epochs: Record<string, number> = {};
    let lastChange = 0;
    const chunks: string[] = [];
    let meta: StoredItem | undefined;
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('EPOCH#')) {
        epochs[sk] = Number(item.changes);
        lastChange = Math.max(lastChange, Number(item.changedAt));
      } else if (sk === 'META') meta = item;
      else if (sk.startsWith('CHUNK#')) chunks[Number(sk.slice('CHUNK#'.length))] = String(item.data);
    }
    const current =
      meta !== undefined &&
      sameCounts(meta.epochs as Record<string, number>, epochs) &&
      Number(meta.builtAt) - lastChange >= GSI_LAG_MS &&
      chunks.length === Number(meta.chunks) &&
      chunks.every((chunk) => chunk !== undefined);
    if (current) return JSON.parse(chunks.join('')) as MapSnapshotData;
    return this.rebuild(epochs, Number(meta?.chunks ?? 0));
  }

  /** Every position from the narrow `map` index (three partitions read side by side), written back as the snapshot. */
  private async rebuild(epochs: Record<string, number>, chunksBefore: number): Promise<MapSnapshotData> {
    const builtAt = this.now();
    const partition = (name: string) =>
      this.store.queryAll({
        IndexName: 'map',
        KeyConditionExpression: 'mappk = :pk',
        ExpressionAttributeValues: { ':pk': this.store.key(name) },
      });
    const [units, points, credits] = await Promise.all([
      partition(MAP_PARTITIONS.units),
      partition(MAP_PARTITIONS.riskPoints),
      partition(MAP_PARTITIONS.credits),
    ]);
    const data = compose(units, points, credits);
    const text = JSON.stringify(data);
    if (text.length <= MAX_SNAPSHOT_CHARS) {
      const count = Math.ceil(text.length / CHUNK_CHARS);
      const key = (sk: string) => ({ pk: this.store.key(SNAPSHOT), sk });
      const writes: TransactItem[] = [
        {
          Put: {
            TableName: this.store.tableName,
            Item: { ...key('META'), type: 'MapSnapshot', epochs, builtAt, chunks: count },
            // Two readers rebuilding at once: the later build stands, whichever writes last.
            ConditionExpression: 'attribute_not_exists(pk) OR builtAt < :builtAt',
            ExpressionAttributeValues: { ':builtAt': builtAt },
          },
        },
        ...Array.from({ length: count }, (_, n) => ({
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...key(`CHUNK#${n}`),
              type: 'MapSnapshotChunk',
              data: text.slice(n * CHUNK_CHARS, (n + 1) * CHUNK_CHARS),
            },
          },
        })),
        ...Array.from({ length: Math.max(0, chunksBefore - count) }, (_, n) => ({
          Delete: { TableName: this.store.tableName, Key: key(`CHUNK#${count + n}`) },
        })),
      ];
      try {
        await this.store.transact(writes, 'map snapshot');
      } catch (error) {
        // Another reader wrote a later build meanwhile (or wrote at the same time): theirs stands, this answer holds.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    return data;
  }
}

function sameCounts(a: Record<string, number> | undefined, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b)]);
  return [...keys].every((key) => (a?.[key] ?? 0) === (b[key] ?? 0));
}

/** `<gridPath>#<id>` (the index's sort key) less its id. */
const pathOf = (item: StoredItem) => {
  const sortKey = String(item.mapsk);
  return sortKey.slice(0, sortKey.lastIndexOf('#'));
};

function compose(units: StoredItem[], points: StoredItem[], credits: StoredItem[]): MapSnapshotData {
  const paths: string[] = [];
  const pathIndex = new Map<string, number>();
  const departments: string[] = [];
  const departmentIndex = new Map<string, number>();
  const indexOf = (value: string, list: string[], index: Map<string, number>) => {
    let found = index.get(value);
    if (found === undefined) {
      found = list.push(value) - 1;
      index.set(value, found);
    }
    return found;
  };
  const place = (item: StoredItem) => {
    const location = item.location as { lat: number; lng: number };
    return [
      String(item.id),
      location.lat,
      location.lng,
      indexOf(pathOf(item), paths, pathIndex),
      String(item.industry ?? ''),
      item.departmentId ? indexOf(String(item.departmentId), departments, departmentIndex) : -1,
    ] as const;
  };
  const levels = new Map(credits.map((credit) => [String(credit.unitId), credit.level as CreditLevel]));
  return {
    paths,
    departments,
    units: units.map((unit) => [...place(unit), levels.get(String(unit.id)) ?? '']),
    riskPoints: points.map((point) => [
      ...place(point),
      point.color as Color,
      point.status as RiskPointStatus,
      String(point.unitId ?? ''),
    ]),
  };
}

/** The snapshot's places in the caller's area and the map's filters, in the answer's compact shape. */
export function mapPlaces(data: MapSnapshotData, filter: MapPlaceFilter): MapPlaces {
  const inPlace = (row: SnapshotUnit | SnapshotRiskPoint) =>
    data.paths[row[3]]!.startsWith(filter.withinPath) &&
    (!filter.industry || row[4] === filter.industry) &&
    (!filter.departmentId || (row[5] >= 0 && data.departments[row[5]] === filter.departmentId));
  const ownUnits = filter.ownUnits ? new Set(filter.ownUnits) : undefined;
  return {
    units: data.units
      .filter((unit) => inPlace(unit) && (!ownUnits || ownUnits.has(unit[0])))
      .map(([id, lat, lng, , , , credit]) => [id, lat, lng, credit || null]),
    riskPoints: data.riskPoints
      .filter(
        (point) =>
          inPlace(point) &&
          (!filter.unitId || point[8] === filter.unitId) &&
          (!filter.color || point[6] === filter.color) &&
          (!filter.status || point[7] === filter.status),
      )
      .map(([id, lat, lng, , , , color, status]) => [id, lat, lng, color, status]),
  };
}

import { type Color, ConflictError, type CreditLevel, type RiskPointStatus } from '@gridsafe/core';
import { gridEntity, MAP_PARTITIONS } from './entities.ts';
import { sortKeyRange } from './keys.ts';
import { EVERY_NODE, SNAPSHOT } from './map-changes.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';

/**
 * The county map's snapshot (docs/decisions.md, "The map at a county's size"): every position the map draws, kept
 * per grid node as one item of compact JSON in one partition, MAPSNAP (`NODE#<gridPath>`: the units, risk points
 * and credit levels placed at that node itself), with the change counter that says whether it is still current.
 * The map reads its area's items with one Query (about 1 MB for Taihe's 11,000 places) and the area's grid paths
 * with another, instead of every record's item, which on DynamoDB Local alone costs seconds.
 *
 * - Every transaction that writes a unit, a risk point or a credit rating adds one to `changes` on the item of
 *   each node it writes records at (their `gridPath`), in the same transaction (TenantStore.transact), so no
 *   change commits uncounted. A write that does not name its records' node (a delete, an update without the path)
 *   counts on `ALL`, which makes every node stale. A transaction already at DynamoDB's 100 items counts itself
 *   right after it commits.
 * - A read rebuilds only the nodes whose counter moved since their build, from the narrow `map` index (three
 *   Queries of the node's own sort-key range), and writes each back under the counter it saw.
 * - A record that moved is in its new node's build and, until the old node is built again, in the old one's too:
 *   the entry with the higher `version` is the record as it is now.
 * - `map` is a GSI, read eventually consistently: a node built within GSI_LAG_MS of its last change is answered
 *   but built again at the next read after that.
 * - The county's scheduled sweep, and locally the stack's start and `npm run migrate`, build the stale nodes ahead
 *   of the first reader (refreshStale), so opening the map after a seed, a migration or the sweep's own changes
 *   reads snapshots only; a read still builds whatever is stale when it reads.
 */
/** How long a GSI may lag behind its table, with a wide margin (it is usually well under a second). */
const GSI_LAG_MS = 5_000;
/** Nodes rebuilt at once: enough to hide latency, far under the table's capacity. */
const IN_FLIGHT = 8;
/**
 * Nodes one run of the county's sweep builds at most: all of Taihe's 347 at once (~0.5 s in AWS, ~10 s on DynamoDB
 * Local), a Nanjing-sized tree over a few runs, each well inside the sweep function's 2 minutes.
 */
export const MAP_NODES_PER_SWEEP = 500;

/** A unit: id, latitude, longitude, version, industry, department id ('': none), credit level ('': none). */
export type SnapshotUnit = [string, number, number, number, string, string, CreditLevel | ''];
/** A risk point: id, latitude, longitude, version, industry, department id, colour, status, unit id ('': none). */
export type SnapshotRiskPoint = [
  string,
  number,
  number,
  number,
  string,
  string,
  Color,
  RiskPointStatus,
  string,
];

/** One node's places. */
export interface NodeSnapshot {
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

/** What a sweep's refreshStale did: the county's nodes, those it found stale, and those it built. */
export interface MapRefresh {
  nodes: number;
  stale: number;
  rebuilt: number;
}

/** What the map draws: `[id, lat, lng, credit level | null]` and `[id, lat, lng, colour, status]`. */
export interface MapPlaces {
  units: [string, number, number, CreditLevel | null][];
  riskPoints: [string, number, number, Color, RiskPointStatus][];
}

export class MapSnapshot {
  constructor(
    private readonly store: TenantStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * readMapSnapshot: Query gsi1 GRIDTREE within the area (its nodes' paths) and Query MAPSNAP within it
   * (consistent) side by side, and GetItem MAPSNAP/ALL; then the stale nodes built again from `map`. A read never
   * counts on the sweep (refreshStale): whatever is stale when it reads, it builds.
   */
  async places(filter: MapPlaceFilter): Promise<MapPlaces> {
    const survey = await this.survey(filter.withinPath);
    const built = await this.rebuildAll(survey.stale, survey.stored);
    const snapshots = survey.paths.map(
      (path) => built.get(path) ?? (JSON.parse(String(survey.stored.get(path)!.places)) as NodeSnapshot),
    );
    return narrow(snapshots, filter);
  }

  /**
   * The sweep's step (the county's scheduled sweep; locally also the stack's start, after a seed or a migration):
   * builds the county's stale nodes ahead of its first reader, at most `limit` a run, so a county officer opening
   * the map reads snapshots only. A node changed within the GSI's lag is left for the next run (built now, the
   * next read would build it again), unless `settle`, which waits that lag out once when the run has room for it.
   * Reads as a map read of the whole county does (three calls), then three Queries and one write per node built.
   */
  async refreshStale(options: { limit: number; settle?: boolean }): Promise<MapRefresh> {
    let survey = await this.survey('');
    let ready = survey.stale.filter((path) => survey.settledAt(path) <= this.now());
    const settling = survey.stale.length - ready.length;
    if (options.settle && settling > 0 && ready.length < options.limit) {
      const until = Math.max(...survey.stale.map((path) => survey.settledAt(path)));
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - this.now())));
      survey = await this.survey('');
      ready = survey.stale.filter((path) => survey.settledAt(path) <= this.now());
    }
    const chosen = ready.slice(0, options.limit);
    await this.rebuildAll(chosen, survey.stored);
    return { nodes: survey.paths.length, stale: survey.stale.length, rebuilt: chosen.length };
  }

  /** The area's node paths, their stored snapshot items, and which of them are stale (and since when). */
  private async survey(withinPath: string) {
    const snapshot = this.store.key(SNAPSHOT);
    const [nodes, items, every] = await Promise.all([
      this.store.queryAll({
        ...gridEntity.query(this.store, { index: 'gsi1', within: withinPath }),
        ProjectionExpression: '#path',
        ExpressionAttributeNames: { '#path': 'path' },
      }),
      this.store.queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
        ExpressionAttributeValues: { ':pk': snapshot, ...sortKeyRange(`NODE#${withinPath}`) },
        ConsistentRead: true,
      }),
      this.store.get(snapshot, EVERY_NODE, true),
    ]);
    const stored = new Map(items.map((item) => [String(item.sk).slice('NODE#'.length), item]));
    const everyChangedAt = Number(every?.changedAt ?? 0);
    const current = (item: StoredItem | undefined) =>
      item !== undefined &&
      item.builtAt !== undefined &&
      Number(item.changes ?? 0) === Number(item.builtChanges) &&
      Number(item.builtAt) - Number(item.changedAt ?? 0) >= GSI_LAG_MS &&
      Number(item.builtAt) - everyChangedAt >= GSI_LAG_MS;
    const paths = nodes.map((node) => String(node.path));
    return {
      paths,
      stored,
      stale: paths.filter((path) => !current(stored.get(path))),
      /** When a build of the node is sure to see its last change in `map`. */
      settledAt: (path: string) =>
        Math.max(Number(stored.get(path)?.changedAt ?? 0), everyChangedAt) + GSI_LAG_MS,
    };
  }

  /** The nodes built again, IN_FLIGHT at a time. */
  private async rebuildAll(
    paths: readonly string[],
    stored: ReadonlyMap<string, StoredItem>,
  ): Promise<Map<string, NodeSnapshot>> {
    const built = new Map<string, NodeSnapshot>();
    let next = 0;
    const worker = async () => {
      for (let path = paths[next++]; path !== undefined; path = paths[next++]) {
        built.set(path, await this.rebuild(path, stored.get(path)));
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    return built;
  }

  /** One node's places from `map` (units, risk points and ratings at exactly this node), written back. */
  private async rebuild(path: string, before: StoredItem | undefined): Promise<NodeSnapshot> {
    const builtAt = this.now();
    const atNode = (name: string) =>
      this.store.queryAll({
        IndexName: 'map',
        KeyConditionExpression: 'mappk = :pk AND mapsk BETWEEN :path AND :pathEnd',
        ExpressionAttributeValues: { ':pk': this.store.key(name), ...sortKeyRange(`${path}#`) },
      });
    const [units, points, credits] = await Promise.all([
      atNode(MAP_PARTITIONS.units),
      atNode(MAP_PARTITIONS.riskPoints),
      atNode(MAP_PARTITIONS.credits),
    ]);
    const levels = new Map(credits.map((credit) => [String(credit.unitId), credit.level as CreditLevel]));
    const place = (item: StoredItem) => {
      const location = item.location as { lat: number; lng: number };
      return [
        String(item.id),
        location.lat,
        location.lng,
        Number(item.version ?? 0),
        String(item.industry ?? ''),
        String(item.departmentId ?? ''),
      ] as const;
    };
    const snapshot: NodeSnapshot = {
      units: units.map((unit) => [...place(unit), levels.get(String(unit.id)) ?? '']),
      riskPoints: points.map((point) => [
        ...place(point),
        point.color as Color,
        point.status as RiskPointStatus,
        String(point.unitId ?? ''),
      ]),
    };
    const seen = Number(before?.changes ?? 0);
    try {
      await this.store.transact(
        [
          {
            Update: {
              TableName: this.store.tableName,
              Key: { pk: this.store.key(SNAPSHOT), sk: `NODE#${path}` },
              UpdateExpression: 'SET #places = :places, #builtChanges = :seen, #builtAt = :builtAt',
              // Written under the counter it was built at: a change meanwhile leaves the node stale.
              ConditionExpression:
                seen === 0 ? 'attribute_not_exists(#changes) OR #changes = :seen' : '#changes = :seen',
              ExpressionAttributeNames: {
                '#places': 'places',
                '#builtChanges': 'builtChanges',
                '#builtAt': 'builtAt',
                '#changes': 'changes',
              },
              ExpressionAttributeValues: {
                ':places': JSON.stringify(snapshot),
                ':seen': seen,
                ':builtAt': builtAt,
              },
            },
          },
        ],
        'map snapshot',
      );
    } catch (error) {
      // Changed meanwhile: the next read builds it again; this answer holds what was there when it was read.
      if (!(error instanceof ConflictError)) throw error;
    }
    return snapshot;
  }
}

/** The area's places in the map's filters, each record once (its newest version), in the answer's shape. */
function narrow(snapshots: NodeSnapshot[], filter: MapPlaceFilter): MapPlaces {
  const newest = <T extends SnapshotUnit | SnapshotRiskPoint>(rows: T[]) => {
    const byId = new Map<string, T>();
    for (const row of rows) {
      const held = byId.get(row[0]);
      if (!held || held[3] < row[3]) byId.set(row[0], row);
    }
    return [...byId.values()];
  };
  const inPlace = (row: SnapshotUnit | SnapshotRiskPoint) =>
    (!filter.industry || row[4] === filter.industry) &&
    (!filter.departmentId || row[5] === filter.departmentId);
  const ownUnits = filter.ownUnits ? new Set(filter.ownUnits) : undefined;
  return {
    units: newest(snapshots.flatMap((node) => node.units))
      .filter((unit) => inPlace(unit) && (!ownUnits || ownUnits.has(unit[0])))
      .map(([id, lat, lng, , , , credit]) => [id, lat, lng, credit || null]),
    riskPoints: newest(snapshots.flatMap((node) => node.riskPoints))
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

import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The map snapshot's change counters (map-snapshot.ts explains the snapshot): what every write of a unit, a risk
 * point or a credit rating adds to its transaction. Apart from the snapshot's reader, which only the map's route
 * loads, so the API's cold start carries only this.
 */
export const SNAPSHOT = 'MAPSNAP';
export const EVERY_NODE = 'ALL';
/** The records the map draws, by their key: pk `<name>#<id>`, sk `<name>` (a rating's history entries are not). */
const MAP_RECORDS = ['UNIT', 'RP', 'CREDIT'];

/**
 * The counter updates a write of these items needs: one per node its units, risk points and credit ratings are
 * placed at, or one on ALL for a write that does not say where (none for a write of no such record).
 */
export function mapChangeUpdates(
  store: TenantStore,
  items: readonly TransactItem[],
  now: number,
): TransactItem[] {
  const nodes = new Set<string>();
  // A node the transaction already counts (a move's old node: mapNodeChange) is counted once.
  const counted = new Set(
    items.flatMap((item) =>
      item.Update?.Key?.pk === store.key(SNAPSHOT) ? [String(item.Update.Key.sk)] : [],
    ),
  );
  for (const item of items) {
    const key = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key;
    const pk = key?.pk;
    if (
      typeof pk !== 'string' ||
      !MAP_RECORDS.some((name) => key?.sk === name && pk.startsWith(store.key(name, '')))
    )
      continue;
    // A Put names its node; a path rewrite (a move) names the new one as :gridPath, the old node keeping an
    // older version of the record that the newer one outranks.
    const path = item.Put?.Item?.gridPath ?? item.Update?.ExpressionAttributeValues?.[':gridPath'];
    nodes.add(typeof path === 'string' ? `NODE#${path}` : EVERY_NODE);
  }
  return [...nodes].filter((sk) => !counted.has(sk)).map((sk) => changeCount(store, sk, now));
}

/**
 * The counter update of the node a record leaves (a unit's move): the transaction names only where its records go,
 * so the old node, which still draws them, is counted by the move itself.
 */
export function mapNodeChange(store: TenantStore, gridPath: string, now: number): TransactItem {
  return changeCount(store, `NODE#${gridPath}`, now);
}

function changeCount(store: TenantStore, sk: string, now: number): TransactItem {
  return {
    Update: {
      TableName: store.tableName,
      Key: { pk: store.key(SNAPSHOT), sk },
      UpdateExpression: 'ADD #changes :one SET #changedAt = :now',
      ExpressionAttributeNames: { '#changes': 'changes', '#changedAt': 'changedAt' },
      ExpressionAttributeValues: { ':one': 1, ':now': now },
    },
  };
}

import { addCounters, type CounterDeltas, type Counters, emptyCounters } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * Counter shards per node level. Every change in a county touches the county's counters, so concurrent
 * transactions would conflict on one item; spreading the county over 8 items (and a township over 4) lets
 * them proceed, and a read sums the shards with one Query. Villages see little concurrency: one item.
 */
export const STATS_SHARDS = [8, 4, 1] as const;

export function statsPartitionKey(store: TenantStore, gridId: string): string {
  return store.key('STATS', gridId);
}

/**
 * The counter updates for a change at `gridPath` (a village path): one ADD per ancestor, each on a random
 * shard. `rev` counts updates so a village move can detect a change that slipped in after it read the totals.
 */
export function counterUpdates(
  store: TenantStore,
  gridPath: string,
  deltas: CounterDeltas,
  sign = 1,
): TransactItem[] {
  return gridPath
    .split('/')
    .map((gridId, depth) => counterUpdate(store, gridId, depth, deltas, sign))
    .filter((item): item is TransactItem => item !== undefined);
}

/**
 * Counts moving from one place in the tree to another (a unit and its records going to another village): minus
 * on the nodes only the old path has, plus on the nodes only the new path has, nothing on the ones they share
 * (the county, and the township for a move within it). Never two updates of one node, which a transaction
 * would refuse (two counter shards drawn at random can be the same item).
 */
export function counterMoves(
  store: TenantStore,
  fromPath: string,
  toPath: string,
  deltas: CounterDeltas,
): TransactItem[] {
  const from = fromPath.split('/');
  const to = toPath.split('/');
  let shared = 0;
  while (shared < from.length && shared < to.length && from[shared] === to[shared]) shared++;
  return [
    ...from.slice(shared).map((gridId, i) => counterUpdate(store, gridId, shared + i, deltas, -1)),
    ...to.slice(shared).map((gridId, i) => counterUpdate(store, gridId, shared + i, deltas, 1)),
  ].filter((item): item is TransactItem => item !== undefined);
}

/** The ADD for one node at `depth` (0 county, 1 township, 2 village). */
export function counterUpdate(
  store: TenantStore,
  gridId: string,
  depth: number,
  deltas: CounterDeltas,
  sign = 1,
): TransactItem | undefined {
  const entries = Object.entries(deltas).filter(([, value]) => value !== 0 && value !== undefined) as [
    string,
    number,
  ][];
  if (entries.length === 0) return undefined;
  const names: Record<string, string> = { '#rev': 'rev' };
  const values: Record<string, number> = { ':one': 1 };
  const parts = ['#rev :one'];
  for (const [index, [name, value]] of entries.entries()) {
    names[`#c${index}`] = name;
    values[`:v${index}`] = sign * value;
    parts.push(`#c${index} :v${index}`);
  }
  return {
    Update: {
      TableName: store.tableName,
      Key: {
        pk: statsPartitionKey(store, gridId),
        sk: `SHARD#${Math.floor(Math.random() * (STATS_SHARDS[depth] ?? 1))}`,
      },
      UpdateExpression: `ADD ${parts.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/** readGridCounters: Query STATS#<gridId> (all shards), summed. One call. */
export async function readGridCounters(
  store: TenantStore,
  gridId: string,
): Promise<{ counters: Counters; shards: { sk: string; rev: number }[] }> {
  const shards = await store.queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': statsPartitionKey(store, gridId) },
  });
  const counters = emptyCounters();
  for (const shard of shards) addCounters(counters, shard);
  return { counters, shards: shards.map((s) => ({ sk: String(s.sk), rev: Number(s.rev ?? 0) })) };
}

/** Counter arithmetic for the deltas a change makes: after minus before, and a running sum. */
export function subtractCounts(after: CounterDeltas, before: CounterDeltas): CounterDeltas {
  const result: Record<string, number> = {};
  for (const [name, value] of Object.entries(after)) result[name] = (result[name] ?? 0) + (value ?? 0);
  for (const [name, value] of Object.entries(before)) result[name] = (result[name] ?? 0) - (value ?? 0);
  return result as CounterDeltas;
}

export function addCounts(into: Record<string, number>, add: CounterDeltas): Record<string, number> {
  for (const [name, value] of Object.entries(add)) into[name] = (into[name] ?? 0) + (value ?? 0);
  return into;
}

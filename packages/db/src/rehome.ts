import { sortKeyRange } from './keys.ts';
import type { TenantStore } from './tenant-store.ts';

/**
 * The collections whose items carry a village path in `gridPath` and in their index sort keys. A village
 * move rewrites them; each new collection of grid-located records is added here.
 */
export const GRID_LOCATED_COLLECTIONS = ['UNITS', 'RPS', 'HAZARDS', 'PATROLS', 'RESOURCES', 'PLANS'] as const;

const PATH_ATTRIBUTES = ['gridPath', 'gsi1sk', 'gsi2sk', 'gsi3sk', 'gsi4sk', 'duesk', 'mapsk'] as const;

/**
 * The SET clauses that move one record from `oldPath` to `newPath`: every path attribute (the record's
 * `gridPath` and each index sort key that starts with it) gets the new prefix.
 */
export function pathRewrite(
  item: Record<string, unknown>,
  oldPath: string,
  newPath: string,
): { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const attribute of PATH_ATTRIBUTES) {
    const value = item[attribute];
    if (typeof value === 'string' && value.startsWith(oldPath)) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = newPath + value.slice(oldPath.length);
      sets.push(`#${attribute} = :${attribute}`);
    }
  }
  return { sets, names, values };
}

/**
 * Rewrites the village path on every record under `oldPath`. Each update is conditional on the record still
 * carrying the old path, and bumps its version so an editor holding the old copy gets a 409 instead of
 * writing the old path back. Safe to run again after an interruption: moved records no longer match.
 */
export async function rehomeRecords(store: TenantStore, oldPath: string, newPath: string): Promise<number> {
  let moved = 0;
  for (const collection of GRID_LOCATED_COLLECTIONS) {
    // Always re-read the first page: rewritten records leave the old path's range, so the range shrinks to empty.
    let page: Awaited<ReturnType<TenantStore['queryPage']>>;
    do {
      page = await store.queryPage(
        {
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :path AND :pathEnd',
          ExpressionAttributeValues: { ':pk': store.key(collection), ...sortKeyRange(`${oldPath}#`) },
        },
        { limit: 100 },
      );
      for (const item of page.items) {
        const { sets, names, values } = pathRewrite(item, oldPath, newPath);
        names['#version'] = 'version';
        names['#gridPath'] = 'gridPath';
        values[':one'] = 1;
        values[':old'] = oldPath;
        await store.transact(
          [
            {
              Update: {
                TableName: store.tableName,
                Key: { pk: item.pk, sk: item.sk },
                UpdateExpression: `SET ${sets.join(', ')} ADD #version :one`,
                ConditionExpression: '#gridPath = :old',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
          ],
          'record',
        );
        moved += 1;
      }
    } while (page.items.length > 0);
  }
  return moved;
}

import { CREDIT_LEVELS } from '@gridsafe/core';
import { MAP_PARTITIONS } from './entities.ts';
import { gsiKeyAttributes } from './table-definition.ts';
import type { StoredItem, TenantStore } from './tenant-store.ts';

/** UpdateItems in flight at once: enough to hide latency, far under a table's write capacity. */
const IN_FLIGHT = 8;

/** One record to give its `map` keys: its table key, its partition in `map`, and its place there. */
interface MapTarget {
  prefix: string;
  id: string;
  partition: string;
  gridPath: string;
}

/**
 * `npm run migrate` for counties written before the map's index (docs/decisions.md, "The map at a county's size"):
 * each located unit, each risk point and each credit rating gets its `map` keys (MAPUNITS, MAPRPS, MAPCREDITS /
 * <gridPath>#<id>), as a write after the index would have given it, so the map draws the records of before. One
 * UpdateItem per record, only where the keys are missing and the record is still where it was read (its
 * `gridPath`, and a unit still located): a record changed meanwhile got its keys from that change, and running it
 * again writes nothing.
 */
export async function backfillMapIndex(
  store: TenantStore,
): Promise<{ units: number; riskPoints: number; credits: number }> {
  const [units, points, ...credits] = await Promise.all([
    store.collectionFields('UNITS', ['id', 'gridPath', 'location', 'mappk']),
    store.collectionFields('RPS', ['id', 'gridPath', 'mappk']),
    ...CREDIT_LEVELS.map((level) =>
      store.collectionFields(`CREDIT#${level}`, ['unitId', 'gridPath', 'mappk']),
    ),
  ]);
  const missing = (item: StoredItem) => item.mappk === undefined;
  const targets: MapTarget[] = [
    ...units
      .filter((unit) => missing(unit) && unit.location !== undefined)
      .map((unit) => target('UNIT', String(unit.id), MAP_PARTITIONS.units, unit)),
    ...points
      .filter(missing)
      .map((point) => target('RP', String(point.id), MAP_PARTITIONS.riskPoints, point)),
    ...credits
      .flat()
      .filter(missing)
      .map((credit) => target('CREDIT', String(credit.unitId), MAP_PARTITIONS.credits, credit)),
  ];
  const { pk, sk } = gsiKeyAttributes('map');
  const counts: Record<string, number> = { UNIT: 0, RP: 0, CREDIT: 0 };
  let next = 0;
  const worker = async () => {
    for (let item = targets[next++]; item; item = targets[next++]) {
      const located = item.prefix === 'UNIT' ? ' AND attribute_exists(#location)' : '';
      const written = await store.update({
        Key: { pk: store.key(item.prefix, item.id), sk: item.prefix },
        UpdateExpression: 'SET #pk = :pk, #sk = :sk',
        ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(#pk) AND #gridPath = :gridPath${located}`,
        ExpressionAttributeNames: {
          '#pk': pk,
          '#sk': sk,
          '#gridPath': 'gridPath',
          ...(located ? { '#location': 'location' } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': store.key(item.partition),
          ':sk': `${item.gridPath}#${item.id}`,
          ':gridPath': item.gridPath,
        },
      });
      if (written) counts[item.prefix]! += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { units: counts.UNIT!, riskPoints: counts.RP!, credits: counts.CREDIT! };
}

function target(prefix: string, id: string, partition: string, item: StoredItem): MapTarget {
  return { prefix, id, partition, gridPath: String(item.gridPath) };
}

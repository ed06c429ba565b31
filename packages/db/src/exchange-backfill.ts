import { gsiKeyAttributes } from './table-definition.ts';
import type { TenantStore } from './tenant-store.ts';

/** UpdateItems in flight at once: enough to hide latency, far under a table's write capacity. */
const IN_FLIGHT = 8;

/**
 * `npm run migrate` for counties written before the export feed (docs/exchange.md): each filed risk point and
 * every hazard gets its `changed` index keys (EXCHANGE / <updatedAt>#<id>), as a write after the feed would have
 * given it, so `GET /exchange/feed` answers the records of before as well. One UpdateItem per record, only where the
 * keys are missing and the record is still the one read (its `updatedAt`): a record changed meanwhile has its keys
 * from that change, and running it again writes nothing.
 */
export async function backfillExchangeIndex(
  store: TenantStore,
): Promise<{ riskPoints: number; hazards: number }> {
  const [points, hazards] = await Promise.all([
    store.collectionFields('RPS', ['id', 'status', 'updatedAt']),
    store.collectionFields('HAZARDS', ['id', 'updatedAt']),
  ]);
  const filed = points.filter((point) => point.status === 'filed');
  const targets = [
    ...filed.map((point) => ({ prefix: 'RP', id: String(point.id), updatedAt: String(point.updatedAt) })),
    ...hazards.map((hazard) => ({
      prefix: 'HZ',
      id: String(hazard.id),
      updatedAt: String(hazard.updatedAt),
    })),
  ];
  const { pk, sk } = gsiKeyAttributes('changed');
  const counts = { RP: 0, HZ: 0 } as Record<string, number>;
  let next = 0;
  const worker = async () => {
    for (let target = targets[next++]; target; target = targets[next++]) {
      const written = await store.update({
        Key: { pk: store.key(target.prefix, target.id), sk: target.prefix },
        UpdateExpression: 'SET #pk = :pk, #sk = :sk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#pk) AND #updatedAt = :updatedAt',
        ExpressionAttributeNames: { '#pk': pk, '#sk': sk, '#updatedAt': 'updatedAt' },
        ExpressionAttributeValues: {
          ':pk': store.key('EXCHANGE'),
          ':sk': `${target.updatedAt}#${target.id}`,
          ':updatedAt': target.updatedAt,
        },
      });
      if (written) counts[target.prefix]! += 1;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { riskPoints: counts.RP!, hazards: counts.HZ! };
}

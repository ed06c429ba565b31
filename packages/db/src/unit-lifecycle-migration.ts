import { unitEntity } from './entities.ts';
import type { TenantStore } from './tenant-store.ts';

/**
 * `npm run migrate`: writes `status: active` onto every unit stored before units had a lifecycle. The API already
 * reads a unit without a status as active, and the county's counters counted every unit (all of them active), so
 * nothing else changes; the step makes the stored shape one shape, so later readers of the raw items (the
 * assessment's projection, exports) need no fallback. Conditional on the attribute being absent: safe to run
 * again, and it never undoes a status someone set meanwhile. Neither the version nor the audit chain moves:
 * nothing about the unit changed.
 */
export async function migrateUnitsToLifecycle(
  store: TenantStore,
): Promise<{ units: number; migrated: number }> {
  const units = await store.collectionFields('UNITS', ['id', 'status']);
  let migrated = 0;
  for (const unit of units) {
    if (unit.status !== undefined) continue;
    const written = await store.update({
      Key: unitEntity.key(store, String(unit.id)),
      UpdateExpression: 'SET #status = :active',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#status)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':active': 'active' },
    });
    if (written) migrated += 1;
  }
  return { units: units.length, migrated };
}

import type { StoredItem } from './tenant-store.ts';

/**
 * The read side of the county fence. IAM's `dynamodb:LeadingKeys` confines a county role's writes by the table's
 * partition key only, so a county's role could write an item under its own pk whose index keys name another
 * county (`gsi1pk = T#taihe#HAZARDS`), and taihe's list would read it. Every Query answer is therefore checked:
 * an item whose own pk is not the reading county's is dropped before anyone sees it, and reported.
 */
export function ownItems(items: StoredItem[], prefix: string, tenant: string, index = 'table'): StoredItem[] {
  const own = items.filter((item) => typeof item.pk === 'string' && item.pk.startsWith(prefix));
  if (own.length < items.length) reportForeignItems(tenant, index, items.length - own.length);
  return own;
}

/**
 * One log line in CloudWatch's embedded metric format: the warning names the county and the index, and the
 * line itself is the `Gridsafe/ForeignItemsDropped` metric (per county), which an alarm can watch. The foreign
 * items' keys are left out: they are another county's.
 */
function reportForeignItems(tenant: string, index: string, count: number): void {
  // Written raw, not through console: Lambda wraps console output in its own JSON, and CloudWatch extracts the
  // metric only from a line that is the embedded-metric document itself (what Powertools' metrics write too).
  process.stdout.write(
    `${JSON.stringify({
      level: 'WARN',
      message: 'Dropped items of another county read through an index (forged index keys)',
      tenant,
      index,
      ForeignItemsDropped: count,
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: 'Gridsafe',
            Dimensions: [['tenant']],
            Metrics: [{ Name: 'ForeignItemsDropped', Unit: 'Count' }],
          },
        ],
      },
    })}\n`,
  );
}

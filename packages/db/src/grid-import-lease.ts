import { ConflictError } from '@gridsafe/core';
import type { TenantStore } from './tenant-store.ts';

/**
 * How long a grid-tree import holds its county's lease without renewing it. An import renews it as it goes
 * (`keep`), so only one that died (a Lambda killed at its timeout) leaves it, and that blocks the next import for
 * at most this long.
 */
export const GRID_IMPORT_LEASE_MS = 120_000;

/**
 * One grid-tree import at a time per county (pk LEASE, sk grid-import). The import matches rows to nodes by code
 * from one read of the tree, so two at once would each create the same new township or village: the second is
 * refused with 409 `import_in_progress` instead, and may simply be sent again once the first has answered.
 */
export class GridImportLease {
  private renewedAt = 0;

  private constructor(
    private readonly store: TenantStore,
    private readonly holder: string,
  ) {}

  /** Takes the county's lease, or answers 409 while another import holds it. */
  static async take(store: TenantStore, holder: string, now: Date): Promise<GridImportLease> {
    const lease = new GridImportLease(store, holder);
    try {
      await lease.write(now, 'attribute_not_exists(pk) OR leaseUntil < :now');
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      throw new ConflictError(
        'Another import of the grid tree is running in this county; send the file again once it has finished.',
        'import_in_progress',
      );
    }
    return lease;
  }

  /** Renews the lease once a third of it is spent; fails the import if another took it meanwhile. */
  async keep(now: Date): Promise<void> {
    if (now.getTime() - this.renewedAt < GRID_IMPORT_LEASE_MS / 3) return;
    await this.write(now, 'holder = :holder');
  }

  /** Gives the lease up; one left behind only delays the next import until it runs out. */
  async release(): Promise<void> {
    await this.store
      .transact(
        [
          {
            Delete: {
              TableName: this.store.tableName,
              Key: this.key(),
              ConditionExpression: 'holder = :holder',
              ExpressionAttributeValues: { ':holder': this.holder },
            },
          },
        ],
        'grid import lease',
      )
      .catch(() => undefined);
  }

  private async write(now: Date, condition: string): Promise<void> {
    const at = now.getTime();
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              ...this.key(),
              type: 'GridImportLease',
              holder: this.holder,
              leaseUntil: at + GRID_IMPORT_LEASE_MS,
              // DynamoDB's TTL removes a lease left behind, a day after it ran out.
              expiresAt: Math.ceil((at + GRID_IMPORT_LEASE_MS + 86_400_000) / 1000),
            },
            ConditionExpression: condition,
            ExpressionAttributeValues: condition.includes(':now')
              ? { ':now': at }
              : { ':holder': this.holder },
          },
        },
      ],
      'grid import lease',
    );
    this.renewedAt = at;
  }

  private key() {
    return { pk: this.store.key('LEASE'), sk: 'grid-import' };
  }
}

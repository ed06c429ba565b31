import { ConflictError, isGrantActive, NotFoundError, type VendorAccessGrant } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { fromItem, type TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * The county admin's grants to the vendor. Item: pk VENDORGRANT / sk <id> (ULIDs: newest last), each change
 * with its audit event (AUDIT#vendorGrant#<id>) in the same transaction. A county holds a handful a year, so
 * "is one active?" is one Query of the partition.
 */
export class VendorAccessGrantRepository {
  constructor(private readonly store: TenantStore) {}

  private pk() {
    return this.store.key('VENDORGRANT');
  }

  /** createVendorGrant: Put VENDORGRANT / <id> + its first audit event. */
  async create(grant: Omit<VendorAccessGrant, 'version'>, ctx: WriteContext): Promise<VendorAccessGrant> {
    const created: VendorAccessGrant = { ...grant, version: 1 };
    const audit = appendAuditEvent(this.store, NEW_CHAIN, {
      entityType: 'vendorGrant',
      entityId: grant.id,
      action: 'created',
      ...auditFacts(ctx),
      reason: grant.reason,
      details: { expiresAt: grant.expiresAt },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: { pk: this.pk(), sk: grant.id, type: 'VendorAccessGrant', ...created, ...audit.next },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit.put,
      ],
      'vendor access grant',
    );
    return created;
  }

  /** listVendorGrants: Query VENDORGRANT, newest first. */
  async list(): Promise<VendorAccessGrant[]> {
    const items = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.pk() },
      ScanIndexForward: false,
    });
    return items.map((item) => fromItem<VendorAccessGrant>(item));
  }

  /** The grant in force now, if any (the one ending last). */
  async active(now: Date): Promise<VendorAccessGrant | undefined> {
    return (await this.list())
      .filter((grant) => isGrantActive(grant, now))
      .sort((a, b) => b.expiresAt.localeCompare(a.expiresAt))[0];
  }

  /** revokeVendorGrant: Update VENDORGRANT / <id> under its version + an audit event. */
  async revoke(id: string, ctx: WriteContext): Promise<VendorAccessGrant> {
    const item = await this.store.get(this.pk(), id, true);
    if (!item) throw new NotFoundError('vendor access grant');
    const before = fromItem<VendorAccessGrant>(item);
    if (before.revokedAt) throw new ConflictError('This grant is already revoked.', 'already_revoked');
    const after: VendorAccessGrant = {
      ...before,
      revokedAt: ctx.now.toISOString(),
      revokedBy: { userId: ctx.principal.userId, username: ctx.principal.username },
      version: before.version + 1,
    };
    const audit = appendAuditEvent(this.store, chainHeadOf(item), {
      entityType: 'vendorGrant',
      entityId: id,
      action: 'revoked',
      ...auditFacts(ctx),
      changes: { revokedAt: { before: null, after: after.revokedAt } },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: { pk: this.pk(), sk: id, type: 'VendorAccessGrant', ...after, ...audit.next },
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        audit.put,
      ],
      'vendor access grant',
    );
    return after;
  }
}

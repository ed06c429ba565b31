import { appendAuditEvent, chainHeadOf } from './audit-log.ts';
import type { StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * One county-wide JSON document at `<pk>` / CURRENT (the settings, the notice channels): read whole, replaced
 * whole under an optimistic lock (version 0 = never saved, so the first save must find nothing), each
 * replacement an audit event in the same transaction as the document and any `extraItems`.
 */
export class VersionedDocument {
  constructor(
    private readonly store: TenantStore,
    private readonly name: { prefix: string; type: string; attribute: string; entityType: string },
  ) {}

  private get pk() {
    return this.store.key(this.name.prefix);
  }

  /** GetItem <prefix> / CURRENT: the parsed document and its version, or undefined when never saved. */
  async read(consistent = false): Promise<{ value: unknown; version: number; item: StoredItem } | undefined> {
    const item = await this.store.get(this.pk, 'CURRENT', consistent);
    if (!item) return undefined;
    return { value: JSON.parse(String(item[this.name.attribute])), version: Number(item.version), item };
  }

  /** Replaces the document if it is still at `expectedVersion`; answers the new version. */
  async replace(
    value: unknown,
    expectedVersion: number,
    ctx: WriteContext,
    audit: { changes: Record<string, { before: unknown; after: unknown }> },
    extraItems: TransactItem[] = [],
  ): Promise<number> {
    const stored = await this.store.get(this.pk, 'CURRENT', true);
    const version = expectedVersion + 1;
    const event = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: this.name.entityType,
      entityId: 'current',
      action: 'updated',
      ...auditFacts(ctx),
      changes: audit.changes,
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.pk,
              sk: 'CURRENT',
              type: this.name.type,
              [this.name.attribute]: JSON.stringify(value),
              version,
              ...event.next,
            },
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          },
        },
        event.put,
        ...extraItems,
      ],
      this.name.entityType,
    );
    return version;
  }
}

import { type KnowledgeOverrides, knowledgeOverridesSchema } from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf } from './audit-log.ts';
import type { TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * A county's overrides of the vendor knowledge base: one item, pk KB / sk OVERRIDES. The vendor default
 * ships with the code, so a county that overrides nothing stores nothing and always sees the newest.
 */
export class KnowledgeRepository {
  constructor(private readonly store: TenantStore) {}

  /** getKnowledgeOverrides: GetItem KB / OVERRIDES. */
  async getOverrides(): Promise<{ overrides?: KnowledgeOverrides; version: number }> {
    const item = await this.store.get(this.store.key('KB'), 'OVERRIDES');
    if (!item) return { version: 0 };
    return {
      overrides: knowledgeOverridesSchema.parse(JSON.parse(String(item.overrides))),
      version: Number(item.version),
    };
  }

  async putOverrides(
    overrides: KnowledgeOverrides,
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<number> {
    const stored = await this.store.get(this.store.key('KB'), 'OVERRIDES', true);
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: 'knowledge',
      entityId: 'overrides',
      action: 'updated',
      ...auditFacts(ctx),
      details: { baseVersion: overrides.baseVersion },
    });
    const version = expectedVersion + 1;
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            // Stored as a JSON string: the shape is nested and free-form, and it is read and written whole.
            Item: {
              pk: this.store.key('KB'),
              sk: 'OVERRIDES',
              type: 'KnowledgeOverrides',
              overrides: JSON.stringify(overrides),
              version,
              ...audit.next,
            },
            ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected',
            ...(expectedVersion === 0
              ? {}
              : {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          },
        },
        audit.put,
      ],
      'knowledge base',
    );
    return version;
  }
}

import { type CreditRules, CreditRulesSchema, DEFAULT_CREDIT_RULES } from '@gridsafe/core';
import type { TenantStore } from './tenant-store.ts';
import { VersionedDocument } from './versioned-document.ts';
import type { WriteContext } from './write-context.ts';

/**
 * A county's credit rules: CREDITRULES / CURRENT holds the rules in force (versioned, optimistic lock), and every
 * version ever saved is also kept, immutable, at CREDITRULES / V#<version>, like the grading tables: a rating
 * names the version that computed it, and that version can always be shown beside it. Version 0 is the built-in
 * default (DEFAULT_CREDIT_RULES) until a county saves its own.
 */
export class CreditRulesRepository {
  private readonly document: VersionedDocument;
  constructor(private readonly store: TenantStore) {
    this.document = new VersionedDocument(store, {
      prefix: 'CREDITRULES',
      type: 'CreditRules',
      attribute: 'rules',
      entityType: 'credit-rules',
    });
  }

  /** getCreditRules: GetItem CREDITRULES / CURRENT (the defaults, version 0, until the county saves any). */
  async get(): Promise<{ rules: CreditRules; version: number }> {
    const stored = await this.document.read();
    if (!stored) return { rules: DEFAULT_CREDIT_RULES, version: 0 };
    return { rules: CreditRulesSchema.parse(stored.value), version: stored.version };
  }

  /** getCreditRulesVersion: GetItem CREDITRULES / V#<version> (0: the defaults). */
  async version(version: number): Promise<CreditRules | undefined> {
    if (version === 0) return DEFAULT_CREDIT_RULES;
    const stored = await this.store.get(this.store.key('CREDITRULES'), `V#${version}`);
    return stored ? CreditRulesSchema.parse(JSON.parse(String(stored.rules))) : undefined;
  }

  /** Replaces the rules under the optimistic lock; the new version is kept beside the old in the same transaction. */
  async put(rules: CreditRules, expectedVersion: number, ctx: WriteContext) {
    const current = await this.get();
    const version = await this.document.replace(
      rules,
      expectedVersion,
      ctx,
      { changes: { rules: { before: current.rules, after: rules } } },
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('CREDITRULES'),
              sk: `V#${expectedVersion + 1}`,
              type: 'CreditRulesVersion',
              rules: JSON.stringify(rules),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    );
    return { rules, version };
  }
}

import {
  canonicalJson,
  DEFAULT_SETTINGS,
  type GradingTable,
  type TenantSettings,
  TenantSettingsSchema,
} from '@gridsafe/core';
import { appendAuditEvent, chainHeadOf } from './audit-log.ts';
import type { TenantStore } from './tenant-store.ts';
import { auditFacts, type WriteContext } from './write-context.ts';

/**
 * A county's settings: pk SETTINGS / sk CURRENT holds the current settings (JSON, versioned); every grading
 * table ever in force is also kept, immutable, at SETTINGS / GRADING#<version>, so an old grading's bands can
 * always be shown next to the table that graded it.
 */
export class SettingsRepository {
  constructor(private readonly store: TenantStore) {}

  /** getSettings: GetItem SETTINGS / CURRENT (the defaults, version 0, until a county changes anything). */
  async get(): Promise<{ settings: TenantSettings; version: number }> {
    const item = await this.store.get(this.store.key('SETTINGS'), 'CURRENT');
    if (!item) return { settings: DEFAULT_SETTINGS, version: 0 };
    return {
      settings: TenantSettingsSchema.parse(JSON.parse(String(item.settings))),
      version: Number(item.version),
    };
  }

  /** getGradingTable: GetItem SETTINGS / GRADING#<version>. */
  async gradingTable(version: number): Promise<GradingTable | undefined> {
    if (version === DEFAULT_SETTINGS.grading.version) {
      const stored = await this.store.get(this.store.key('SETTINGS'), `GRADING#${version}`);
      return stored ? (JSON.parse(String(stored.table)) as GradingTable) : DEFAULT_SETTINGS.grading;
    }
    const stored = await this.store.get(this.store.key('SETTINGS'), `GRADING#${version}`);
    return stored ? (JSON.parse(String(stored.table)) as GradingTable) : undefined;
  }

  /**
   * Replaces the settings under an optimistic lock. A change to any band gives the grading table a new
   * version (the server's, not the client's), written beside the old ones in the same transaction.
   */
  async put(
    next: TenantSettings,
    expectedVersion: number,
    ctx: WriteContext,
  ): Promise<{ settings: TenantSettings; version: number }> {
    const current = await this.get();
    const stored = await this.store.get(this.store.key('SETTINGS'), 'CURRENT', true);
    const bandsChanged =
      canonicalJson({ LEC: next.grading.LEC, LS: next.grading.LS }) !==
      canonicalJson({ LEC: current.settings.grading.LEC, LS: current.settings.grading.LS });
    const grading = { ...next.grading, version: current.settings.grading.version + (bandsChanged ? 1 : 0) };
    const settings: TenantSettings = { ...next, grading };
    const version = expectedVersion + 1;
    const audit = appendAuditEvent(this.store, chainHeadOf(stored), {
      entityType: 'settings',
      entityId: 'current',
      action: 'updated',
      ...auditFacts(ctx),
      changes: { settings: { before: current.settings, after: settings } },
    });
    await this.store.transact(
      [
        {
          Put: {
            TableName: this.store.tableName,
            Item: {
              pk: this.store.key('SETTINGS'),
              sk: 'CURRENT',
              type: 'Settings',
              settings: JSON.stringify(settings),
              version,
              ...audit.next,
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
        audit.put,
        ...(bandsChanged
          ? [
              {
                Put: {
                  TableName: this.store.tableName,
                  Item: {
                    pk: this.store.key('SETTINGS'),
                    sk: `GRADING#${grading.version}`,
                    type: 'GradingTable',
                    table: JSON.stringify(grading),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ]
          : []),
      ],
      'settings',
    );
    return { settings, version };
  }
}

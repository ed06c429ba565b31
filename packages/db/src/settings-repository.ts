import {
  canonicalJson,
  DEFAULT_SETTINGS,
  type GradingTable,
  type TenantSettings,
  TenantSettingsSchema,
} from '@gridsafe/core';
import type { TenantStore } from './tenant-store.ts';
import { VersionedDocument } from './versioned-document.ts';
import type { WriteContext } from './write-context.ts';

/**
 * A county's settings: pk SETTINGS / sk CURRENT holds the current settings (JSON, versioned); every grading
 * table ever in force is also kept, immutable, at SETTINGS / GRADING#<version>, so an old grading's bands can
 * always be shown next to the table that graded it.
 */
export class SettingsRepository {
  private readonly document: VersionedDocument;
  constructor(private readonly store: TenantStore) {
    this.document = new VersionedDocument(store, {
      prefix: 'SETTINGS',
      type: 'Settings',
      attribute: 'settings',
      entityType: 'settings',
    });
  }

  /** getSettings: GetItem SETTINGS / CURRENT (the defaults, version 0, until a county changes anything). */
  async get(): Promise<{ settings: TenantSettings; version: number }> {
    const stored = await this.document.read();
    if (!stored) return { settings: DEFAULT_SETTINGS, version: 0 };
    return { settings: TenantSettingsSchema.parse(stored.value), version: stored.version };
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
    const bandsChanged =
      canonicalJson({ LEC: next.grading.LEC, LS: next.grading.LS }) !==
      canonicalJson({ LEC: current.settings.grading.LEC, LS: current.settings.grading.LS });
    const grading = { ...next.grading, version: current.settings.grading.version + (bandsChanged ? 1 : 0) };
    const settings: TenantSettings = { ...next, grading };
    const version = await this.document.replace(
      settings,
      expectedVersion,
      ctx,
      { changes: { settings: { before: current.settings, after: settings } } },
      bandsChanged
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
        : [],
    );
    return { settings, version };
  }
}

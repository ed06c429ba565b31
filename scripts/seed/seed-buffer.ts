import { ConflictError } from '@gridsafe/core';
import { type StoredItem, TenantStore, type TransactItem } from '@gridsafe/db';
import type { BulkWriter } from '../bench/bulk-writer.ts';

/**
 * A county's store for seeding history fast: the repositories' own transactions (a hazard walked through its
 * state machine, a patrol completed, a rating, a planned task) are kept in memory instead of sent, each key's last
 * Put winning, and `flush` writes what is left in bulk through a BulkWriter, counter ADDs folded into
 * one total per shard. So a hazard saved four times is written once, at its last version, with all four audit
 * events (each at its own key, chained in memory exactly as the transactions would chain them).
 *
 * Reads of the keys the buffer owns (`owned`: pk prefixes such as the county's `HZ#`) answer from memory only, so
 * a seed run again after an interrupted flush rebuilds those records from scratch instead of finding half of them;
 * any other read goes to the table. Queries always go to the table (they do not see buffered items).
 *
 * Conditions are not sent (the bulk writer drops them). A new record's `attribute_not_exists(pk)` is still checked
 * against the buffer, so a patrol claiming a unit's open slot twice fails as it would; every other condition
 * (version locks, parents that exist) holds by construction in a seed that writes each record from one place.
 */
export class SeedBuffer extends TenantStore {
  private readonly items = new Map<string, StoredItem>();
  private readonly updates: TransactItem[] = [];
  private readonly owned: string[];

  constructor(store: TenantStore, owned: readonly string[]) {
    super(store.client, store.tableName, store.tenant);
    this.owned = owned.map((prefix) => store.key(prefix));
  }

  override async get(pk: string, sk: string, consistent = false): Promise<StoredItem | undefined> {
    const held = this.items.get(keyOf(pk, sk));
    if (held) return structuredClone(held);
    if (this.owned.some((prefix) => pk.startsWith(prefix))) return undefined;
    return super.get(pk, sk, consistent);
  }

  override async transact(items: TransactItem[], what = 'record'): Promise<void> {
    // All or nothing, like the transaction: check every new record's key before keeping any item.
    for (const item of items) {
      const put = item.Put;
      if (put?.ConditionExpression === 'attribute_not_exists(pk)') {
        const { pk, sk } = put.Item as { pk: string; sk: string };
        if (this.items.has(keyOf(pk, sk)))
          throw new ConflictError(`The ${what} already exists.`, 'conflict', {});
      }
    }
    for (const item of items) {
      if (item.Put) {
        const stored = item.Put.Item as StoredItem & { pk: string; sk: string };
        this.items.set(keyOf(stored.pk, stored.sk), structuredClone(stored));
      } else if (item.Update) {
        if (/^ADD /.test(item.Update.UpdateExpression ?? '')) {
          this.updates.push(item);
          continue;
        }
        this.applySet(item.Update);
      } else if (!item.ConditionCheck) {
        throw new Error(`The seed buffer cannot keep ${Object.keys(item).join(', ')}.`);
      }
    }
  }

  /** How many items the buffer holds (each key once). */
  get size(): number {
    return this.items.size;
  }

  /** The buffered items of one `type` (Hazard, Patrol, ...), as they stand. */
  ofType(type: string): StoredItem[] {
    return [...this.items.values()].filter((item) => item.type === type);
  }

  /**
   * Every buffered item to `bulk` (the counter ADDs folded there) but those `skip` names, then forgets them all.
   * Answers how many items were sent.
   */
  async flush(bulk: BulkWriter, skip: (item: StoredItem) => boolean = () => false): Promise<number> {
    const puts = [...this.items.values()].filter((item) => !skip(item));
    const count = puts.length;
    this.items.clear();
    for (let start = 0; start < puts.length; start += 25) {
      await bulk.add(
        puts.slice(start, start + 25).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
      );
    }
    await bulk.add(this.updates.splice(0));
    return count;
  }

  /** `SET a = :x, b = :y` on a buffered item (a patrol completion handing the unit's open slot to the next task). */
  private applySet(update: NonNullable<TransactItem['Update']>): void {
    const { pk, sk } = update.Key as { pk: string; sk: string };
    const held = this.items.get(keyOf(pk, sk));
    const match = /^SET (.+)$/.exec(update.UpdateExpression ?? '');
    if (!held || !match) {
      throw new Error(`The seed buffer only applies SET to items it holds, not ${JSON.stringify(update)}.`);
    }
    for (const part of match[1]!.split(',')) {
      const [name, value] = part.split('=').map((side) => side.trim());
      const attribute = name?.startsWith('#') ? update.ExpressionAttributeNames?.[name] : name;
      if (!attribute || !value?.startsWith(':') || !(value in (update.ExpressionAttributeValues ?? {}))) {
        throw new Error(`The seed buffer cannot apply "${part.trim()}".`);
      }
      held[attribute] = update.ExpressionAttributeValues![value];
    }
  }
}

function keyOf(pk: string, sk: string): string {
  return `${pk}\u0000${sk}`;
}

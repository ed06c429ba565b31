import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '@gridsafe/core';
import { translateDynamoError } from './dynamo-errors.ts';
import { ownItems } from './foreign-items.ts';
import { tenantKey, tenantPrefix } from './keys.ts';
import { mapChangeUpdates } from './map-changes.ts';
import { PageCursors } from './page-cursor.ts';
import { GSI_NAMES, type GsiName, gsiKeyAttributes } from './table-definition.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type StoredItem = Record<string, unknown>;

/** DynamoDB's limit on items in one TransactWriteItems call. */
export const MAX_TRANSACTION_ITEMS = 100;
/** DynamoDB's limit on keys in one BatchGetItem call. */
const MAX_BATCH_GET_KEYS = 100;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Counts the calls a request makes, so budgets ("a list page is at most 2 calls") can be checked. */
export interface CallCounter {
  count(operation: string): void;
}

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

// Scripts and jobs page through a list within one run; only the API's cursors must outlive the process.
const processCursors = PageCursors.ephemeral();

/**
 * One county's view of the table. Every key it builds starts with the county's prefix, and every cursor it
 * accepts was sealed for this county and this list, so code holding a TenantStore for `taihe` cannot name
 * `linquan`'s items, and a cursor names no record to whoever holds it.
 */
export class TenantStore {
  readonly prefix: string;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly tenant: string,
    /** Counts the calls this store sends (budgets and benchmarks); also read by its bulk writers. */
    readonly calls?: CallCounter,
    private readonly cursors: PageCursors = processCursors,
    /** Told of every transaction once it committed (the API learns a write queued webhook deliveries). */
    private readonly committed?: (items: readonly TransactItem[]) => void,
  ) {
    this.prefix = tenantPrefix(tenant);
  }

  key(...parts: string[]): string {
    return tenantKey(this.tenant, ...parts);
  }

  async get(pk: string, sk: string, consistent = false): Promise<StoredItem | undefined> {
    this.calls?.count('GetItem');
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: consistent }),
      );
      return Item;
    } catch (error) {
      throw translateDynamoError(error);
    }
  }

  /**
   * One atomic UpdateItem on an item of this county, answering the item as it is after the update; a failed
   * condition answers undefined (for counters that decide with a condition which branch applies).
   */
  async update(
    input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'> & { Key: { pk: string; sk: string } },
  ): Promise<StoredItem | undefined> {
    if (!input.Key.pk.startsWith(this.prefix)) throw new Error('A county store updates only its own items.');
    this.calls?.count('UpdateItem');
    try {
      const result = await this.client.send(
        new UpdateCommand({ ...input, TableName: this.tableName, ReturnValues: 'ALL_NEW' }),
      );
      // A record the map draws changed outside a transaction (a backfill): its change is counted after it.
      await this.countMapChanges(
        mapChangeUpdates(
          this,
          [{ Update: { ...input, TableName: this.tableName } } as TransactItem],
          Date.now(),
        ),
      );
      return result.Attributes;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw translateDynamoError(error);
    }
  }

  /** The map snapshot's change counters of a write that could not carry them (map-snapshot.ts), one UpdateItem each. */
  private async countMapChanges(changes: TransactItem[]): Promise<void> {
    for (const change of changes) {
      if (!change.Update) continue;
      this.calls?.count('UpdateItem');
      try {
        await this.client.send(new UpdateCommand(change.Update));
      } catch (error) {
        throw translateDynamoError(error);
      }
    }
  }

  /**
   * Many items by key, 100 to a BatchGetItem call, for bulk work (an import matching thousands of rows), not
   * for request paths with a call budget. Keys DynamoDB leaves unprocessed are asked again after a pause.
   * Answers in no particular order; a missing item is simply absent.
   */
  async batchGet(keys: { pk: string; sk: string }[], consistent = false): Promise<StoredItem[]> {
    const found: StoredItem[] = [];
    for (let start = 0; start < keys.length; start += MAX_BATCH_GET_KEYS) {
      let pending: Record<string, unknown>[] = keys.slice(start, start + MAX_BATCH_GET_KEYS);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 0)
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
        this.calls?.count('BatchGetItem');
        try {
          const result = await this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: consistent } },
            }),
          );
          found.push(...(result.Responses?.[this.tableName] ?? []));
          pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        } catch (error) {
          throw translateDynamoError(error);
        }
      }
    }
    return found;
  }

  /**
   * One Query call (one page). `cursor` is the opaque string this method returned before for the same list (the
   * same index, key condition and key values); any other string is a 400 naming `query.cursor`.
   */
  async queryPage(input: QueryInput, options: { limit: number; cursor?: string }): Promise<Page<StoredItem>> {
    const list = listIdentity(input);
    let start = options.cursor ? await this.cursors.open(options.cursor, this.tenant, list) : undefined;
    const items: StoredItem[] = [];
    // DynamoDB applies a FilterExpression after Limit: one Query of a sparse filter (the overdue patrols among a
    // township's scheduled ones) can match none of its `limit` items and still answer a cursor, and a user would
    // page through empty pages. So a filtered page reads on, up to FILTERED_PAGE_CALLS Queries, until it is full.
    const filtered = input.FilterExpression !== undefined;
    for (let calls = 1; ; calls++) {
      const remaining = options.limit - items.length;
      // A projected item may lack its keys, so the page cannot end at it: ask for no more than fits.
      const ask = calls > 1 && input.ProjectionExpression !== undefined ? remaining : options.limit;
      const page = await this.queryOnce(input, ask, start);
      items.push(...page.items);
      start = page.lastKey;
      if (items.length > options.limit) {
        // Read past the page's end: it ends at its last item, and the next page starts right after it.
        items.length = options.limit;
        start = keyOf(items[items.length - 1]!, input.IndexName);
      }
      if (!filtered || !start || items.length >= options.limit || calls >= FILTERED_PAGE_CALLS) break;
    }
    return { items, ...(start ? { nextCursor: await this.cursors.seal(start, this.tenant, list) } : {}) };
  }

  /** Seals a position that is not a DynamoDB key (a merged inbox's last sort key) the way queryPage seals keys. */
  sealCursor(position: Record<string, unknown>, list: string): Promise<string> {
    return this.cursors.seal(position, this.tenant, list);
  }

  openCursor(cursor: string, list: string): Promise<Record<string, unknown>> {
    return this.cursors.open(cursor, this.tenant, list);
  }

  /** Every page of a query; only for small, bounded sets (a county's departments, a record's audit trail). */
  async queryAll(input: QueryInput): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryOnce(input, 1000, start);
      items.push(...page.items);
      start = page.lastKey;
    } while (start);
    return items;
  }

  /**
   * Every item of a collection (its gsi1 partition) with only the named attributes: what a recount or a backfill
   * reads of each record, a small part of it.
   */
  collectionFields(collection: string, attributes: readonly string[]): Promise<StoredItem[]> {
    return this.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ProjectionExpression: attributes.map((_, i) => `#a${i}`).join(', '),
      ExpressionAttributeNames: Object.fromEntries(attributes.map((name, i) => [`#a${i}`, name])),
      ExpressionAttributeValues: { ':pk': this.key(collection) },
    });
  }

  /**
   * One Query call with a raw start key; the one place the table is queried, and so the place that drops any
   * item of another county an index answers (foreign-items.ts).
   */
  protected async queryOnce(
    input: QueryInput,
    limit: number,
    start: Record<string, unknown> | undefined,
  ): Promise<{ items: StoredItem[]; lastKey?: Record<string, unknown> }> {
    this.calls?.count('Query');
    // A projection still answers each item's pk, which the county check needs; it is taken off again after.
    const projected = input.ProjectionExpression !== undefined;
    const query = projected
      ? {
          ...input,
          ProjectionExpression: `${input.ProjectionExpression}, #ownerPk`,
          ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#ownerPk': 'pk' },
        }
      : input;
    try {
      const result = await this.client.send(
        new QueryCommand({ ...query, TableName: this.tableName, Limit: limit, ExclusiveStartKey: start }),
      );
      const items = ownItems(result.Items ?? [], this.prefix, this.tenant, input.IndexName);
      return {
        items: projected ? items.map(({ pk: _pk, ...fields }) => fields) : items,
        lastKey: result.LastEvaluatedKey,
      };
    } catch (error) {
      throw translateDynamoError(error);
    }
  }

  /**
   * One all-or-nothing write. A condition failure becomes a ConflictError. A conflict with a concurrent
   * transaction on a hot item (a county counter) is retried a few times with jitter before it is reported.
   */
  async transact(items: TransactItem[], what = 'record'): Promise<void> {
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(
        `A transaction of ${items.length} items exceeds DynamoDB's limit of ${MAX_TRANSACTION_ITEMS}.`,
      );
    }
    // A write of a unit, a risk point or a credit rating counts itself in the map snapshot's change counters, in
    // the same transaction when there is room (map-snapshot.ts); a full one counts right after it commits.
    const changes = mapChangeUpdates(this, items, Date.now());
    const counted = items.length + changes.length <= MAX_TRANSACTION_ITEMS;
    const sent = counted ? [...items, ...changes] : items;
    for (let attempt = 1; ; attempt++) {
      this.calls?.count('TransactWriteItems');
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: sent }));
        if (!counted) await this.countMapChanges(changes);
        this.committed?.(items);
        return;
      } catch (error) {
        const translated = translateDynamoError(error, what);
        const retryable = translated instanceof ConflictError && translated.code === 'transaction_conflict';
        if (!retryable || attempt >= 4) throw translated;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
      }
    }
  }
}

/**
 * What makes two queries the same list: the index, the key condition and the values it names. A cursor is bound
 * to it, so a cursor of one grid's units does not continue another grid's hazards. Filters are left out: they
 * narrow a page, they do not move where the next one starts.
 */
/** How many Queries one page of a filtered list may read (each of up to `limit` items) before it answers short. */
const FILTERED_PAGE_CALLS = 10;

/** An item's position in the table or in the index a Query read: what DynamoDB takes as ExclusiveStartKey. */
function keyOf(item: StoredItem, indexName: string | undefined): Record<string, unknown> {
  const index = indexName ? Object.values(gsiKeyAttributes(indexName as GsiName)) : [];
  const names = ['pk', 'sk', ...index];
  return Object.fromEntries(names.map((name) => [name, item[name]]));
}

function listIdentity(input: QueryInput): string {
  const condition = input.KeyConditionExpression ?? '';
  const placeholders = [...new Set(condition.match(/:[A-Za-z0-9_]+/g) ?? [])].sort();
  const values = placeholders.map((name) => `${name}=${String(input.ExpressionAttributeValues?.[name])}`);
  return [
    input.IndexName ?? 'table',
    condition,
    ...values,
    input.ScanIndexForward === false ? 'desc' : 'asc',
  ].join('|');
}

const STORAGE_ATTRIBUTES = new Set([
  'pk',
  'sk',
  'type',
  'auditSeq',
  'auditHead',
  ...GSI_NAMES.flatMap((name) => Object.values(gsiKeyAttributes(name))),
]);

/**
 * Strips the storage attributes (the key, the type, every index key of the table, the chain head), leaving the
 * record as the domain sees it. A declared entity's own `fromItem` strips the same for its indexes.
 */
export function fromItem<T>(item: StoredItem): T {
  return withoutAttributes(item, STORAGE_ATTRIBUTES) as T;
}

/**
 * A copy of the item without the named attributes, in the item's own order. Written as a loop because a list page
 * maps 50 items of about 30 attributes each: `Object.fromEntries(Object.entries(…).filter(…))` made three arrays
 * and an array per attribute for each, the largest part of the API's garbage on a list (docs/performance.md).
 */
export function withoutAttributes(item: StoredItem, names: ReadonlySet<string>): StoredItem {
  const record: StoredItem = {};
  for (const name of Object.keys(item)) if (!names.has(name)) record[name] = item[name];
  return record;
}

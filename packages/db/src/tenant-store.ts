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
import { ConflictError, ValidationError } from '@gridsafe/core';
import { translateDynamoError } from './dynamo-errors.ts';
import { tenantKey, tenantPrefix } from './keys.ts';

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

/**
 * One county's view of the table. Every key it builds starts with the county's prefix, and every cursor it
 * accepts is checked to lie inside it, so code holding a TenantStore for `taihe` cannot name `linquan`'s items.
 */
export class TenantStore {
  readonly prefix: string;

  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly tenant: string,
    private readonly calls?: CallCounter,
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
      return result.Attributes;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return undefined;
      throw translateDynamoError(error);
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

  /** One Query call (one page). `cursor` is the opaque string this method returned before. */
  async queryPage(
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
    options: { limit: number; cursor?: string },
  ): Promise<{ items: StoredItem[]; nextCursor?: string }> {
    this.calls?.count('Query');
    try {
      const result = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          Limit: options.limit,
          ExclusiveStartKey: options.cursor ? this.decodeCursor(options.cursor) : undefined,
        }),
      );
      return {
        items: result.Items ?? [],
        nextCursor: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : undefined,
      };
    } catch (error) {
      throw translateDynamoError(error);
    }
  }

  /** Every page of a query; only for small, bounded sets (a county's departments, a record's audit trail). */
  async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<StoredItem[]> {
    const items: StoredItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.queryPage(input, { limit: 1000, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
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
    for (let attempt = 1; ; attempt++) {
      this.calls?.count('TransactWriteItems');
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const translated = translateDynamoError(error, what);
        const retryable = translated instanceof ConflictError && translated.code === 'transaction_conflict';
        if (!retryable || attempt >= 4) throw translated;
        await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt + Math.random() * 20));
      }
    }
  }

  private decodeCursor(cursor: string): Record<string, unknown> {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    } catch {
      throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
    }
    const valid =
      decoded !== null &&
      typeof decoded === 'object' &&
      Object.entries(decoded).every(
        ([name, value]) =>
          typeof value === 'string' && (!name.endsWith('pk') || value.startsWith(this.prefix)),
      );
    if (!valid)
      throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
    return decoded as Record<string, unknown>;
  }
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Strips the storage attributes, leaving the entity as the domain sees it. */
export function fromItem<T>(item: StoredItem): T {
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    gsi3pk: _e,
    gsi3sk: _f,
    gsi4pk: _g4,
    gsi4sk: _h4,
    duepk: _g,
    duesk: _h,
    auditSeq: _i,
    auditHead: _j,
    ...entity
  } = item;
  return entity as T;
}

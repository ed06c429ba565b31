import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from '@gridsafe/db';

/** DynamoDB's limit on requests in one BatchWriteItem call. */
const BATCH_SIZE = 25;
/** DynamoDB's limit on actions in one TransactWriteItems call. */
const TRANSACTION_SIZE = 100;
/** Attempts at a batch's unprocessed items before the seed gives up (backoff 50 ms doubling, at most 5 s). */
const MAX_UNPROCESSED_ROUNDS = 12;

export interface BulkWriterStats {
  /** Items written (records, audit events, credit-code claims, counter shards). */
  items: number;
  /** BatchWriteItem or TransactWriteItems calls (and BatchGetItem reads), retries included. */
  calls: number;
  /** Items DynamoDB answered as unprocessed (or in a transaction it cancelled on a conflict), sent again. */
  unprocessed: number;
  /** Counter updates folded into the in-memory totals instead of being sent. */
  counterUpdates: number;
  /** Condition checks left out (what they guard holds by construction: parents are written first). */
  conditionChecks: number;
}

export interface BulkWriterOptions {
  /**
   * Fold every counter ADD into shard 0 of its bucket (`SHARD#0`, `D#<day>#0`) instead of the shard the update
   * drew at random. Readers sum a bucket's shards, so the totals read the same, from up to 8× fewer items:
   * for a seed, where no concurrent writer needs the spread.
   */
  oneShard?: boolean;
  /**
   * How the Puts travel: `batch` (the default), BatchWriteItem with 25 items a call; `transaction`,
   * TransactWriteItems with 100. The same items either way. Pick `transaction` for DynamoDB Local keeping its data
   * on disk: it commits every item of a BatchWriteItem to its SQLite file on its own (a journal written and synced
   * to disk per item), but a transaction's items in one commit, which took the sized seed from 566 s to 164 s on
   * this machine (docs/performance.md, "Seeding Taihe at its size"). In memory BatchWriteItem is the faster one
   * (DynamoDB Local's transaction path costs about a quarter more CPU per item, and there is no disk to spare),
   * and on AWS a transactional write costs twice the capacity.
   */
  writeBy?: 'batch' | 'transaction';
}

/**
 * Writes what a repository's creation transaction holds, without the transaction: for seeding a county fast.
 *
 * - Each `Put` is sent as a BatchWriteItem PutRequest, 25 to a call (or, `writeBy: 'transaction'`, as a Put of
 *   a TransactWriteItems, 100 to a call), `inFlight` calls at once; items DynamoDB leaves unprocessed, and a
 *   transaction it cancels on a conflict, are sent again with backoff. Conditions are dropped: the caller must
 *   write each key once, which the deterministic seed does (a transaction would also refuse a key twice).
 * - Each counter `Update` (grid-stats.ts's `ADD #rev :one, #c0 :v0, …` on STATS#<grid> / SHARD#<n>) is added to
 *   an in-memory total for that very shard item, which `finish` writes once: the same items, on the same shard
 *   keys, with the same attributes the ADDs would have left (rev = how many updates reached the shard).
 * - A `ConditionCheck` is skipped (counted); anything else is refused rather than silently mis-written.
 */
export class BulkWriter {
  readonly stats: BulkWriterStats = {
    items: 0,
    calls: 0,
    unprocessed: 0,
    counterUpdates: 0,
    conditionChecks: 0,
  };
  private buffer: Record<string, unknown>[] = [];
  private readonly running = new Set<Promise<void>>();
  private failure: unknown;
  private readonly counters = new Map<string, { pk: string; sk: string; values: Record<string, number> }>();

  /** Items a call carries: 25 by BatchWriteItem, 100 by TransactWriteItems. */
  private readonly callSize: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly inFlight: number,
    private readonly options: BulkWriterOptions = {},
  ) {
    this.callSize = options.writeBy === 'transaction' ? TRANSACTION_SIZE : BATCH_SIZE;
  }

  /** Takes one creation transaction's items; resolves once the writer has room for more. */
  async add(items: TransactItem[]): Promise<void> {
    for (const item of items) {
      if (item.Put) {
        if (item.Put.TableName !== this.tableName) throw new Error(`A Put to ${item.Put.TableName}?`);
        this.buffer.push(item.Put.Item as Record<string, unknown>);
        if (this.buffer.length >= this.callSize) await this.send(this.buffer.splice(0, this.callSize));
      } else if (item.Update) {
        this.fold(item.Update);
      } else if (item.ConditionCheck) {
        this.stats.conditionChecks += 1;
      } else {
        throw new Error(`The bulk writer cannot write ${Object.keys(item).join(', ')}.`);
      }
    }
  }

  /** Sends what is buffered and waits for every call in flight (a phase's end). */
  async drain(): Promise<void> {
    while (this.buffer.length > 0) await this.send(this.buffer.splice(0, this.callSize));
    await Promise.all(this.running);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Writes the counter shards from the in-memory totals, then drains. Call once, after every record. */
  async finish(): Promise<number> {
    await this.drain();
    const shards = [...this.counters.values()];
    for (const shard of shards) {
      this.buffer.push({ pk: shard.pk, sk: shard.sk, ...shard.values });
      if (this.buffer.length >= this.callSize) await this.send(this.buffer.splice(0, this.callSize));
    }
    this.counters.clear();
    await this.drain();
    return shards.length;
  }

  /**
   * Adds the in-memory totals to counter items that may already hold counts (a county seeded before, whose
   * shards a Put would overwrite): one UpdateItem ADD per item, `inFlight` at once, then drains. Call once.
   */
  async finishByAdding(): Promise<number> {
    await this.drain();
    const shards = [...this.counters.values()];
    this.counters.clear();
    for (const shard of shards) {
      const names = Object.keys(shard.values);
      const call = this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: shard.pk, sk: shard.sk },
            UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#c${i}`, name])),
            ExpressionAttributeValues: Object.fromEntries(
              names.map((name, i) => [`:v${i}`, shard.values[name]]),
            ),
          }),
        )
        .then(() => {
          this.stats.calls += 1;
        })
        .catch((error: unknown) => {
          this.failure ??= error;
        })
        .finally(() => this.running.delete(call));
      this.running.add(call);
      while (this.running.size >= this.inFlight) await Promise.race(this.running);
    }
    await this.drain();
    return shards.length;
  }

  /**
   * Adds the in-memory totals to counter items that may already hold counts, as `finishByAdding` does, in a
   * fraction of the calls: the items as they stand by BatchGetItem (100 a call), each total added to them in memory,
   * the sums written back by BatchWriteItem. Only for a table nobody else writes meanwhile (a seed before the API
   * starts): a count added between the read and the write would be lost. Call once, after every record. Items
   * whose partition `mayExist` says is new are not read (the caller knows nothing was counted there yet).
   */
  async finishByMerging(mayExist: (pk: string) => boolean = () => true): Promise<number> {
    await this.drain();
    const shards = [...this.counters.values()];
    this.counters.clear();
    const reads: Promise<void>[] = [];
    const found = new Map<string, Record<string, unknown>>();
    const toRead = shards.filter((shard) => mayExist(shard.pk));
    for (let start = 0; start < toRead.length; start += 100) {
      const keys = toRead.slice(start, start + 100).map(({ pk, sk }) => ({ pk, sk }));
      reads.push(
        this.batchGet(keys).then((items) => {
          for (const item of items) found.set(`${item.pk}\u0000${item.sk}`, item);
        }),
      );
      if (reads.length >= this.inFlight) await Promise.all(reads.splice(0));
    }
    await Promise.all(reads);
    for (const shard of shards) {
      const item: Record<string, unknown> = { ...found.get(`${shard.pk}\u0000${shard.sk}`), ...shard };
      delete item.values;
      for (const [name, value] of Object.entries(shard.values)) {
        const before = item[name];
        item[name] = (typeof before === 'number' ? before : 0) + value;
      }
      this.buffer.push(item);
      if (this.buffer.length >= this.callSize) await this.send(this.buffer.splice(0, this.callSize));
    }
    await this.drain();
    return shards.length;
  }

  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_UNPROCESSED_ROUNDS)
        throw new Error(`${pending.length} keys stayed unprocessed after ${round} BatchGetItem calls.`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 50 * 2 ** round)));
      this.stats.calls += 1;
      const result = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      found.push(...(result.Responses?.[this.tableName] ?? []));
      pending = result.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  /** The counter totals folded so far, by `pk` + `sk` (for checks). */
  counterTotals(): { pk: string; sk: string; values: Record<string, number> }[] {
    return [...this.counters.values()];
  }

  private fold(update: NonNullable<TransactItem['Update']>): void {
    const key = update.Key as { pk?: unknown; sk?: unknown } | undefined;
    const expression = update.UpdateExpression ?? '';
    const match = /^ADD (.+)$/.exec(expression);
    if (
      !match ||
      update.ConditionExpression ||
      typeof key?.pk !== 'string' ||
      typeof key.sk !== 'string' ||
      !(key.pk.includes('#STATS#') || key.pk.includes('#LEDGER#'))
    ) {
      throw new Error(`The bulk writer only folds counter ADDs, not ${JSON.stringify(update)}.`);
    }
    const sk = this.options.oneShard ? key.sk.replace(/#\d+$/, '#0') : key.sk;
    const id = `${key.pk}\u0000${sk}`;
    const shard = this.counters.get(id) ?? { pk: key.pk, sk, values: {} };
    for (const part of match[1]!.split(',')) {
      const [nameRef, valueRef, extra] = part.trim().split(/\s+/);
      const name = nameRef ? update.ExpressionAttributeNames?.[nameRef] : undefined;
      const value = valueRef ? (update.ExpressionAttributeValues?.[valueRef] as unknown) : undefined;
      if (!name || typeof value !== 'number' || extra !== undefined) {
        throw new Error(`The bulk writer cannot fold "${part.trim()}" of ${expression}.`);
      }
      shard.values[name] = (shard.values[name] ?? 0) + value;
    }
    this.counters.set(id, shard);
    this.stats.counterUpdates += 1;
  }

  /** Starts one batch call, first waiting for a free slot. */
  private async send(items: Record<string, unknown>[]): Promise<void> {
    while (this.running.size >= this.inFlight) await Promise.race(this.running);
    if (this.failure !== undefined) throw this.failure;
    const call = this.write(items)
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => this.running.delete(call));
    this.running.add(call);
  }

  private async write(items: Record<string, unknown>[]): Promise<void> {
    if (this.options.writeBy === 'transaction') return this.writeInTransaction(items);
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0) {
        if (round >= MAX_UNPROCESSED_ROUNDS)
          throw new Error(`${pending.length} items stayed unprocessed after ${round} BatchWriteItem calls.`);
        this.stats.unprocessed += pending.length;
        await backOff(round);
      }
      this.stats.calls += 1;
      const result = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      const left = result.UnprocessedItems?.[this.tableName] ?? [];
      this.stats.items += pending.length - left.length;
      pending = left as typeof pending;
    }
  }

  /**
   * The items as the Puts of one TransactWriteItems: one commit in DynamoDB Local's SQLite file instead of one per
   * item. Nobody else writes the county meanwhile, so a cancellation can only be a conflict with a transaction
   * still finishing (or a request DynamoDB refuses outright, which fails the seed as it should): sent again.
   */
  private async writeInTransaction(items: Record<string, unknown>[]): Promise<void> {
    const TransactItems = items.map((Item) => ({ Put: { TableName: this.tableName, Item } }));
    for (let round = 0; ; round++) {
      if (round > 0) await backOff(round);
      this.stats.calls += 1;
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems }));
        this.stats.items += items.length;
        return;
      } catch (error) {
        if (!isConflictOnly(error) || round + 1 >= MAX_UNPROCESSED_ROUNDS) throw error;
        this.stats.unprocessed += items.length;
      }
    }
  }
}

/** Jittered exponential backoff before attempt `round` (1, 2, …): 50 ms doubling, at most 5 s. */
function backOff(round: number): Promise<void> {
  const backoff = Math.min(5_000, 50 * 2 ** (round - 1));
  return new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
}

/** A TransactWriteItems cancelled only because another transaction held (or throttling refused) its items. */
function isConflictOnly(error: unknown): boolean {
  const { name, CancellationReasons } = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  const retryable = ['TransactionConflict', 'ThrottlingError'];
  return (
    reasons.some((code) => retryable.includes(code)) &&
    reasons.every((code) => code === 'None' || retryable.includes(code))
  );
}

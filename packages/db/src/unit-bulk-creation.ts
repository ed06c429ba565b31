import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isActiveUnit, type Unit } from '@gridsafe/core';
import { translateDynamoError } from './dynamo-errors.ts';
import { unitEntity } from './entities.ts';
import { counterUpdate } from './grid-stats.ts';
import { SearchIndex } from './search-index.ts';
import type { StoredItem, TenantStore, TransactItem } from './tenant-store.ts';
import { UnitRepository, unitSearchDocument } from './unit-repository.ts';
import type { WriteContext } from './write-context.ts';

/**
 * A unit import's writes (docs/decisions.md, "Search": the unit import writes postings after its units), apart
 * from UnitRepository so that only the import and the migration load them: the county API's cold start does not.
 */

/** DynamoDB's limit on requests in one BatchWriteItem call. */
export const MAX_BATCH_WRITE_ITEMS = 25;
/** Reads of a batch's units after its postings, looking for a change that raced them (each is rare). */
const MAX_RECHECK_ROUNDS = 3;
/** Rounds of sending back what BatchWriteItem left unprocessed before giving up. */
const MAX_UNPROCESSED_ROUNDS = 10;
/** One request of a BatchWriteItem: a whole item put, or a key deleted. No conditions (BatchWriteItem has none). */
export type BatchWrite = { put: StoredItem } | { delete: { pk: string; sk: string } };

/** What a unit's search postings are written from, and its version (to see it changed after they were). */
type IndexedUnit = Pick<Unit, 'id' | 'name' | 'address' | 'creditCode' | 'version'>;

/** Units createMany wrote in one transaction, and the marker that holds their search postings owed. */
export interface CreatedBatch {
  marker: { pk: string; sk: string };
  units: IndexedUnit[];
}

export class UnitBulkCreation {
  private readonly units: UnitRepository;
  private readonly search: SearchIndex;

  constructor(private readonly store: TenantStore) {
    this.units = new UnitRepository(store);
    this.search = new SearchIndex(store, 'unit');
  }

  /**
   * Several new units in one transaction, for bulk imports: each unit's item, credit-code claim and audit event,
   * one counter update per grid node for all of them together, and one search-pending marker naming the units
   * (so 32 units of a village are 100 items, not 32 transactions). All or nothing: if any claim is taken,
   * nothing is written and a ConflictError says so, and the caller creates the units one by one to learn which.
   *
   * The units' search postings (some 25 a unit) are not in the transaction: they are written after it by
   * BatchWriteItem (`indexCreated`), which then deletes the marker. The marker is written with the units, so a
   * writer that stops between the two leaves it behind, and `finishPendingSearch` (run when an import opens)
   * writes the postings it names: every unit created here is found by search once its import is done.
   */
  async createMany(units: Unit[], ctx: WriteContext): Promise<CreatedBatch> {
    const counts = new Map<string, { gridId: string; depth: number; units: number }>();
    const items: TransactItem[] = [];
    for (const unit of units) {
      items.push(...this.units.recordItems(unit, ctx, false));
      if (!isActiveUnit(unit)) continue;
      for (const [depth, gridId] of unit.gridPath.split('/').entries()) {
        const node = counts.get(gridId) ?? { gridId, depth, units: 0 };
        node.units += 1;
        counts.set(gridId, node);
      }
    }
    for (const node of counts.values()) {
      const update = counterUpdate(this.store, node.gridId, node.depth, { units: node.units });
      if (update) items.push(update);
    }
    const marker = this.pendingKey((units[0] as Unit).id);
    items.push({
      Put: {
        TableName: this.store.tableName,
        Item: { ...marker, type: 'SearchPending', ids: units.map((unit) => unit.id) },
      },
    });
    await this.store.transact(items, 'unit');
    return { marker, units };
  }

  /**
   * The search postings of units createMany wrote (BatchWriteItem, 25 a call, `inFlight` calls at once), checked
   * against the units as they are after (`recheck`), then the batches' markers deleted. Postings are whole-item Puts
   * keyed by unit and gram, so writing them again (a retried import, finishPendingSearch racing an import still
   * running) rewrites the same items.
   */
  async indexCreated(batches: readonly CreatedBatch[], inFlight = 4): Promise<void> {
    const units = new Map(batches.flatMap(({ units }) => units.map((unit) => [unit.id, unit] as const)));
    await this.writePostings(units.values(), inFlight);
    await this.recheck(units, inFlight);
    await batchWrite(
      this.store,
      batches.map((batch) => ({ delete: batch.marker })),
      inFlight,
    );
  }

  /**
   * Writes the postings of every batch createMany left marked (an import job leaves them to this once its rows
   * are in; a writer that stopped before `indexCreated` leaves them too), from the units as they are now (a unit
   * renamed meanwhile is indexed by its new name), and deletes the markers: one Query of the county's markers
   * when there are none. `keepGoing` is asked before each batch (a Lambda's time); what it stops is left marked.
   * Answers how many units it indexed, and whether it left any batch marked.
   */
  async finishPendingSearch(
    keepGoing: () => boolean = () => true,
    inFlight = 4,
  ): Promise<{ indexed: number; complete: boolean }> {
    const markers = await this.store.queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': this.pendingKey('').pk },
    });
    let indexed = 0;
    for (const marker of markers) {
      if (!keepGoing()) return { indexed, complete: false };
      const units = [...(await this.current((marker.ids as string[] | undefined) ?? [])).values()];
      await this.indexCreated(
        [{ marker: { pk: String(marker.pk), sk: String(marker.sk) }, units }],
        inFlight,
      );
      indexed += units.length;
    }
    return { indexed, complete: true };
  }

  /**
   * A unit changed between the read its postings were written from and those writes (a rename as the postings
   * went) had the postings of its new text overwritten with the old, and its old grams written again: this writes
   * what it holds now and deletes the grams it no longer has, until a read finds nothing changed since the last
   * writes (at most MAX_RECHECK_ROUNDS). One consistent BatchGetItem per 100 units when nothing changed.
   */
  private async recheck(written: ReadonlyMap<string, IndexedUnit>, inFlight: number): Promise<void> {
    const ids = [...written.keys()];
    let units: ReadonlyMap<string, IndexedUnit> = written;
    for (let round = 0; round < MAX_RECHECK_ROUNDS; round++) {
      const now = await this.current(ids);
      const writes: BatchWrite[] = [];
      for (const [id, unit] of now) {
        const before = units.get(id);
        if (!before || before.version === unit.version) continue;
        for (const change of this.search.changes(id, unitSearchDocument(before), unitSearchDocument(unit)))
          if (change.Put?.Item) writes.push({ put: change.Put.Item as StoredItem });
          else if (change.Delete?.Key)
            writes.push({ delete: change.Delete.Key as { pk: string; sk: string } });
      }
      units = now;
      if (writes.length === 0) return;
      await batchWrite(this.store, writes, inFlight);
    }
  }

  /** The units as they are now, by id (a consistent read). */
  private async current(ids: readonly string[]): Promise<Map<string, Unit>> {
    const stored = await this.units.getStoredMany([...ids], true);
    return new Map(stored.map((item) => [String(item.id), unitEntity.fromItem<Unit>(item)]));
  }

  /** Every posting of these units (their name and address grams, and their credit code). */
  private async writePostings(units: Iterable<IndexedUnit>, inFlight: number): Promise<void> {
    const writes: BatchWrite[] = [];
    for (const unit of units) {
      for (const put of this.search.postings(unit.id, unitSearchDocument(unit))) writes.push({ put });
      if (unit.creditCode) writes.push({ put: this.search.codePosting(unit.id, unit.creditCode) });
    }
    await batchWrite(this.store, writes, inFlight);
  }

  /** The marker of a batch createMany wrote, keyed by its first unit's id. */
  private pendingKey(firstId: string): { pk: string; sk: string } {
    return { pk: this.store.key('SEARCHPENDING', 'unit'), sk: firstId };
  }
}

/**
 * Unconditional puts and deletes of this county's items, 25 to a BatchWriteItem call with `inFlight` calls at
 * once, sending back what DynamoDB leaves unprocessed after a growing pause. Not atomic: for writes that are
 * idempotent and may be repeated whole (search postings, whose claim to be written is kept elsewhere).
 */
export async function batchWrite(
  store: TenantStore,
  writes: readonly BatchWrite[],
  inFlight = 4,
): Promise<void> {
  for (const write of writes) {
    const pk = 'put' in write ? write.put.pk : write.delete.pk;
    if (typeof pk !== 'string' || !pk.startsWith(store.prefix))
      throw new Error('A county store writes only its own items.');
  }
  const requests = writes.map((write) =>
    'put' in write ? { PutRequest: { Item: write.put } } : { DeleteRequest: { Key: write.delete } },
  );
  let next = 0;
  const worker = async () => {
    for (;;) {
      const start = next;
      if (start >= requests.length) return;
      next += MAX_BATCH_WRITE_ITEMS;
      let pending: Record<string, unknown>[] = requests.slice(start, start + MAX_BATCH_WRITE_ITEMS);
      for (let round = 0; pending.length > 0; round++) {
        if (round > 0) {
          if (round >= MAX_UNPROCESSED_ROUNDS)
            throw new Error(
              `${pending.length} items stayed unprocessed after ${round} BatchWriteItem calls.`,
            );
          const backoff = Math.min(2_000, 25 * 2 ** round);
          await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
        }
        store.calls?.count('BatchWriteItem');
        try {
          const result = await store.client.send(
            new BatchWriteCommand({ RequestItems: { [store.tableName]: pending } }),
          );
          pending = result.UnprocessedItems?.[store.tableName] ?? [];
        } catch (error) {
          throw translateDynamoError(error);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, worker));
}

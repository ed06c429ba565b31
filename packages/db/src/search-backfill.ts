import { hazardSearchDocument } from './hazard-repository.ts';
import { riskPointSearchDocument } from './risk-point-repository.ts';
import { SearchIndex } from './search-index.ts';
import { MAX_TRANSACTION_ITEMS, type TenantStore, type TransactItem } from './tenant-store.ts';
import { UnitBulkCreation } from './unit-bulk-creation.ts';
import { unitSearchDocument } from './unit-repository.ts';

/** Transactions of postings in flight at once: enough to hide latency, far under a table's write capacity. */
const IN_FLIGHT = 8;

/**
 * `npm run migrate` for counties written before search: every unit's, risk point's and hazard's postings, from the
 * records as they are (docs/decisions.md, "Search"). Postings are Puts of whole items keyed by the record and the
 * gram, so running it again rewrites the same items, and a run after an interruption finishes the job. It reads
 * each collection's gsi1 partition once, with only the indexed fields. Batches an import left marked as owing
 * their postings (UnitBulkCreation.finishPendingSearch) are finished first, so their markers go too.
 */
export async function backfillSearchIndex(
  store: TenantStore,
): Promise<{ units: number; riskPoints: number; hazards: number; postings: number }> {
  await new UnitBulkCreation(store).finishPendingSearch();
  const [units, points, hazards] = await Promise.all([
    store.collectionFields('UNITS', ['id', 'name', 'address', 'creditCode']),
    store.collectionFields('RPS', ['id', 'name']),
    store.collectionFields('HAZARDS', ['id', 'title']),
  ]);
  const unitIndex = new SearchIndex(store, 'unit');
  const pointIndex = new SearchIndex(store, 'risk-point');
  const hazardIndex = new SearchIndex(store, 'hazard');
  // Made record by record as the writers take them: a county of 320,000 units has some ten million postings.
  function* postings(): Generator<TransactItem> {
    for (const unit of units) {
      const document = unitSearchDocument({
        name: String(unit.name),
        address: unit.address as string | undefined,
      });
      yield* unitIndex.puts(String(unit.id), document);
      // A unit registered without a licence (无证照) has no code to post.
      if (typeof unit.creditCode === 'string') yield unitIndex.codePut(String(unit.id), unit.creditCode);
    }
    for (const point of points)
      yield* pointIndex.puts(String(point.id), riskPointSearchDocument({ name: String(point.name) }));
    for (const hazard of hazards)
      yield* hazardIndex.puts(String(hazard.id), hazardSearchDocument({ title: String(hazard.title) }));
  }
  const source = postings();
  let written = 0;
  const worker = async () => {
    for (;;) {
      const chunk: TransactItem[] = [];
      for (let item = source.next(); !item.done; item = source.next()) {
        chunk.push(item.value);
        if (chunk.length === MAX_TRANSACTION_ITEMS) break;
      }
      if (chunk.length === 0) return;
      written += chunk.length;
      await store.transact(chunk, 'search index');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { units: units.length, riskPoints: points.length, hazards: hazards.length, postings: written };
}

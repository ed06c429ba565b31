import {
  looksLikeCreditCodePrefix,
  normalizeSearchText,
  queryGrams,
  type SearchDocument,
} from '@gridsafe/core';
import { sortKeyRange } from './keys.ts';
import type { Page, QueryInput, StoredItem, TenantStore, TransactItem } from './tenant-store.ts';

/** The record kinds a list can search, each with its own postings. */
export type SearchKind = 'unit' | 'risk-point' | 'hazard';

/**
 * How many grams of a query are probed for the rarest one. Every record holding the query holds each of its
 * grams, so any gram's postings are a complete candidate set; probing a few finds a short one cheaply.
 */
const PROBED_GRAMS = 4;

/** A search result page: record ids in index order, verified to hold the query, not yet scoped or filtered. */
export interface SearchHits {
  ids: string[];
  nextCursor?: string;
}

/**
 * A record's creation items less its search postings, for bulk loaders that build the index afterwards (the sized
 * seed, with `indexSizedCountyForSearch`) or never search (the benchmark's synthetic county): a unit's 20-odd
 * postings are most of what it writes, and DynamoDB Local's cost is per item.
 */
export function withoutSearchPostings(items: TransactItem[]): TransactItem[] {
  return items.filter((item) => item.Put?.Item?.type !== 'SearchPosting');
}

/**
 * The n-gram index of a county's records, kept in the table itself (docs/decisions.md, "Search"; the items are in
 * docs/data-model.md). A record of text "宏达建材" has one posting per distinct gram:
 *
 *   pk T#<tenant>#SEARCH#<kind>#宏   sk 达#<id>   { id, text: '宏达建材', first: true }
 *   pk T#<tenant>#SEARCH#<kind>#材   sk #<id>     (the end of a field: every character leads some gram)
 *
 * A two-character query is one sort-key range of one partition; a longer one reads the postings of its rarest
 * probed gram with the record's whole text filtered by `contains`, so what comes back holds the query and no
 * record is read that does not. A one-character query reads the records' `first` postings under that character.
 * Units also keep one posting per credit code (pk SEARCH#unit-code, sk <code>), so a code's prefix is a range.
 */
export class SearchIndex {
  constructor(
    private readonly store: TenantStore,
    private readonly kind: SearchKind,
  ) {}

  /** The Puts of a new record's postings, for its creation transaction. */
  puts(id: string, document: SearchDocument): TransactItem[] {
    return this.postings(id, document).map((Item) => ({ Put: { TableName: this.store.tableName, Item } }));
  }

  /** A record's postings as whole items: what `puts` writes, for writers outside a transaction. */
  postings(id: string, document: SearchDocument): StoredItem[] {
    return document.grams.map((gram) => ({
      ...this.postingKey(gram.lead, gram.next, id),
      type: 'SearchPosting',
      id,
      text: document.text,
      ...(gram.first ? { first: true } : {}),
    }));
  }

  /**
   * What a change of a record's text writes in the change's transaction: every gram of the new text again (each
   * posting carries the whole text the filter checks) and a Delete for each gram the text no longer has. Nothing
   * when the indexed text is the same.
   */
  changes(id: string, before: SearchDocument, after: SearchDocument): TransactItem[] {
    if (before.text === after.text) return [];
    const kept = new Set(after.grams.map((gram) => `${gram.lead}\n${gram.next}`));
    const deletes = before.grams
      .filter((gram) => !kept.has(`${gram.lead}\n${gram.next}`))
      .map((gram) => ({
        Delete: { TableName: this.store.tableName, Key: this.postingKey(gram.lead, gram.next, id) },
      }));
    return [...this.puts(id, after), ...deletes];
  }

  /** A unit's credit-code posting (codes never change, so it is written once, with the unit). */
  codePut(id: string, creditCode: string): TransactItem {
    return { Put: { TableName: this.store.tableName, Item: this.codePosting(id, creditCode) } };
  }

  /** The credit-code posting as a whole item, for writers outside a transaction. */
  codePosting(id: string, creditCode: string): StoredItem {
    return { pk: this.codePartition(), sk: creditCode, type: 'SearchPosting', id };
  }

  /**
   * searchRecords: the ids of records whose text holds `query`, a page at a time. Reads at most PROBED_GRAMS
   * Queries of `limit` postings for a first page and one Query for each next page; never the county's records.
   */
  async search(query: string, page: { limit: number; cursor?: string }): Promise<SearchHits> {
    const normalized = normalizeSearchText(query);
    const list = `search|${this.kind}|${normalized}`;
    const code = this.kind === 'unit' && looksLikeCreditCodePrefix(normalized);
    if (page.cursor) {
      const { gram, inner } = await this.store.openCursor(page.cursor, list);
      const input = code
        ? this.codeQuery(normalized)
        : this.gramQuery(String(gram), normalized, queryGrams(normalized));
      return this.sealed(await this.read(input, page.limit, String(inner)), String(gram), list);
    }
    if (code) return this.sealed(await this.read(this.codeQuery(normalized), page.limit), 'code', list);
    const grams = spread(queryGrams(normalized), PROBED_GRAMS);
    const probes = await Promise.all(
      grams.map(async (gram) => {
        const name = gram.lead + (gram.next ?? '');
        return { name, page: await this.read(this.gramQuery(name, normalized, grams), page.limit) };
      }),
    );
    // A probe that ended holds every record with the query; else the first gram's postings are paged.
    const chosen = probes.find((probe) => !probe.page.nextCursor) ?? (probes[0] as (typeof probes)[number]);
    return this.sealed(chosen.page, chosen.name, list);
  }

  private async read(input: QueryInput, limit: number, cursor?: string): Promise<Page<StoredItem>> {
    return this.store.queryPage(input, { limit, ...(cursor ? { cursor } : {}) });
  }

  private async sealed(found: Page<StoredItem>, gram: string, list: string): Promise<SearchHits> {
    return {
      ids: [...new Set(found.items.map((item) => String(item.id)))],
      ...(found.nextCursor
        ? { nextCursor: await this.store.sealCursor({ gram, inner: found.nextCursor }, list) }
        : {}),
    };
  }

  /** One gram's postings (a sort-key range), or a one-character query's first postings, filtered by the text. */
  private gramQuery(name: string, query: string, grams: { lead: string; next?: string }[]): QueryInput {
    const gram = grams.find((candidate) => candidate.lead + (candidate.next ?? '') === name);
    if (!gram) throw new Error('A search cursor names a gram of another query.');
    const single = gram.next === undefined;
    return {
      KeyConditionExpression: single ? 'pk = :pk' : 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
      FilterExpression: single ? 'attribute_exists(#first) AND contains(#text, :q)' : 'contains(#text, :q)',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#id': 'id', '#text': 'text', ...(single ? { '#first': 'first' } : {}) },
      ExpressionAttributeValues: {
        ':pk': this.store.key('SEARCH', this.kind, gram.lead),
        ':q': query,
        ...(single ? {} : sortKeyRange(`${gram.next}#`)),
      },
    };
  }

  private codeQuery(query: string): QueryInput {
    return {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :path AND :pathEnd',
      ProjectionExpression: '#id',
      ExpressionAttributeNames: { '#id': 'id' },
      ExpressionAttributeValues: { ':pk': this.codePartition(), ...sortKeyRange(query.toUpperCase()) },
    };
  }

  private postingKey(lead: string, next: string, id: string): { pk: string; sk: string } {
    return { pk: this.store.key('SEARCH', this.kind, lead), sk: `${next}#${id}` };
  }

  private codePartition(): string {
    return this.store.key('SEARCH', `${this.kind}-code`);
  }
}

/** At most `count` of the grams, spread over the query (its start, its end and between), in query order. */
function spread<T>(grams: T[], count: number): T[] {
  if (grams.length <= count) return grams;
  const step = (grams.length - 1) / (count - 1);
  return Array.from({ length: count }, (_, i) => grams[Math.round(i * step)] as T);
}

/**
 * The text a list search matches: what is indexed of a record, how a query is put into the same form, and the
 * two-character grams (bigrams) the n-gram index of the table is keyed by (docs/decisions.md, "Search").
 * Pure: the items themselves are written by @gridsafe/db's search-index.ts.
 */

/** The longest query accepted (`q=`); longer text is no longer a search for a name. */
export const SEARCH_QUERY_MAX_LENGTH = 50;

/** Separates a record's indexed fields in its stored search text; never part of a normalised query. */
const FIELD_SEPARATOR = '\n';

/**
 * Puts a field or a query into the form the index compares: NFKC (full-width Latin and digits, as Chinese input
 * methods type them, become half-width), lower case, and no whitespace at all (people type 宏达 建材 for 宏达建材).
 *
 * @example
 * normalizeSearchText(' 宏达 ＡＢＣ建材 '); // '宏达abc建材'
 */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/**
 * One posting of a record in the index: the character a gram starts with (`lead`, the partition), the one
 * after it (`next`; '' at the end of a field, so every character of the text starts some gram), and whether
 * this is the record's first gram with that lead (a one-character query reads only those, one per record).
 */
export interface SearchGram {
  lead: string;
  next: string;
  first: boolean;
}

export interface SearchDocument {
  /** The normalised fields, joined by a separator no query contains: what a query must be a substring of. */
  text: string;
  /** Each distinct gram of the fields once. */
  grams: SearchGram[];
}

/**
 * The indexed form of a record's searchable fields, each cut to at most `maxChars` characters (so a record's
 * postings fit one transaction with the record: the cut is the cost bound of docs/decisions.md, "Search").
 *
 * @example
 * searchDocument([['宏达建材', 20]]).grams.map((g) => g.lead + g.next); // ['宏达', '达建', '建材', '材']
 */
export function searchDocument(fields: readonly (readonly [value: string | undefined, maxChars: number])[]) {
  const parts = fields
    .map(([value, maxChars]) => Array.from(normalizeSearchText(value ?? '')).slice(0, maxChars))
    .filter((chars) => chars.length > 0);
  const seen = new Set<string>();
  const leads = new Set<string>();
  const grams: SearchGram[] = [];
  for (const chars of parts) {
    for (const [i, lead] of chars.entries()) {
      const next = chars[i + 1] ?? '';
      if (seen.has(lead + FIELD_SEPARATOR + next)) continue;
      seen.add(lead + FIELD_SEPARATOR + next);
      grams.push({ lead, next, first: !leads.has(lead) });
      leads.add(lead);
    }
  }
  return { text: parts.map((chars) => chars.join('')).join(FIELD_SEPARATOR), grams } satisfies SearchDocument;
}

/**
 * The grams a normalised query is looked up by: each distinct adjacent pair of its characters, or for a
 * one-character query that character alone (`next` undefined: every gram it leads).
 */
export function queryGrams(query: string): { lead: string; next?: string }[] {
  const chars = Array.from(query);
  if (chars.length === 1) return [{ lead: chars[0] as string }];
  const grams = new Map<string, { lead: string; next: string }>();
  for (let i = 0; i + 1 < chars.length; i++) {
    const lead = chars[i] as string;
    const next = chars[i + 1] as string;
    grams.set(lead + next, { lead, next });
  }
  return [...grams.values()];
}

/**
 * True when a query reads as the start of a unified social credit code rather than a name: two or more of the
 * code's characters (GB 32100-2015's alphabet) with at least one digit. Names of only Latin letters ("ABC")
 * are still searched as names.
 */
export function looksLikeCreditCodePrefix(query: string): boolean {
  const upper = query.toUpperCase();
  return /^[0-9A-HJ-NPQRTUWXY]{2,18}$/.test(upper) && /[0-9]/.test(upper);
}

import {
  type CsvRecord,
  CsvSyntaxError,
  csvRecords,
  decodeSpreadsheetText,
  matchColumns,
  type SpreadsheetEncoding,
  ValidationError,
} from '@gridsafe/core';

/**
 * The start every spreadsheet import shares: the bytes decoded (GB18030, UTF-8 or UTF-16, as Excel saved them),
 * the rows read, and the header matched to the import's fields. A file that cannot be read at all, or lacks a
 * required column, is refused whole (400 naming the line or the column); bad rows are each import's own answer.
 */
export function readSpreadsheet<F extends string>(
  bytes: Uint8Array,
  spellings: Record<F, readonly string[]>,
  required: readonly NoInfer<F>[],
): { encoding: SpreadsheetEncoding; rows: CsvRecord[]; columnOf: Partial<Record<F, string>> } {
  const { text, encoding } = decodeSpreadsheetText(bytes);
  let table: ReturnType<typeof csvRecords>;
  try {
    table = csvRecords(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new ValidationError([{ path: `line ${error.line}`, message: error.message }]);
    throw error;
  }
  return { encoding, rows: table.rows, columnOf: matchRequiredColumns(table.header, spellings, required) };
}

/** The header matched to the import's fields; a 400 naming each required column it lacks. */
export function matchRequiredColumns<F extends string>(
  header: readonly string[],
  spellings: Record<F, readonly string[]>,
  required: readonly NoInfer<F>[],
): Partial<Record<F, string>> {
  const columnOf = matchColumns(header, spellings);
  const missing = required.filter((field) => !columnOf[field]);
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map((field) => ({
        path: `header.${field}`,
        message: `missing column (one of: ${spellings[field].join(', ')})`,
      })),
    );
  }
  return columnOf;
}

/** How many rows came to each outcome. */
export function importSummary(
  results: readonly { status: 'created' | 'updated' | 'unchanged' | 'rejected' }[],
) {
  const count = (status: string) => results.filter((result) => result.status === status).length;
  return {
    total: results.length,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    rejected: count('rejected'),
  };
}

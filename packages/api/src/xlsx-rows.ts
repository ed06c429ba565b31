import { Readable } from 'node:stream';
import { type CsvRecord, ValidationError } from '@gridsafe/core';
import ExcelJS from 'exceljs';

// The one reader of .xlsx cells, for the unit import job (a county's whole file, from disk) and the grid tree's
// import (a body of up to 5 MB, from memory). exceljs is large: only code loaded when an .xlsx arrives imports
// this module, so it stays out of the API's cold start.

/** A spreadsheet's header and its data rows, as csvRecords reads them (trimmed values by header name). */
export interface SheetRows {
  header: string[];
  rows: AsyncIterable<CsvRecord>;
  /** Data rows in all, when known without reading the file again. */
  total?: number;
}

/**
 * The first worksheet of an .xlsx (a file's path, or its bytes) through exceljs's streaming reader, a row at a
 * time, so a 320,000-row workbook never sits in memory. The first non-blank row is the header; values are read
 * as the text Excel shows. A workbook that cannot be read is a 400 naming `field` (the body, the upload).
 */
export async function xlsxRows(source: string | Uint8Array, field: string): Promise<SheetRows> {
  // exceljs's reader never settles on an empty stream.
  if (typeof source !== 'string' && source.byteLength === 0)
    throw new ValidationError([{ path: field, message: 'the workbook is empty' }]);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(
    typeof source === 'string' ? source : Readable.from([Buffer.from(source)]),
    { worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' },
  );
  const rows = unreadableAs(field, sheetRows(reader))[Symbol.asyncIterator]();
  const first = await rows.next();
  if (first.done) throw new ValidationError([{ path: field, message: 'the workbook has no rows' }]);
  const header = first.value.cells.map((cell) => cell.trim());
  const seen = new Set<string>();
  const keys = header.map((name) => {
    if (name === '' || seen.has(name)) return undefined;
    seen.add(name);
    return name;
  });
  return {
    header,
    rows: (async function* () {
      for (let next = await rows.next(); !next.done; next = await rows.next()) {
        const { line, cells } = next.value;
        const values: Record<string, string> = Object.fromEntries(
          keys.flatMap((key, i) => (key === undefined ? [] : [[key, (cells[i] ?? '').trim()]])),
        );
        yield { line, values };
      }
    })(),
  };
}

/** Every data row of a small workbook, read at once. */
export async function xlsxTable(
  bytes: Uint8Array,
  field: string,
): Promise<{ header: string[]; rows: CsvRecord[] }> {
  const sheet = await xlsxRows(bytes, field);
  const rows: CsvRecord[] = [];
  for await (const record of sheet.rows) rows.push(record);
  return { header: sheet.header, rows };
}

/** The non-blank rows of the workbook's first worksheet, each as its cells' text. */
async function* sheetRows(reader: ExcelJS.stream.xlsx.WorkbookReader) {
  for await (const worksheet of reader) {
    for await (const row of worksheet as AsyncIterable<ExcelJS.Row>) {
      const values = row.values as unknown[];
      const cells = Array.from({ length: Math.max(values.length - 1, 0) }, (_, i) => cellText(values[i + 1]));
      if (cells.some((cell) => cell.trim() !== '')) yield { line: row.number, cells };
    }
    return;
  }
}

/** A file that is not a workbook (not a zip, a zip without a sheet, a broken sheet) refused as bad input. */
async function* unreadableAs<T>(field: string, rows: AsyncIterable<T>): AsyncIterable<T> {
  try {
    yield* rows;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError([{ path: field, message: 'not a readable .xlsx workbook' }]);
  }
}

/** A cell as text: rich text joined, a formula's result, a hyperlink's text, a date as its ISO day. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  const cell = value as { richText?: { text: string }[]; result?: unknown; text?: unknown };
  if (cell.richText) return cell.richText.map((part) => part.text).join('');
  if ('result' in cell) return cellText(cell.result);
  if ('text' in cell) return cellText(cell.text);
  return '';
}

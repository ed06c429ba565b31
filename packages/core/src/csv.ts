/**
 * Spreadsheets in and out. Counties send unit and risk-point lists saved by Excel, which on Chinese Windows
 * writes "CSV (逗号分隔)" in the ANSI code page (GBK, read here as its superset GB18030), "CSV UTF-8" with a BOM,
 * and "Unicode 文本" as tab-separated UTF-16LE with a BOM. Assessments go back out as CSV for Excel users.
 */

export type SpreadsheetEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/**
 * Turns the bytes of an uploaded spreadsheet export into text, telling which encoding it took. A byte-order mark
 * decides (and is removed); without one, text that is valid UTF-8 is UTF-8 and anything else is GB18030. GBK text
 * that happens to be valid UTF-8 is vanishingly rare beyond a couple of characters, so the order is safe.
 *
 * @example
 * decodeSpreadsheetText(new Uint8Array([0xcc, 0xab, 0xba, 0xcd, 0xcf, 0xd8])); // { text: '太和县', encoding: 'gb18030' }
 */
export function decodeSpreadsheetText(bytes: Uint8Array): { text: string; encoding: SpreadsheetEncoding } {
  // ignoreBOM keeps the decoder from silently eating a second BOM after the one removed here.
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    return {
      text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(3)),
      encoding: 'utf-8',
    };
  }
  if (startsWith(bytes, [0xff, 0xfe])) {
    return {
      text: new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes.subarray(2)),
      encoding: 'utf-16le',
    };
  }
  if (startsWith(bytes, [0xfe, 0xff])) {
    return {
      text: new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes.subarray(2)),
      encoding: 'utf-16be',
    };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: fall through to GB18030, which accepts any byte sequence.
  }
  // The WHATWG GB18030 decoder turns the GB18030 BOM (84 31 95 33) into U+FEFF instead of removing it.
  const text = new TextDecoder('gb18030').decode(bytes);
  return { text: text.startsWith('\uFEFF') ? text.slice(1) : text, encoding: 'gb18030' };
}

/** A quoted field that never closes; `line` is the 1-based line where its opening quote is. */
export class CsvSyntaxError extends Error {
  readonly line: number;
  constructor(line: number) {
    super(`第${line}行起的引号未闭合 (unterminated quoted field starting on line ${line})`);
    this.name = 'CsvSyntaxError';
    this.line = line;
  }
}

interface RawRow {
  line: number;
  cells: string[];
}

/**
 * Parses CSV (RFC 4180) into rows of cells, untrimmed. Quoted fields may hold commas, line breaks and `""`
 * escapes; records end with CRLF, LF or CR; empty lines (a trailing newline included) give no row. When the first
 * line has tabs and no commas the delimiter is TAB (Excel's "Unicode text"). A leading BOM is ignored.
 * Throws {@link CsvSyntaxError} when a quoted field is not closed.
 *
 * @example
 * parseCsv('名称,地址\r\n"甲厂","太和县, 城关镇"\r\n'); // [['名称', '地址'], ['甲厂', '太和县, 城关镇']]
 */
export function parseCsv(text: string): string[][] {
  return parseRows(text).map((row) => row.cells);
}

/** A data row of a spreadsheet: its trimmed values by header name, and the line it starts on. */
export interface CsvRecord {
  /** 1-based physical line where the row starts, counting the header and any line breaks inside quotes. */
  line: number;
  /** One entry per named column, `''` when the row is short. */
  values: Record<string, string>;
  /** Non-empty values in columns without a header or under a repeated header, present only when there are any. */
  extra?: string[];
}

/**
 * Reads a spreadsheet with a header row into records keyed by the trimmed header names, values trimmed. Rows whose
 * cells are all blank (Excel exports them for formatted but empty rows) are left out. A column with a blank or
 * repeated header is not a key: what it holds is reported in `extra` so an import can refuse it rather than lose it.
 *
 * @example
 * csvRecords('名称, 乡镇\n甲厂 ,城关镇\n').rows; // [{ line: 2, values: { 名称: '甲厂', 乡镇: '城关镇' } }]
 */
export function csvRecords(text: string): { header: string[]; rows: CsvRecord[] } {
  const [head, ...body] = parseRows(text);
  if (head === undefined) return { header: [], rows: [] };
  const header = head.cells.map((cell) => cell.trim());
  const seen = new Set<string>();
  const keys = header.map((name) => {
    if (name === '' || seen.has(name)) return undefined;
    seen.add(name);
    return name;
  });
  const rows: CsvRecord[] = [];
  for (const { line, cells } of body) {
    const trimmed = cells.map((cell) => cell.trim());
    if (trimmed.every((value) => value === '')) continue;
    // fromEntries rather than assignment, so a header such as `__proto__` stays an ordinary key.
    const values: Record<string, string> = Object.fromEntries(
      keys.flatMap((key, i) => (key === undefined ? [] : [[key, trimmed[i] ?? '']])),
    );
    const extra = trimmed.filter((value, i) => value !== '' && keys[i] === undefined);
    rows.push(extra.length > 0 ? { line, values, extra } : { line, values });
  }
  return { header, rows };
}

/**
 * Which header cell holds each field, given the spellings county spreadsheets use for it (compared lowercased,
 * without spaces). The first cell that matches a field wins.
 *
 * @example
 * matchColumns(['区划代码', '名称'], { code: ['code', '区划代码'], name: ['name', '名称'] }); // { code: '区划代码', name: '名称' }
 */
export function matchColumns<F extends string>(
  header: readonly string[],
  spellings: Record<F, readonly string[]>,
): Partial<Record<F, string>> {
  const found: Partial<Record<F, string>> = {};
  for (const cell of header) {
    const normalized = cell.trim().toLowerCase().replaceAll(' ', '');
    for (const [field, names] of Object.entries(spellings) as [F, readonly string[]][]) {
      if (!found[field] && names.includes(normalized)) found[field] = cell;
    }
  }
  return found;
}

/** Put in front of {@link toCsv} output for download: without it, Chinese Excel reads UTF-8 as GBK. */
export const UTF8_BOM = '\uFEFF';

/**
 * Writes rows as CSV with CRLF line ends, quoting cells that hold a comma, quote, tab or line break. A text cell
 * starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe so Excel shows it instead of running it as
 * a formula (OWASP "CSV injection"); numbers are written as they are.
 *
 * @example
 * toCsv([['名称', '得分'], ['甲厂, 一车间', 320], ['=1+1', -5]]); // '名称,得分\r\n"甲厂, 一车间",320\r\n\'=1+1,-5\r\n'
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  // A row of one empty cell is written `""`: a bare empty line would be read back as no row at all.
  return rows
    .map((row) => `${row.length === 1 && row[0] === '' ? '""' : row.map(formatCell).join(',')}\r\n`)
    .join('');
}

function formatCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  // Tabs too: a first line of tabs and no commas would otherwise read back as tab-separated.
  return /[",\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function parseRows(input: string): RawRow[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const rows: RawRow[] = [];
  let cells: string[] = [];
  let field = '';
  let fieldQuoted = false;
  let recordHasContent = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    // Spaces before an opening quote are dropped (`a, "b, c"`): hand-edited files have them, and reading the
    // quote literally would split the field at its comma.
    if (c === '"' && !fieldQuoted && /^ *$/.test(field)) {
      const openedOn = line;
      field = '';
      fieldQuoted = true;
      recordHasContent = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError(openedOn);
        const d = text[i]!;
        if (d === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === '\n' || (d === '\r' && text[i + 1] !== '\n')) line++;
        field += d;
        i++;
      }
      continue;
    }
    if (c === delimiter) {
      cells.push(field);
      field = '';
      fieldQuoted = false;
      recordHasContent = true;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      if (recordHasContent) {
        cells.push(field);
        rows.push({ line: rowLine, cells });
      }
      cells = [];
      field = '';
      fieldQuoted = false;
      recordHasContent = false;
      line++;
      rowLine = line;
      continue;
    }
    // Text after a closing quote (`"a"b`) is kept, as Excel does, rather than rejected.
    field += c;
    recordHasContent = true;
    i++;
  }
  if (recordHasContent) {
    cells.push(field);
    rows.push({ line: rowLine, cells });
  }
  return rows;
}

/** TAB when the first record has tabs and no commas outside quotes, else comma. */
function detectDelimiter(text: string): ',' | '\t' {
  let inQuotes = false;
  let tabs = false;
  let started = false;
  for (const c of text) {
    if (c === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (c === '\r' || c === '\n') {
      if (started) break;
      continue;
    } else if (c === ',') return ',';
    else if (c === '\t') tabs = true;
    started = true;
  }
  return tabs ? '\t' : ',';
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

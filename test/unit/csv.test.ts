import { describe, expect, it } from 'vitest';
import {
  CsvSyntaxError,
  csvRecords,
  decodeSpreadsheetText,
  parseCsv,
  toCsv,
  UTF8_BOM,
} from '../../packages/core/src/csv.ts';

// GB18030 (= GBK for these) bytes, checked against two independent encoders (ICU's and iconv-lite's).
// Note 太 is CC AB: B4 AB is 传.
const GB: Record<string, number[]> = {
  单位: [0xb5, 0xa5, 0xce, 0xbb],
  名称: [0xc3, 0xfb, 0xb3, 0xc6],
  乡镇: [0xcf, 0xe7, 0xd5, 0xf2],
  太和县: [0xcc, 0xab, 0xba, 0xcd, 0xcf, 0xd8],
  城关镇: [0xb3, 0xc7, 0xb9, 0xd8, 0xd5, 0xf2],
  联通: [0xc1, 0xaa, 0xcd, 0xa8],
  '，': [0xa3, 0xac],
  // U+20000, outside GBK: GB18030's four-byte form.
  𠀀: [0x95, 0x32, 0x82, 0x36],
};

/** Bytes from ASCII strings and words of {@link GB}, in order. */
function gb(...parts: string[]): Uint8Array {
  return new Uint8Array(
    parts.flatMap((part) => {
      const known = GB[part];
      if (known) return known;
      return [...part].map((c) => {
        if (c.charCodeAt(0) >= 0x80) throw new Error(`no GB18030 bytes for '${c}'`);
        return c.charCodeAt(0);
      });
    }),
  );
}

function utf16(text: string, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), littleEndian);
  return bytes;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decodeSpreadsheetText', () => {
  it('decodes a GB18030 file saved by Excel', () => {
    const bytes = gb('单位', '名称', ',', '乡镇', '\r\n', '太和县', ',', '城关镇', '\r\n');
    expect(decodeSpreadsheetText(bytes)).toEqual({
      text: '单位名称,乡镇\r\n太和县,城关镇\r\n',
      encoding: 'gb18030',
    });
  });

  it('decodes four-byte GB18030 characters that GBK lacks', () => {
    expect(decodeSpreadsheetText(gb('太和县', '𠀀', '，'))).toEqual({
      text: '太和县𠀀，',
      encoding: 'gb18030',
    });
  });

  it('reads 联通 as GB18030 although its bytes follow the UTF-8 lead/continuation pattern', () => {
    expect(decodeSpreadsheetText(gb('联通'))).toEqual({ text: '联通', encoding: 'gb18030' });
  });

  it('removes the GB18030 byte-order mark', () => {
    const bytes = new Uint8Array([0x84, 0x31, 0x95, 0x33, ...gb('太和县')]);
    expect(decodeSpreadsheetText(bytes)).toEqual({ text: '太和县', encoding: 'gb18030' });
  });

  it('strips the BOM of a "CSV UTF-8" file', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('名称\r\n太和县')]);
    expect(decodeSpreadsheetText(bytes)).toEqual({ text: '名称\r\n太和县', encoding: 'utf-8' });
  });

  it('removes only the first of two BOMs', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x41]);
    expect(decodeSpreadsheetText(bytes).text).toBe('\uFEFFA');
  });

  it('decodes valid UTF-8 without a BOM as UTF-8, plain ASCII and empty files included', () => {
    expect(decodeSpreadsheetText(utf8('名称,乡镇\n太和县,城关镇'))).toEqual({
      text: '名称,乡镇\n太和县,城关镇',
      encoding: 'utf-8',
    });
    expect(decodeSpreadsheetText(utf8('name,code\n'))).toEqual({ text: 'name,code\n', encoding: 'utf-8' });
    expect(decodeSpreadsheetText(new Uint8Array())).toEqual({ text: '', encoding: 'utf-8' });
  });

  it('decodes Excel "Unicode text" (UTF-16LE with a BOM)', () => {
    const decoded = decodeSpreadsheetText(utf16('名称\t乡镇\r\n太和县\t城关镇\r\n', true));
    expect(decoded).toEqual({ text: '名称\t乡镇\r\n太和县\t城关镇\r\n', encoding: 'utf-16le' });
    expect(parseCsv(decoded.text)).toEqual([
      ['名称', '乡镇'],
      ['太和县', '城关镇'],
    ]);
  });

  it('decodes UTF-16BE with a BOM', () => {
    expect(decodeSpreadsheetText(utf16('太和县,𠀀', false))).toEqual({
      text: '太和县,𠀀',
      encoding: 'utf-16be',
    });
  });
});

describe('parseCsv', () => {
  it('splits rows on commas and keeps empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3\n,x,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', 'x', ''],
    ]);
  });

  it('reads quoted fields holding commas, line breaks and doubled quotes', () => {
    expect(parseCsv('名称,备注\r\n"甲厂, 一车间","他说""停产""\r\n第二行"\r\n')).toEqual([
      ['名称', '备注'],
      ['甲厂, 一车间', '他说"停产"\r\n第二行'],
    ]);
  });

  it('ends records at CRLF, LF or CR alike', () => {
    expect(parseCsv('a,b\r\n1,2\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('produces no empty row for a trailing newline', () => {
    expect(parseCsv('a\r\n')).toEqual([['a']]);
    expect(parseCsv('a\n')).toEqual([['a']]);
    expect(parseCsv('a\r')).toEqual([['a']]);
    expect(parseCsv('')).toEqual([]);
  });

  it('skips fully empty lines but keeps a line of empty fields or a quoted empty field', () => {
    expect(parseCsv('\r\na\r\n\r\n\n,\r\n""\r\n\r\n')).toEqual([['a'], ['', ''], ['']]);
  });

  it('uses TAB as the delimiter when the header has tabs and no commas', () => {
    expect(parseCsv('\n名称\t地址\n甲厂\t太和县, 城关镇\n')).toEqual([
      ['名称', '地址'],
      ['甲厂', '太和县, 城关镇'],
    ]);
  });

  it('stays with commas when the header has both tabs and commas', () => {
    expect(parseCsv('a\tb,c\n1\t2,3')).toEqual([
      ['a\tb', 'c'],
      ['1\t2', '3'],
    ]);
  });

  it('looks only outside quotes when choosing the delimiter', () => {
    expect(parseCsv('"名称,地址"\t乡镇\n')).toEqual([['名称,地址', '乡镇']]);
    expect(parseCsv('"a\tb"\n1,2\n')).toEqual([['a\tb'], ['1', '2']]);
  });

  it('ignores a leading BOM', () => {
    expect(parseCsv('\uFEFF名称,乡镇\n')).toEqual([['名称', '乡镇']]);
  });

  it('drops spaces before an opening quote', () => {
    expect(parseCsv('a, "b, c" ,d')).toEqual([['a', 'b, c ', 'd']]);
  });

  it('keeps quotes inside unquoted fields and text after a closing quote', () => {
    expect(parseCsv('12"管,"a"b,x"""')).toEqual([['12"管', 'ab', 'x"""']]);
  });

  it('throws a CsvSyntaxError naming the line of an unterminated quote', () => {
    const text = 'a,b\r\n"one\r\ntwo",2\r\n3,"never\r\nclosed\r\n';
    expect(() => parseCsv(text)).toThrow(CsvSyntaxError);
    try {
      parseCsv(text);
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as CsvSyntaxError).line).toBe(4);
      expect((error as CsvSyntaxError).name).toBe('CsvSyntaxError');
      expect((error as CsvSyntaxError).message).toBe(
        '第4行起的引号未闭合 (unterminated quoted field starting on line 4)',
      );
    }
  });

  it('throws on a quote that opens at the very end', () => {
    expect(() => parseCsv('a,"')).toThrow(expect.objectContaining({ line: 1 }));
  });
});

describe('csvRecords', () => {
  it('keys trimmed values by trimmed header names', () => {
    expect(csvRecords(' 名称 ,乡镇\r\n 甲厂,\u3000城关镇 \r\n')).toEqual({
      header: ['名称', '乡镇'],
      rows: [{ line: 2, values: { 名称: '甲厂', 乡镇: '城关镇' } }],
    });
  });

  it('numbers each row by the physical line it starts on', () => {
    const text = '名称,备注\r\n甲厂,"第一行\r\n第二行"\r\n\r\n乙厂,\r\n,,\r\n丙厂,x\r\n';
    expect(csvRecords(text).rows.map((row) => [row.line, row.values.名称])).toEqual([
      [2, '甲厂'],
      [5, '乙厂'],
      [7, '丙厂'],
    ]);
  });

  it('gives every named column a value, empty when the row is short', () => {
    expect(csvRecords('a,b,c\n1\n').rows).toEqual([{ line: 2, values: { a: '1', b: '', c: '' } }]);
  });

  it('reports values under a blank or repeated header, or past the header, as extra', () => {
    const { header, rows } = csvRecords('a,,a,b\n1,2,3,4,5,\n1,,,4,,\n');
    expect(header).toEqual(['a', '', 'a', 'b']);
    expect(rows).toEqual([
      { line: 2, values: { a: '1', b: '4' }, extra: ['2', '3', '5'] },
      { line: 3, values: { a: '1', b: '4' } },
    ]);
  });

  it('keeps a header named __proto__ as an ordinary key', () => {
    const { rows } = csvRecords('__proto__,b\nx,y\n');
    expect(Object.keys(rows[0]!.values)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(rows[0]!.values)).toBe(Object.prototype);
  });

  it('returns no header and no rows for empty text', () => {
    expect(csvRecords('')).toEqual({ header: [], rows: [] });
    expect(csvRecords('\r\n\r\n')).toEqual({ header: [], rows: [] });
  });

  it('reads a GB18030 Excel file end to end', () => {
    const bytes = gb('名称', ',', '乡镇', '\r\n', '"', '太和县', ',', '城关镇', '"', ',', '城关镇', '\r\n');
    expect(csvRecords(decodeSpreadsheetText(bytes).text).rows).toEqual([
      { line: 2, values: { 名称: '太和县,城关镇', 乡镇: '城关镇' } },
    ]);
  });

  it('passes on the CsvSyntaxError of an unterminated quote', () => {
    expect(() => csvRecords('a\n"b')).toThrow(CsvSyntaxError);
  });
});

describe('toCsv', () => {
  it('writes CRLF line ends and quotes only the cells that need it', () => {
    expect(toCsv([['名称', '得分'], ['甲厂, 一车间', 320], ['他说"好"', 'a\nb'], []])).toBe(
      '名称,得分\r\n"甲厂, 一车间",320\r\n"他说""好""","a\nb"\r\n\r\n',
    );
  });

  it.each(['=HYPERLINK("http://evil")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])(
    'puts an apostrophe before the formula-like text %j',
    (cell) => {
      const [[written]] = parseCsv(toCsv([[cell]])) as [[string]];
      expect(written).toBe(`'${cell}`);
    },
  );

  it('writes numbers as they are, negative ones included', () => {
    expect(toCsv([[-5, 0.5, 1e21]])).toBe('-5,0.5,1e+21\r\n');
  });

  it('round-trips a lone cell holding a tab', () => {
    expect(parseCsv(toCsv([['a\tb']]))).toEqual([['a\tb']]);
  });

  it('round-trips Chinese text with commas, quotes and line breaks', () => {
    const rows = [
      ['单位名称', '地址', '备注'],
      ['太和县"安全"有限公司', '城关镇，人民路 1 号, 东门', '一行\r\n两行\n三行'],
      ['', ' 前后空格 ', '""'],
      [''],
      ['制表\t符'],
    ];
    expect(parseCsv(toCsv(rows))).toEqual(rows);
  });

  it('round-trips through UTF-8 bytes with the BOM Chinese Excel needs', () => {
    expect(UTF8_BOM).toBe('\uFEFF');
    const rows = [
      ['名称', '得分'],
      ['甲厂, 一车间', '320'],
    ];
    const decoded = decodeSpreadsheetText(utf8(UTF8_BOM + toCsv(rows)));
    expect(decoded.encoding).toBe('utf-8');
    expect(parseCsv(decoded.text)).toEqual(rows);
  });
});

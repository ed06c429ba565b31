import { makeCreditCode } from '@gridsafe/core';
import iconv from 'iconv-lite';

/** A county spreadsheet of units, as Excel exports it: Chinese headers, CRLF, GB18030 or UTF-8 with a BOM. */
export function unitsCsv(
  rows: {
    name: string;
    serial: number;
    industry: string;
    township: string;
    village: string;
    address?: string;
  }[],
  prefix = '91341222',
): string {
  const header = '单位名称,统一社会信用代码,行业,乡镇,村/社区,地址,联系人,联系电话';
  const lines = rows.map((row) =>
    [
      row.name,
      makeCreditCode(prefix, row.serial),
      row.industry,
      row.township,
      row.village,
      row.address ?? `${row.village}1号`,
      '张三',
      '13800000000',
    ]
      .map((cell) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell))
      .join(','),
  );
  return `${[header, ...lines].join('\r\n')}\r\n`;
}

export function encodeGb18030(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(iconv.encode(text, 'gb18030'));
}

export function encodeUtf8WithBom(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
}

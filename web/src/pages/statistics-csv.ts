import type { Statistics } from '../api/types.ts';
import { t } from '../i18n/index.ts';
import { COLUMNS } from './statistics.ts';

const cell = (value: string | number) => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** The statistics table as CSV for Excel (UTF-8 with a BOM, CRLF), rows then the total, with the period. */
export function statisticsCsv(data: Statistics): string {
  const lines = [
    [t('statistics.period'), `${data.from} ~ ${data.to}`],
    [t('statistics.name'), ...COLUMNS.map(([key]) => t(key))],
    ...data.rows.map((row) => [row.name, ...COLUMNS.map(([, read]) => read(row))]),
    [t('statistics.total'), ...COLUMNS.map(([, read]) => read(data))],
  ];
  return `\uFEFF${lines.map((line) => line.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Hands the table to the browser as a download named after the place and period. */
export function downloadCsv(data: Statistics): void {
  const url = URL.createObjectURL(new Blob([statisticsCsv(data)], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `statistics-${data.grid.name}${data.department ? `-${data.department.name}` : ''}-${data.from}-${data.to}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

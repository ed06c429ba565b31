import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RegisterJob, toCsv, UTF8_BOM } from '@gridsafe/core';
import ExcelJS from 'exceljs';
import {
  type Cell,
  type Column,
  countyNames,
  parseExportFilters,
  REGISTER_TITLE,
  REGISTERS,
} from './register-sources.ts';
import type { JobRun } from './run-register-job.ts';

/** Progress is written every so many rows: often enough for a moving bar, rarely enough to cost nothing. */
const PROGRESS_EVERY_ROWS = 2000;

export const EXPORT_CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** The line every exported file starts with: who exported it and when (the registers hold phone numbers). */
export function watermarkOf(job: RegisterJob): string {
  const at = new Date(job.createdAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  return `${REGISTER_TITLE[job.kind]} · 导出人：${job.principal.username} · 导出时间：${at} · 内含个人联系方式，仅限工作使用，不得外传`;
}

interface RowSink {
  add(cells: Cell[]): Promise<void> | void;
  close(): Promise<void>;
}

/**
 * Writes the whole filtered list to a file under the county's prefix. The list is read twice: once to count it
 * (so the answer has a `total` for the progress bar from the start) and once to write it, a row at a time into a
 * streaming writer, so memory stays bounded whatever the county's size. One invocation suffices: reading 320,000
 * items is about 320 Queries (docs/performance.md), far inside the Lambda's 15 minutes.
 */
export async function runExport(run: JobRun, job: RegisterJob): Promise<void> {
  const format = job.format ?? 'xlsx';
  const now = new Date(job.createdAt);
  const register = REGISTERS[job.kind];
  const filters = parseExportFilters(job.kind, job.filters ?? {});
  const pages = () => register.pages(run.store, job.principal, filters, now);
  const columns = register.columns(await countyNames(run.store, now)) as Column<unknown>[];

  let total = 0;
  for await (const items of pages()) total += items.length;
  if (!(await run.jobs.progress(job.id, run.runner, { total }, run.deps.clock.now()))) return;

  const path = join(tmpdir(), `gridsafe-export-${job.id}.${format}`);
  try {
    const sink = format === 'xlsx' ? xlsxSink(path, job, columns) : await csvSink(path, job, columns);
    let rows = 0;
    let reported = 0;
    for await (const items of pages()) {
      for (const record of items)
        await sink.add(columns.map((column) => column.value(record as never) ?? ''));
      rows += items.length;
      if (rows - reported >= PROGRESS_EVERY_ROWS) {
        reported = rows;
        if (!(await run.jobs.progress(job.id, run.runner, { processed: rows }, run.deps.clock.now()))) return;
      }
    }
    await sink.close();
    await run.files.upload(job.key, path, EXPORT_CONTENT_TYPES[format]);
    await run.finish({ status: 'done', processed: rows, total: rows }, 'exported', {
      kind: job.kind,
      filters: job.filters ?? {},
      format,
      rows,
    });
  } finally {
    await rm(path, { force: true });
  }
}

/** Excel's own format through exceljs's streaming writer: each row is committed (written out) as it is added. */
function xlsxSink(path: string, job: RegisterJob, columns: Column<unknown>[]): RowSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: true,
    useSharedStrings: false,
  });
  const watermark = watermarkOf(job);
  workbook.creator = job.principal.username;
  workbook.created = new Date(job.createdAt);
  workbook.description = watermark;
  const sheet = workbook.addWorksheet(REGISTER_TITLE[job.kind], {
    // Printed pages carry the watermark too.
    headerFooter: { oddHeader: `&L${watermark.replaceAll('&', '&&')}`, oddFooter: '&C第 &P 页，共 &N 页' },
    views: [{ state: 'frozen', ySplit: 2 }],
  });
  sheet.columns = columns.map((column) => ({ width: column.width }));
  const mark = sheet.addRow([watermark]);
  mark.font = { italic: true, color: { argb: 'FF9C0006' } };
  mark.commit();
  const header = sheet.addRow(columns.map((column) => column.header));
  header.font = { bold: true };
  header.commit();
  return {
    add: (cells) => sheet.addRow(cells).commit(),
    close: async () => {
      sheet.commit();
      await workbook.commit();
    },
  };
}

/** CSV for other tools: UTF-8 with a BOM (so Chinese Excel reads it), the watermark as its first line. */
async function csvSink(path: string, job: RegisterJob, columns: Column<unknown>[]): Promise<RowSink> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(UTF8_BOM + toCsv([[watermarkOf(job)], columns.map((column) => column.header)]));
  return {
    add: (cells) => write(toCsv([cells])),
    close: async () => {
      out.end();
      await once(out, 'finish');
    },
  };
}

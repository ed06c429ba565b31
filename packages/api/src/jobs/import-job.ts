import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CsvRecord, MAX_REPORTED_ROWS, type RegisterJob } from '@gridsafe/core';
import { UnitBulkCreation } from '@gridsafe/db';
import { UnitRowImporter } from '../routes/unit-import.ts';
import { readSpreadsheet } from '../spreadsheet-import.ts';
import { type SheetRows, xlsxRows } from '../xlsx-rows.ts';
import type { JobRun } from './run-register-job.ts';

/** Rows written between checkpoints: a few seconds of work, so a continued job repeats little. */
const CHUNK_ROWS = 2000;
/**
 * An invocation with less time left than this stops at its checkpoint and continues in a fresh one: a chunk
 * takes seconds (docs/performance.md), so three minutes is far more than the slowest chunk needs.
 */
const CONTINUE_BEFORE_MS = 3 * 60 * 1000;

/**
 * Imports a county's units from an uploaded spreadsheet, a chunk of rows at a time, with the same rules and the
 * same per-row answers as the synchronous import (UnitRowImporter). After each chunk the job records how far it
 * got and its figures; an invocation running out of time continues in a new one from there, and one whose
 * database failed for a moment continues from there after a pause (run-register-job.ts). Rows are matched by
 * credit code, so a chunk written twice (a failure or an invocation's end between its writes and its checkpoint)
 * matches the units it made the first time and makes none again; after a failure in this invocation, the units made
 * since its last checkpoint still count as created.
 */
export async function runImport(run: JobRun, job: RegisterJob): Promise<void> {
  const upload = job.upload!;
  const extension = upload.contentType === 'text/csv' ? 'csv' : 'xlsx';
  const path = join(tmpdir(), `gridsafe-import-${job.id}-${run.runner}.${extension}`);
  try {
    await run.files.download(job.key, path, upload);
    const sheet = extension === 'csv' ? await csvRows(path) : await xlsxRows(path, 'upload');
    const total = job.total ?? sheet.total ?? (await countRows(xlsxRows(path, 'upload')));
    const importer = await UnitRowImporter.open(
      { store: run.store, principal: job.principal, clock: run.deps.clock, ids: run.deps.ids },
      UnitRowImporter.columnsOf(sheet.header),
    );
    const figures = {
      processed: job.processed,
      total,
      created: job.created,
      updated: job.updated,
      skipped: job.skipped,
      errors: job.errors,
      rejected: [...job.rejected],
    };
    const chunkRows = run.budget.chunkRows ?? CHUNK_ROWS;
    let chunk: CsvRecord[] = [];
    // Trying again after a failure: units made since this invocation's last checkpoint are the failed attempt's.
    let createdSince = run.retrying ? run.checkpointedAt : undefined;
    const checkpoint = async () => {
      for (const result of await importer.importRows(chunk, { createdSince, searchLater: true })) {
        if (result.status === 'created') figures.created++;
        else if (result.status === 'updated') figures.updated++;
        else if (result.status === 'unchanged') figures.skipped++;
        else {
          figures.errors++;
          if (figures.rejected.length < MAX_REPORTED_ROWS)
            figures.rejected.push({
              line: result.line,
              ...(result.creditCode ? { creditCode: result.creditCode } : {}),
              errors: result.errors ?? [],
            });
        }
      }
      figures.processed += chunk.length;
      chunk = [];
      const now = run.deps.clock.now();
      const recorded = await run.jobs.progress(job.id, run.runner, figures, now);
      run.checkpointedAt = now.toISOString();
      createdSince = undefined;
      return recorded;
    };

    let index = 0;
    for await (const record of sheet.rows) {
      // Rows before the last checkpoint were written by an earlier invocation.
      if (index++ < job.processed) continue;
      chunk.push(record);
      if (chunk.length < chunkRows) continue;
      if (!(await checkpoint())) return;
      if (run.budget.remainingMs() < CONTINUE_BEFORE_MS) {
        await run.relaunch();
        return;
      }
    }
    if (chunk.length > 0 && !(await checkpoint())) return;
    const { rejected: _rows, ...counts } = figures;
    await run.finish({ status: 'done', ...figures }, 'imported', counts);
    await indexForSearch(run);
  } finally {
    await rm(path, { force: true });
  }
}

/**
 * The search postings of the units the job made (and of any an earlier job left marked), written once every row
 * is in and the job is done: the postings are most of a new unit's items, so the person sees their units
 * registered, counted and on the map in a third of the time, and finds them by name a little later
 * (docs/decisions.md, "Search"). An invocation short of time hands the rest to a fresh one (`phase: 'search'`);
 * a failure is logged and leaves the markers to the next job, or to `npm run migrate`. The job itself stays done.
 */
export async function indexForSearch(
  run: Pick<JobRun, 'deps' | 'event' | 'store' | 'budget'>,
): Promise<void> {
  try {
    const { indexed, complete } = await new UnitBulkCreation(run.store).finishPendingSearch(
      () => run.budget.remainingMs() > CONTINUE_BEFORE_MS,
    );
    run.deps.logger.info('import indexed for search', { ...run.event, units: indexed, complete });
    if (!complete && run.deps.jobs) await run.deps.jobs.launch({ ...run.event, phase: 'search' });
  } catch (error) {
    run.deps.logger.warn('the import’s search postings are left for the next import or migration', {
      ...run.event,
      error: String(error),
    });
  }
}

/** CSV in any encoding the synchronous import reads; a county's whole file is tens of MB, read at once. */
async function csvRows(path: string): Promise<SheetRows> {
  // Any header reads here: the importer checks the columns, as it does an .xlsx's.
  const table = readSpreadsheet(await readFile(path), {}, []);
  return {
    header: Object.keys(table.rows[0]?.values ?? {}),
    total: table.rows.length,
    rows: (async function* () {
      yield* table.rows;
    })(),
  };
}

async function countRows(sheet: Promise<SheetRows>): Promise<number> {
  let count = 0;
  for await (const _ of (await sheet).rows) count++;
  return count;
}

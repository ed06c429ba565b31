import {
  authorize,
  described,
  GRID_IMPORT_COLUMNS,
  type GridImportRow,
  type GridImportStep,
  type GridNode,
  inParallel,
  planGridImport,
  readGridImportRow,
} from '@gridsafe/core';
import { GridImportLease } from '@gridsafe/db';
import type { Context } from 'hono';
import * as z from 'zod/mini';
import type { AppEnv } from '../app-env.ts';
import { countyData, writeContext } from '../county-data.ts';
import { json, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import type { createRouter } from '../openapi-hono.ts';
import { importSummary, matchRequiredColumns, readSpreadsheet } from '../spreadsheet-import.ts';
import { importResultSchema } from './unit-import-schema.ts';

// The grid tree's spreadsheet import: a lazy route group of its own (app.ts), since a county imports its tree
// once at onboarding and again only when the civil affairs bureau redraws it.

const GridImportResultSchema = importResultSchema('GridImportResult', {
  gridId: z.optional(z.string()),
  code: z.optional(z.string()),
});
type RowResult = z.infer<typeof GridImportResultSchema>['rows'][number];

const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const importRoute = createRoute({
  method: 'post',
  path: '/grids/import',
  tags: ['grids'],
  summary:
    'Import the grid tree from a spreadsheet (CSV or .xlsx) keyed by 区划代码, answering per row (county admin)',
  description:
    "Columns (Chinese or English headers): 区划代码/code (6 digits the county, 9 a township, 12 a village; 12-digit codes padded with zeros are read as their level), 名称/name, and optionally 上级区划代码/parentCode, 负责人/responsible, 负责人电话/responsiblePhone. Rows are matched by code: new nodes are created (townships before villages), changed ones updated, identical ones left alone, so importing the same file twice creates nothing. CSV in UTF-8, GB18030 or UTF-16; an .xlsx is read from its first worksheet, the first non-blank row its header. Up to 5 MB. One import of a county's tree runs at a time: another sent meanwhile answers 409 import_in_progress and changes nothing.",
  request: {
    body: {
      required: true,
      content: {
        'text/csv': { schema: described(z.string(), { format: 'binary' }) },
        [XLSX_MEDIA_TYPE]: { schema: described(z.string(), { format: 'binary' }) },
      },
    },
  },
  responses: { 200: json(GridImportResultSchema, 'One result per row'), ...WRITE_ERRORS },
});

/** Transactions in flight at once: enough to hide DynamoDB's latency, clear of throttling. */
const WRITES_IN_FLIGHT = 4;

export function registerGridImport(app: ReturnType<typeof createRouter>) {
  app.openapi(importRoute, async (c) => {
    authorize(c.get('principal'), 'grid.manage');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const isXlsx =
      (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase() === XLSX_MEDIA_TYPE;
    return c.json(await importGrids(c, isXlsx ? await readWorkbook(bytes) : readCsv(bytes)), 200);
  });
}

/** The rows read, their header matched; `encoding` the CSV's text encoding, or `xlsx`. */
type Sheet = Omit<ReturnType<typeof readCsv>, 'encoding'> & { encoding: string };
const REQUIRED = ['code', 'name'] as const;

function readCsv(bytes: Uint8Array) {
  return readSpreadsheet(bytes, GRID_IMPORT_COLUMNS, REQUIRED);
}

/** An .xlsx body through the unit import's reader, loaded (with exceljs) only when a workbook arrives. */
async function readWorkbook(bytes: Uint8Array): Promise<Sheet> {
  const { xlsxTable } = await import('../xlsx-rows.ts');
  const { header, rows } = await xlsxTable(bytes, 'body');
  return { encoding: 'xlsx', rows, columnOf: matchRequiredColumns(header, GRID_IMPORT_COLUMNS, REQUIRED) };
}

async function importGrids(c: Context<AppEnv>, sheet: Sheet) {
  const { encoding, rows: records, columnOf } = sheet;
  const results: RowResult[] = [];
  const rows: GridImportRow[] = [];
  for (const record of records) {
    const read = readGridImportRow(record, columnOf);
    if ('errors' in read) results.push(rejectedRow(read));
    else rows.push(read);
  }
  const { grids, store } = countyData(c);
  const deps = c.get('deps');
  const created = new Map<string, GridNode>();
  // One import of the tree at a time: rows are matched to nodes from one read of the tree (grid-import-lease.ts).
  const lease = await GridImportLease.take(store, deps.ids.next(), deps.clock.now());
  try {
    return { encoding, ...(await writeSteps(rows, results)) };
  } finally {
    await lease.release();
  }

  async function writeSteps(rows: GridImportRow[], results: RowResult[]) {
    const steps = planGridImport(rows, await grids.listAll());
    for (const step of steps) if (step.kind === 'rejected') results.push(rejectedRow(step));
    const toWrite = steps.filter((step) => step.kind !== 'rejected');
    // Parents before children: a village's new township must exist before the village names it.
    for (const level of ['county', 'township', 'village'] as const) {
      const ofLevel = toWrite.filter((step) => step.row.level === level);
      const creates = ofLevel.filter((step) => step.kind === 'create');
      await inParallel(
        ofLevel.filter((step) => step.kind !== 'create'),
        WRITES_IN_FLIGHT,
        async (step) => {
          results.push(await update(step));
        },
      );
      await inParallel(siblingBatches(creates), WRITES_IN_FLIGHT, async (batch) => {
        results.push(...(await createBatch(batch)));
      });
    }
    results.sort((a, b) => a.line - b.line);
    return { summary: importSummary(results), rows: results };
  }

  async function update(step: Exclude<GridImportStep, { kind: 'rejected' | 'create' }>): Promise<RowResult> {
    const { row } = step;
    if (step.kind === 'unchanged')
      return { line: row.line, status: 'unchanged', gridId: step.node.id, code: row.code };
    await lease.keep(deps.clock.now());
    const stored = await grids.getWithChain(step.node.id);
    if (!stored) return { line: row.line, status: 'rejected', code: row.code, errors: gone };
    const node = await grids.update(
      stored,
      { name: row.name, code: row.code, responsible: row.responsible },
      Number(stored.version),
      writeContext(c),
    );
    return { line: row.line, status: 'updated', gridId: node.id, code: row.code };
  }

  /** Siblings under one parent, created in one transaction. */
  async function createBatch(batch: CreateStep[]): Promise<RowResult[]> {
    const first = batch[0]!;
    const parent = 'existing' in first.parent ? first.parent.existing : created.get(first.parent.rowCode);
    if (!parent)
      return batch.map(({ row }) => ({
        line: row.line,
        status: 'rejected',
        code: row.code,
        errors: [{ path: 'code', message: 'its township could not be created (see that row)' }],
      }));
    await lease.keep(deps.clock.now());
    const nodes = await grids.createSiblings(
      batch.map(({ row }) => ({
        id: deps.ids.next(),
        level: row.level,
        name: row.name,
        code: row.code,
        parent,
        ...(row.responsible ? { responsible: row.responsible } : {}),
      })),
      writeContext(c),
    );
    return nodes.map((node, i) => {
      const { row } = batch[i]!;
      created.set(row.code, node);
      return { line: row.line, status: 'created', gridId: node.id, code: row.code };
    });
  }
}

type CreateStep = Extract<GridImportStep, { kind: 'create' }>;

/**
 * New nodes grouped by parent, in batches a transaction holds: two items a node (the node, its audit event) and
 * one check of the parent, so 40 nodes are 81 of DynamoDB's 100.
 */
const NODES_PER_TRANSACTION = 40;
function siblingBatches(creates: CreateStep[]): CreateStep[][] {
  const byParent = new Map<string, CreateStep[]>();
  for (const step of creates) {
    const key = 'existing' in step.parent ? step.parent.existing.id : `row:${step.parent.rowCode}`;
    byParent.set(key, [...(byParent.get(key) ?? []), step]);
  }
  const batches: CreateStep[][] = [];
  for (const group of byParent.values())
    for (let start = 0; start < group.length; start += NODES_PER_TRANSACTION)
      batches.push(group.slice(start, start + NODES_PER_TRANSACTION));
  return batches;
}

function rejectedRow(row: { line: number; code?: string; errors: RowResult['errors'] }): RowResult {
  return { line: row.line, status: 'rejected', ...(row.code ? { code: row.code } : {}), errors: row.errors };
}

const gone = [{ path: 'code', message: 'the node was removed while the file was imported' }];

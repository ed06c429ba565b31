import * as z from 'zod/mini';
import { described, UlidSchema } from './common-schemas.ts';
import type { Principal } from './roles.ts';

/**
 * Registers in and out of spreadsheets as jobs (台账导出 / 批量导入): a request names the work, a job does it beside
 * the API (in AWS a Lambda of its own, locally the same code in-process), and the request's answer is polled for
 * progress. A county's registers are too large for one API request (320,000 units is minutes of work and tens of
 * megabytes, past API Gateway's 30 s and 10 MB), so the file itself goes through S3 both ways.
 */

/** The lists that export: each one's whole filtered list, as the list itself would answer it page by page. */
export const REGISTER_KINDS = ['units', 'risk-points', 'hazards', 'patrols'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];
export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const JOB_STATUSES = ['waiting', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The spreadsheets an import takes: Excel's own workbook, or CSV in any encoding decodeSpreadsheetText reads. */
export const IMPORT_CONTENT_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;
export type ImportContentType = (typeof IMPORT_CONTENT_TYPES)[number];
/** 320,000 units as GB18030 CSV is about 50 MB, as .xlsx about 20 MB; the limit leaves room for wide sheets. */
export const MAX_IMPORT_UPLOAD_BYTES = 200 * 1024 * 1024;
/** Rejected rows kept on the job for the per-row report; the counts stay exact beyond it. */
export const MAX_REPORTED_ROWS = 500;

/** One rejected row of an import, named by its line in the spreadsheet. */
export interface RejectedRow {
  line: number;
  creditCode?: string;
  errors: { path: string; message: string }[];
}

/**
 * One export or import. It runs as the person who asked (their grants as they were then), so an export reads
 * exactly what that person's list shows and an import writes what they may write.
 */
export interface RegisterJob {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  job: 'export' | 'import';
  kind: RegisterKind;
  status: JobStatus;
  principal: Principal;
  /** The object in S3, under the county's prefix: the file written (export) or uploaded (import). */
  key: string;
  /** Exports: the list's query parameters, and the file's format. */
  filters?: Record<string, string>;
  format?: ExportFormat;
  /** Imports: the file announced, which the upload's signature holds S3 to. */
  upload?: { contentType: ImportContentType; size: number; sha256: string };
  /** Rows written (export) or read (import) so far, and how many there are once known. */
  processed: number;
  total?: number;
  created: number;
  updated: number;
  /** Rows that matched a unit and changed nothing. */
  skipped: number;
  rejected: RejectedRow[];
  /** Rejected rows in all (the list above keeps the first MAX_REPORTED_ROWS). */
  errors: number;
  /**
   * The invocation working the job now. Each invocation claims the job as it starts, and its checkpoints hold only
   * while the claim is its own, so a twice-delivered or re-invoked run stops at its next checkpoint.
   */
  runner?: string;
  /** Why a failed job failed, in words for the person who asked. */
  failure?: string;
  finishedAt?: string;
}

export const ExportFiltersSchema = z.record(z.string(), z.string().check(z.maxLength(200)));

export const CreateExportSchema = described(
  z.strictObject({
    kind: z.enum(REGISTER_KINDS),
    filters: z._default(ExportFiltersSchema, {}),
    format: z._default(z.enum(EXPORT_FORMATS), 'xlsx'),
  }),
  { id: 'CreateExport' },
);
export type CreateExportInput = z.infer<typeof CreateExportSchema>;

export const CreateImportSchema = described(
  z.strictObject({
    kind: z.literal('units'),
    contentType: z.enum(IMPORT_CONTENT_TYPES),
    size: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_IMPORT_UPLOAD_BYTES)),
    sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the file')),
  }),
  { id: 'CreateImport' },
);
export type CreateImportInput = z.infer<typeof CreateImportSchema>;

const count = () => z.number().check(z.int());

export const ExportJobSchema = described(
  z.object({
    id: UlidSchema,
    kind: z.enum(REGISTER_KINDS),
    format: z.enum(EXPORT_FORMATS),
    status: z.enum(JOB_STATUSES),
    rows: count(),
    total: z.optional(count()),
    url: z.optional(z.string()),
    failure: z.optional(z.string()),
    createdAt: z.string(),
  }),
  { id: 'ExportJob' },
);

export const ImportJobSchema = described(
  z.object({
    id: UlidSchema,
    kind: z.literal('units'),
    status: z.enum(JOB_STATUSES),
    processed: count(),
    total: z.optional(count()),
    created: count(),
    updated: count(),
    skipped: count(),
    errors: count(),
    rejected: z.array(
      z.object({
        line: count(),
        creditCode: z.optional(z.string()),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
    failure: z.optional(z.string()),
    createdAt: z.string(),
  }),
  { id: 'ImportJob' },
);

/** What an export's poll answers: its progress, and the file's short-lived link once it is written. */
export function exportView(job: RegisterJob, url?: string): z.infer<typeof ExportJobSchema> {
  return {
    id: job.id,
    kind: job.kind,
    format: job.format ?? 'xlsx',
    status: job.status,
    rows: job.processed,
    ...(job.total === undefined ? {} : { total: job.total }),
    ...(url ? { url } : {}),
    ...(job.failure ? { failure: job.failure } : {}),
    createdAt: job.createdAt,
  };
}

/** What an import's poll answers: its progress, its counts and the rows it refused. */
export function importView(job: RegisterJob): z.infer<typeof ImportJobSchema> {
  return {
    id: job.id,
    kind: 'units',
    status: job.status,
    processed: job.processed,
    ...(job.total === undefined ? {} : { total: job.total }),
    created: job.created,
    updated: job.updated,
    skipped: job.skipped,
    errors: job.errors,
    rejected: job.rejected,
    ...(job.failure ? { failure: job.failure } : {}),
    createdAt: job.createdAt,
  };
}

/** A new job, waiting for its file (an import) or for the runner (an export). */
export function newRegisterJob(
  fields: Pick<RegisterJob, 'id' | 'job' | 'kind' | 'principal' | 'key' | 'filters' | 'format' | 'upload'>,
  now: Date,
): RegisterJob {
  const at = now.toISOString();
  // Absent options stay absent: the table refuses undefined attributes.
  const given = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return {
    ...(given as typeof fields),
    version: 1,
    createdAt: at,
    updatedAt: at,
    status: fields.job === 'export' ? 'running' : 'waiting',
    processed: 0,
    created: 0,
    updated: 0,
    skipped: 0,
    rejected: [],
    errors: 0,
  };
}

import {
  CreateExportSchema,
  CreateImportSchema,
  described,
  ExportJobSchema,
  ImportJobSchema,
  UlidSchema,
} from '@gridsafe/core';
import * as z from 'zod/mini';
import { IdParamSchema, json, WRITE_ERRORS } from '../http-helpers.ts';
import { createRoute } from '../openapi/route.ts';
import { recordRoutes } from './record-routes.ts';

const JobCreatedSchema = described(z.object({ id: UlidSchema }), { id: 'JobCreated' });
const ImportCreatedSchema = described(
  z.object({
    id: UlidSchema,
    upload: z.object({
      url: z.string(),
      method: z.literal('PUT'),
      headers: z.record(z.string(), z.string()),
      expiresIn: z.number(),
    }),
  }),
  { id: 'ImportCreated' },
);

const exportRoutes = recordRoutes('exports', 'registers');
const importRoutes = recordRoutes('imports', 'registers');

export const routes = {
  createExport: createRoute({
    method: 'post',
    path: '/exports',
    tags: ['registers'],
    summary: 'Export a whole filtered list (units, risk points, hazards, patrols) to .xlsx or .csv, as a job',
    description:
      'The filters are the list’s own query parameters (without limit and cursor), read with the caller’s scope. Poll GET /exports/{id} for progress; once done it answers a short-lived link to the file, which carries a watermark of who exported it and when.',
    request: { body: { required: true, content: { 'application/json': { schema: CreateExportSchema } } } },
    responses: { 202: json(JobCreatedSchema, 'The export job, started'), ...WRITE_ERRORS },
  }),
  getExport: exportRoutes.get(
    'An export’s progress, and its file’s link once done',
    ExportJobSchema,
    'The export',
  ),
  exportAudit: exportRoutes.audit('Who asked for the export, with which filters, and how many rows it wrote'),
  createImport: createRoute({
    method: 'post',
    path: '/imports',
    tags: ['registers'],
    summary:
      'Announce a spreadsheet of units (.xlsx or CSV) to import as a job, answering where to upload it',
    description:
      'Upload the file with the presigned PUT (its content type, size and SHA-256 are signed), then POST /imports/{id}/start. Rows follow the rules of POST /units/import.',
    request: { body: { required: true, content: { 'application/json': { schema: CreateImportSchema } } } },
    responses: { 201: json(ImportCreatedSchema, 'The import, waiting for its file'), ...WRITE_ERRORS },
  }),
  startImport: createRoute({
    method: 'post',
    path: '/imports/{id}/start',
    tags: ['registers'],
    summary: 'Start an import whose file has been uploaded',
    request: { params: IdParamSchema },
    responses: { 202: json(ImportJobSchema, 'The import, running'), ...WRITE_ERRORS },
  }),
  getImport: importRoutes.get(
    'An import’s progress, its figures and the rows it refused',
    ImportJobSchema,
    'The import',
  ),
  importAudit: importRoutes.audit('Who imported which file, and what came of it'),
};

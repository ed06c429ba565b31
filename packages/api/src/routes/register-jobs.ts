import {
  authorize,
  ConflictError,
  exportView,
  importView,
  NotFoundError,
  newRegisterJob,
  type RegisterJob,
} from '@gridsafe/core';
import { fromItem, RegisterJobRepository } from '@gridsafe/db';
import { RegisterFiles } from '@gridsafe/evidence';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.ts';
import { countyData, readScope, writeContext } from '../county-data.ts';
import { inProcessLauncher } from '../jobs/job-launcher.ts';
import { authorizeExport, parseExportFilters, REGISTER_TITLE } from '../jobs/register-sources.ts';
import type { createRouter } from '../openapi-hono.ts';
import { auditTrail } from './record-routes.ts';
import { routes } from './register-job-schemas.ts';

const filesOf = (c: Context<AppEnv>) =>
  new RegisterFiles(c.get('deps').evidence.client, c.get('deps').evidence.bucket, c.get('tenant'));

/** Starts the job beside the request: the job's Lambda in AWS, this process locally. */
const launch = (c: Context<AppEnv>, jobId: string) =>
  (c.get('deps').jobs ?? inProcessLauncher(c.get('deps'))).launch({ tenant: c.get('tenant'), jobId });

/**
 * A job of the caller's own: an export or an import is its person's (it read or wrote as them), so anyone else's,
 * like another county's, is simply missing.
 */
async function ownJob(c: Context<AppEnv>, id: string, job: RegisterJob['job']) {
  authorize(c.get('principal'), job === 'export' ? 'register.export' : 'unit.import');
  const repository = new RegisterJobRepository(countyData(c).store);
  const stored = await repository.getStored(id, true);
  const found = stored ? fromItem<RegisterJob>(stored) : undefined;
  if (!stored || !found || found.job !== job || found.principal.userId !== c.get('principal').userId)
    throw new NotFoundError(job);
  return { stored, job: found, repository };
}

export function registerRegisterJobs(app: ReturnType<typeof createRouter>) {
  app.openapi(routes.createExport, async (c) => {
    const principal = c.get('principal');
    const input = c.req.valid('json');
    authorizeExport(principal, input.kind);
    const filters = parseExportFilters(input.kind, input.filters);
    // The scope is checked now, so a grid outside the caller's area is refused here rather than by a failed job.
    await readScope(c, { grid: filters.grid, department: filters.department, unit: filters.unit });
    const id = c.get('deps').ids.next();
    const job = newRegisterJob(
      {
        id,
        job: 'export',
        kind: input.kind,
        principal,
        key: filesOf(c).exportKey(id, input.format),
        filters: input.filters,
        format: input.format,
      },
      c.get('deps').clock.now(),
    );
    await new RegisterJobRepository(countyData(c).store).create(job, writeContext(c));
    await launch(c, id);
    return c.json({ id }, 202);
  });

  app.openapi(routes.getExport, async (c) => {
    const { job } = await ownJob(c, c.req.valid('param').id, 'export');
    const date = job.createdAt.slice(0, 10);
    const url =
      job.status === 'done'
        ? await filesOf(c).downloadLink(
            job.key,
            `${REGISTER_TITLE[job.kind]}-${date}.${job.format ?? 'xlsx'}`,
          )
        : undefined;
    return c.json(exportView(job, url), 200);
  });

  app.openapi(routes.exportAudit, async (c) => {
    const { job } = await ownJob(c, c.req.valid('param').id, 'export');
    return c.json(await auditTrail(c, 'register-job', job.id), 200);
  });

  app.openapi(routes.createImport, async (c) => {
    const principal = c.get('principal');
    authorize(principal, 'unit.import');
    const input = c.req.valid('json');
    const id = c.get('deps').ids.next();
    const key = filesOf(c).importKey(id, input.contentType === 'text/csv' ? 'csv' : 'xlsx');
    const { kind, contentType, size, sha256 } = input;
    const job = newRegisterJob(
      { id, job: 'import', kind, principal, key, upload: { contentType, size, sha256 } },
      c.get('deps').clock.now(),
    );
    const upload = await filesOf(c).presignUpload(key, input);
    await new RegisterJobRepository(countyData(c).store).create(job, writeContext(c));
    return c.json({ id, upload }, 201);
  });

  app.openapi(routes.startImport, async (c) => {
    const { stored, job, repository } = await ownJob(c, c.req.valid('param').id, 'import');
    if (job.status !== 'waiting') throw new ConflictError('This import has already started.', 'wrong_state');
    const started = await repository.step(
      stored,
      { ...job, status: 'running' },
      writeContext(c),
      'started',
      {},
    );
    await launch(c, job.id);
    return c.json(importView(started), 202);
  });

  app.openapi(routes.getImport, async (c) => {
    const { job } = await ownJob(c, c.req.valid('param').id, 'import');
    return c.json(importView(job), 200);
  });

  app.openapi(routes.importAudit, async (c) => {
    const { job } = await ownJob(c, c.req.valid('param').id, 'import');
    return c.json(await auditTrail(c, 'register-job', job.id), 200);
  });
}

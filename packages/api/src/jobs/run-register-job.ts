import { type RegisterJob, ValidationError } from '@gridsafe/core';
import { fromItem, RegisterJobRepository, TenantStore } from '@gridsafe/db';
import { RegisterFiles } from '@gridsafe/evidence';
import { inProcessLauncher, type JobDeps, type JobEvent } from './job-launcher.ts';

/** What one invocation may spend: the Lambda's remaining time (locally unbounded), and its batch size. */
export interface RunBudget {
  remainingMs(): number;
  /** Rows an import writes between checkpoints. */
  chunkRows?: number;
}

/** One invocation's hold on a job: the county's table and files, the job as claimed, and its checkpoints. */
export interface JobRun {
  deps: JobDeps;
  event: JobEvent;
  store: TenantStore;
  files: RegisterFiles;
  jobs: RegisterJobRepository;
  runner: string;
  budget: RunBudget;
  /** Continues the job in a fresh invocation (it claims the job anew and resumes from the last checkpoint). */
  relaunch(): Promise<void>;
  /** The job's audited end: done with its figures, under the version lock. */
  finish(after: Partial<RegisterJob>, action: string, details: Record<string, unknown>): Promise<void>;
}

/**
 * Runs (or continues) one register job: claims it, does the export or the next part of the import, and records
 * how it ended. A job that is not running (waiting for its file, done, failed) is left alone, so a repeated or
 * late invocation does nothing. A refusal the person can act on (a missing column, a file that is not the one
 * announced) ends the job as failed in their words; anything else is logged in full and failed plainly.
 */
export async function runRegisterJob(deps: JobDeps, event: JobEvent, budget: RunBudget): Promise<void> {
  const store = new TenantStore(deps.data.client, deps.data.tableName, event.tenant);
  const jobs = new RegisterJobRepository(store);
  const runner = deps.ids.next();
  const claimed = await jobs.claim(event.jobId, runner, deps.clock.now());
  if (!claimed) return;
  const job = fromItem<RegisterJob>(claimed);
  const run: JobRun = {
    deps,
    event,
    store,
    files: new RegisterFiles(deps.evidence.client, deps.evidence.bucket, event.tenant),
    jobs,
    runner,
    budget,
    relaunch: () => (deps.jobs ?? inProcessLauncher(deps)).launch(event),
    finish: async (after, action, details) => {
      const stored = await jobs.getStored(job.id, true);
      if (!stored) return;
      const current = fromItem<RegisterJob>(stored);
      if (current.runner !== runner || current.status !== 'running') return;
      const { runner: _runner, ...rest } = current;
      await jobs.step(
        stored,
        { ...rest, ...after, finishedAt: deps.clock.now().toISOString() },
        { principal: job.principal, now: deps.clock.now() },
        action,
        details,
      );
    },
  };
  try {
    if (job.job === 'export') {
      const { runExport } = await import('./export-job.ts');
      await runExport(run, job);
    } else {
      const { runImport } = await import('./import-job.ts');
      await runImport(run, job);
    }
  } catch (error) {
    const failure =
      error instanceof ValidationError
        ? error.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ')
        : '处理失败，请重试或联系管理员 (the job failed; try again or ask the administrator)';
    if (!(error instanceof ValidationError))
      deps.logger.error('register job failed', {
        ...event,
        error: String(error),
        stack: (error as Error).stack,
      });
    await run.finish({ status: 'failed', failure }, 'failed', { failure });
  }
}

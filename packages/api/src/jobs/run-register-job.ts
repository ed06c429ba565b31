import { ConflictError, type RegisterJob, ServiceUnavailableError, ValidationError } from '@gridsafe/core';
import { fromItem, RegisterJobRepository, TenantStore } from '@gridsafe/db';
import { RegisterFiles } from '@gridsafe/evidence';
import { inProcessLauncher, type JobDeps, type JobEvent } from './job-launcher.ts';

/**
 * The pauses before an invocation tries its job again after a passing failure of a dependency (DynamoDB or S3
 * unavailable or timing out, a transaction that lost a race on a shared counter): about 40 s in all, longer than a
 * throttled burst in AWS or DynamoDB Local's pauses under a loaded machine, and a restart of it. The job continues
 * from its last checkpoint each time; after the last pause it fails, and the person starts it again.
 */
export const TRANSIENT_RETRY_DELAYS_MS = [2_000, 8_000, 30_000] as const;

/** What one invocation may spend: the Lambda's remaining time (locally unbounded), and its batch size. */
export interface RunBudget {
  remainingMs(): number;
  /** Rows an import writes between checkpoints. */
  chunkRows?: number;
  /** The pauses before trying again after a passing failure; TRANSIENT_RETRY_DELAYS_MS unless given (tests). */
  retryDelaysMs?: readonly number[];
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
  /** When this invocation claimed the job or last recorded a checkpoint (an ISO time). */
  checkpointedAt: string;
  /** True while the work runs again after a passing failure, from the last checkpoint (TRANSIENT_RETRY_DELAYS_MS). */
  retrying: boolean;
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
  if (event.phase === 'search') {
    const { indexForSearch } = await import('./import-job.ts');
    await indexForSearch({ deps, event, store, budget });
    return;
  }
  const jobs = new RegisterJobRepository(store);
  const runner = deps.ids.next();
  const claimedAt = deps.clock.now();
  const claimed = await jobs.claim(event.jobId, runner, claimedAt);
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
    checkpointedAt: claimedAt.toISOString(),
    retrying: false,
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
  const delays = budget.retryDelaysMs ?? TRANSIENT_RETRY_DELAYS_MS;
  let current = job;
  for (let attempt = 0; ; attempt++) {
    try {
      if (attempt > 0) {
        // Again from the last checkpoint, unless another invocation took the job meanwhile or it ended.
        const stored = await jobs.getStored(job.id, true);
        const latest = stored ? fromItem<RegisterJob>(stored) : undefined;
        if (!latest || latest.runner !== runner || latest.status !== 'running') return;
        current = latest;
      }
      if (current.job === 'export') {
        const { runExport } = await import('./export-job.ts');
        await runExport(run, current);
      } else {
        const { runImport } = await import('./import-job.ts');
        await runImport(run, current);
      }
      return;
    } catch (error) {
      const delay = delays[attempt];
      if (isPassing(error) && delay !== undefined && budget.remainingMs() > delay + RETRY_HEADROOM_MS) {
        deps.logger.warn('register job paused by a passing failure; it continues from its checkpoint', {
          ...event,
          attempt: attempt + 1,
          delayMs: delay,
          error: String(error),
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
        run.retrying = true;
        continue;
      }
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
      return;
    }
  }
}

/** A Lambda's time kept after a pause, for the work and the checkpoint that follow it. */
const RETRY_HEADROOM_MS = 60_000;

/**
 * A failure that trying again later can get past: a dependency unreachable, overloaded or timing out (the SDK's own
 * attempts are spent), or a transaction that lost a race with another on a shared item (a village's counters).
 * A refusal of the file's content, or a bug, is not.
 */
function isPassing(error: unknown): boolean {
  return (
    error instanceof ServiceUnavailableError ||
    (error instanceof ConflictError && error.code === 'transaction_conflict')
  );
}

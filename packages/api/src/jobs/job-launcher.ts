import type { AppDeps } from '../app-deps.ts';

/** One job to run: the county and the job's id. It is also the event the job's Lambda receives. */
export interface JobEvent {
  tenant: string;
  jobId: string;
  /**
   * `search`: the import is done and this invocation only writes the search postings its units still owe (an
   * earlier invocation ran short of time for them). Absent: the job's own work.
   */
  phase?: 'search';
}

/**
 * Starts a register job beside the request that asked for it. In AWS the API invokes the job's own Lambda
 * asynchronously (functions/register-job.ts), and a job that nears the Lambda's 15 minutes invokes itself again
 * to continue from its checkpoint; locally and in tests the same code runs in the API's process.
 */
export interface JobLauncher {
  launch(event: JobEvent): Promise<void>;
}

/** What a job needs from the outside world: the API's own dependencies, and how to continue elsewhere. */
export type JobDeps = Pick<AppDeps, 'data' | 'evidence' | 'clock' | 'ids' | 'logger'> & {
  /** Absent: the job continues in this process. */
  jobs?: JobLauncher;
};

/** The job runs here, after the request that started it has answered; its end is logged, never thrown. */
export function inProcessLauncher(deps: JobDeps): JobLauncher {
  const launcher: JobLauncher = {
    async launch(event) {
      setImmediate(() => {
        import('./run-register-job.ts')
          .then(({ runRegisterJob }) =>
            runRegisterJob({ ...deps, jobs: launcher }, event, {
              remainingMs: () => Number.POSITIVE_INFINITY,
            }),
          )
          .catch((error: unknown) =>
            deps.logger.error('register job failed', { ...event, error: String(error) }),
          );
      });
    },
  };
  return launcher;
}

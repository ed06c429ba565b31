import type { JobLauncher } from '@gridsafe/api/jobs';
import { asyncInvoker } from './lambda-async-invoke.ts';

/**
 * Starts a register job in the county's job function, invoked asynchronously (`Event`): the API answers at once,
 * and Lambda retries a failed invocation itself. The Lambda client is loaded at the first job, not in the API's
 * cold start.
 */
export function lambdaJobLauncher(functionName: string, region: string): JobLauncher {
  const invoke = asyncInvoker(functionName, region);
  return { launch: (event) => invoke(event) };
}

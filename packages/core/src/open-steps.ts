import { ValidationError } from './errors.ts';

/**
 * The steps of a state machine a person may take now, asked of the machine itself so that what a client is
 * offered cannot drift from what it accepts. A step is open when trying it throws nothing, or only a
 * ValidationError: then the step is allowed and waits for its input (a rectification's note and photos).
 *
 * @example
 * openSteps(RISK_POINT_TRANSITIONS, (step) => nextReviewState(point, step, principal, settings)); // ['approve', 'return']
 */
export function openSteps<Step>(steps: readonly Step[], attempt: (step: Step) => unknown): Step[] {
  // A closed step throws, and nobody reads that error's stack: a list page asks this of every step of each of its
  // 50 records, hundreds of stacks captured per request for nothing. (V8's limit; other engines ignore it.)
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return steps.filter((step) => {
      try {
        attempt(step);
        return true;
      } catch (error) {
        return error instanceof ValidationError;
      }
    });
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

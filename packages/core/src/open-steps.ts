import { type DomainError, ValidationError } from './errors.ts';

/**
 * A step a machine refuses, answered instead of thrown by a machine that is asked often which steps are open: the
 * error is made only by whoever throws it.
 */
export class Refusal {
  constructor(readonly error: () => DomainError) {}
}

export const refuse = (error: () => DomainError): Refusal => new Refusal(error);

/**
 * The steps of a state machine a person may take now, asked of the machine itself so that what a client is
 * offered cannot drift from what it accepts. A step is open when trying it throws nothing, or only a
 * ValidationError: then the step is allowed and waits for its input (a rectification's note and photos). A step
 * answered with a Refusal is closed.
 *
 * @example
 * openSteps(RISK_POINT_TRANSITIONS, (step) => nextReviewState(point, step, principal, settings)); // ['approve', 'return']
 */
export function openSteps<Step>(steps: readonly Step[], attempt: (step: Step) => unknown): Step[] {
  // Where a closed step throws, nobody reads that error's stack: a list page asks this of every step of each of its
  // 50 records, hundreds of stacks captured per request for nothing. (V8's limit; other engines ignore it.)
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return steps.filter((step) => {
      try {
        return !(attempt(step) instanceof Refusal);
      } catch (error) {
        return error instanceof ValidationError;
      }
    });
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

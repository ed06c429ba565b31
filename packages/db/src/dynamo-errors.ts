import { ConflictError, ServiceUnavailableError } from '@gridsafe/core';

interface AwsLikeError {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const OVERLOADED = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

/**
 * Translates an SDK error into a domain error, keeping the original as `cause` for the log. A failed
 * condition (stale version, duplicate create) is a 409; an unreachable or overloaded DynamoDB is a 503.
 * Anything else is a bug and is rethrown untouched so it surfaces as a logged 500.
 */
export function translateDynamoError(error: unknown, what = 'item'): unknown {
  const e = error as AwsLikeError;
  const name = e?.name ?? '';
  if (name === 'ConditionalCheckFailedException') {
    return new ConflictError(`The ${what} was changed by someone else or is in another state.`, 'conflict', {
      cause: error,
    });
  }
  if (name === 'TransactionCanceledException') {
    const reasons = e.CancellationReasons ?? [];
    if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
      return new ConflictError(
        `The ${what} was changed by someone else or is in another state.`,
        'conflict',
        {
          cause: error,
        },
      );
    }
    if (reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError')) {
      return new ConflictError('A concurrent change got there first; try again.', 'transaction_conflict', {
        cause: error,
      });
    }
  }
  if (name === 'TransactionConflictException') {
    return new ConflictError('A concurrent change got there first; try again.', 'transaction_conflict', {
      cause: error,
    });
  }
  if (
    OVERLOADED.has(name) ||
    UNREACHABLE.has(e?.code ?? '') ||
    UNREACHABLE.has(name) ||
    isNetworkError(error)
  ) {
    return new ServiceUnavailableError('database', { cause: error });
  }
  return error;
}

function isNetworkError(error: unknown): boolean {
  // Node's fetch/http errors nest the errno code in `cause`; the SDK wraps socket timeouts by name.
  const cause = (error as { cause?: { code?: string } })?.cause;
  return Boolean(cause?.code && UNREACHABLE.has(cause.code));
}

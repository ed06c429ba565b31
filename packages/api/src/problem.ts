import {
  ConflictError,
  DomainError,
  described,
  type FieldProblem,
  ForbiddenError,
  type Logger,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  ValidationError,
} from '@gridsafe/core';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as z from 'zod/mini';
import type { $ZodIssue } from 'zod/v4/core';

export const ProblemSchema = described(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string(),
    code: z.string(),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    requestId: z.optional(z.string()),
  }),
  { id: 'Problem' },
);

export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusOf(error: DomainError): ContentfulStatusCode {
  if (error instanceof ValidationError) return 400;
  if (error instanceof UnauthorizedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof PayloadTooLargeError) return 413;
  if (error instanceof TooManyRequestsError) return 429;
  if (error instanceof ServiceUnavailableError) return 503;
  return 500;
}

export function problemResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  detail: string,
  errors?: FieldProblem[],
): Response {
  const body: Problem = {
    type: `https://gridsafe.cn/problems/${code.replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors ? { errors } : {}),
    ...(c.get('requestId') ? { requestId: c.get('requestId') as string } : {}),
  };
  if (status === 401) c.header('WWW-Authenticate', 'Bearer');
  if (status === 503) c.header('Retry-After', '2');
  return c.body(JSON.stringify(body), status, { 'content-type': 'application/problem+json; charset=utf-8' });
}

/** Zod issues as `{path, message}`, the path prefixed by where the value came from (`query.limit`). */
export function fieldProblems(error: { issues: readonly $ZodIssue[] }, target: string): FieldProblem[] {
  // A key may be the empty string (`{"": 1}`); it is still a field the client sent, so it is named as `""`.
  const segment = (key: PropertyKey) => (String(key) === '' ? '""' : String(key));
  return error.issues.flatMap((issue) => {
    const base = [target === 'json' ? '' : target, ...issue.path.map(segment)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [base, segment(key)].filter(Boolean).join('.'),
        message: 'unknown field',
      }));
    }
    return [{ path: base || '(body)', message: issue.message }];
  });
}

/**
 * The single place errors become HTTP. Domain errors say what went wrong; everything else is logged in full
 * with the request id and answered with a bare 500, so no stack trace or SDK message reaches a client.
 */
export function handleError(error: Error, c: Context, logger: Logger): Response {
  if (error instanceof DomainError) {
    const status = statusOf(error);
    if (status >= 500) {
      logger.error('dependency failure', { error, requestId: c.get('requestId'), tenant: c.get('tenant') });
    } else if (status === 403) {
      logger.warn('forbidden', {
        detail: error.message,
        requestId: c.get('requestId'),
        tenant: c.get('tenant'),
      });
    }
    if (error instanceof TooManyRequestsError && error.retryAfterSeconds !== undefined) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
    }
    return problemResponse(
      c,
      status,
      error.code,
      error.message,
      error instanceof ValidationError ? error.problems : undefined,
    );
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    if (status === 413)
      return problemResponse(c, 413, 'payload_too_large', 'The request body is larger than 1 MB.');
    // hono's validator throws a bare 400 for a body that is not JSON; it is still a bad field, named as such.
    if (status === 400 || status === 415) {
      if (status === 415 || !/json/i.test(c.req.header('content-type') ?? '')) {
        return problemResponse(
          c,
          415 as ContentfulStatusCode,
          'unsupported_media_type',
          'Send the body as application/json.',
          [{ path: 'header.content-type', message: 'must be application/json' }],
        );
      }
      return problemResponse(c, 400, 'validation_failed', 'The request body is not valid JSON.', [
        { path: '(body)', message: 'is not valid JSON' },
      ]);
    }
    return problemResponse(c, status, 'http_error', error.message || TITLES[status] || 'Error');
  }
  logger.error('unhandled error', {
    error,
    requestId: c.get('requestId'),
    tenant: c.get('tenant'),
    path: c.req.path,
  });
  return problemResponse(c, 500, 'internal_error', 'Something went wrong on our side; it has been logged.');
}

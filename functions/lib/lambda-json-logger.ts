import { createJsonLogger, type Logger } from '@gridsafe/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS = new Set<Level>(['debug', 'info', 'warn', 'error']);

/**
 * The county API's logger: core's JSON lines with the fields Powertools' Logger would add (service, the Lambda
 * request id, cold start), for about 21 KB less of the cold-start budget (docs/decisions.md, "The county API logs
 * without Powertools"). The level comes from POWERTOOLS_LOG_LEVEL, as the other functions' does.
 */
export function lambdaJsonLogger(persistent: Record<string, unknown>): {
  logger: Logger;
  middleware: MiddlewareObj<unknown, unknown, Error, Context>;
} {
  const level = (process.env.POWERTOOLS_LOG_LEVEL ?? 'info').toLowerCase() as Level;
  const invocation: Record<string, unknown> = {};
  const base = createJsonLogger(
    { service: process.env.POWERTOOLS_SERVICE_NAME ?? 'gridsafe-api', ...persistent },
    LEVELS.has(level) ? level : 'info',
  );
  let coldStart = true;
  const withInvocation =
    (write: Logger['info']) =>
    (message: string, fields?: Record<string, unknown>): void =>
      write(message, { ...invocation, ...fields });
  return {
    logger: {
      debug: withInvocation(base.debug),
      info: withInvocation(base.info),
      warn: withInvocation(base.warn),
      error: withInvocation(base.error),
    },
    middleware: {
      before: (request) => {
        invocation.function_request_id = request.context.awsRequestId;
        invocation.cold_start = coldStart;
        coldStart = false;
      },
    },
  };
}

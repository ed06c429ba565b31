import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { systemClock } from '@gridsafe/core';
import { AssessmentSnapshots, createDocumentClient, TenantStore } from '@gridsafe/db';
import middy from '@middy/core';
import { readEnv } from './lib/env.ts';

// Once per cold start: the county this stack serves and a client that warm invocations reuse.
const env = readEnv(['GRIDSAFE_TENANT', 'TABLE_NAME']);
const logger = new Logger({ persistentKeys: { tenant: env.GRIDSAFE_TENANT } });
const client = createDocumentClient({ requestTimeoutMs: 10_000, maxAttempts: 4 });

/**
 * EventBridge runs this once a night for the stack's one county: it computes the current quarter's assessment
 * (and the quarter just ended, once, after it closes) so the API answers the assessment page from a stored
 * snapshot instead of reading every unit and risk point on a request (packages/db/src/assessment-snapshots.ts).
 */
export const handler = middy(async () => {
  const started = Date.now();
  const refreshed = await new AssessmentSnapshots(
    new TenantStore(client, env.TABLE_NAME, env.GRIDSAFE_TENANT),
  ).refreshDue(systemClock);
  logger.info('assessments refreshed', { refreshed, ms: Date.now() - started });
  return { refreshed };
}).use(injectLambdaContext(logger, { resetKeys: true }));

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type JobEvent, runRegisterJob } from '@gridsafe/api/jobs';
import { systemClock, ulidSource } from '@gridsafe/core';
import { createDocumentClient } from '@gridsafe/db';
import { lazyS3Client } from '@gridsafe/evidence';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readEnv } from './lib/env.ts';
import { lambdaJobLauncher } from './lib/lambda-job-launcher.ts';
import { domainLogger } from './lib/powertools-logger.ts';

// Once per cold start: the county this stack serves, its table and bucket, and clients warm invocations reuse.
const env = readEnv([
  'GRIDSAFE_TENANT',
  'TABLE_NAME',
  'EVIDENCE_BUCKET',
  'AWS_REGION',
  'AWS_LAMBDA_FUNCTION_NAME',
]);
const logger = new Logger({ persistentKeys: { tenant: env.GRIDSAFE_TENANT } });
const deps = {
  data: { client: createDocumentClient({ requestTimeoutMs: 10_000 }), tableName: env.TABLE_NAME },
  evidence: { client: lazyS3Client({ region: env.AWS_REGION }), bucket: env.EVIDENCE_BUCKET },
  clock: systemClock,
  ids: ulidSource,
  logger: domainLogger(logger),
  // A job nearing this invocation's end continues in a fresh invocation of this same function.
  jobs: lambdaJobLauncher(env.AWS_LAMBDA_FUNCTION_NAME, env.AWS_REGION),
};

/**
 * A register export or import of the stack's one county, invoked asynchronously by the county API (and by itself
 * to continue a long import). The job claims itself, checkpoints as it goes and records how it ended; an event
 * naming another county is refused, since this function's role could not reach its data anyway.
 */
export const handler = middy(async (event: JobEvent, context: Context) => {
  if (event.tenant !== env.GRIDSAFE_TENANT)
    throw new Error(`This function serves ${env.GRIDSAFE_TENANT} only.`);
  await runRegisterJob(deps, event, { remainingMs: () => context.getRemainingTimeInMillis() });
}).use(injectLambdaContext(logger, { resetKeys: true }));

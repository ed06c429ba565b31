import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { systemClock, ulidSource } from '@gridsafe/core';
import {
  AssessmentSnapshots,
  createDocumentClient,
  planPatrols,
  SettingsRepository,
  TenantStore,
} from '@gridsafe/db';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readEnv } from './lib/env.ts';
import { domainLogger } from './lib/powertools-logger.ts';

// Once per cold start: the county this stack serves and a client that warm invocations reuse.
const env = readEnv(['GRIDSAFE_TENANT', 'TABLE_NAME']);
const logger = new Logger({ persistentKeys: { tenant: env.GRIDSAFE_TENANT } });
const log = domainLogger(logger);
const client = createDocumentClient({ requestTimeoutMs: 10_000, maxAttempts: 4 });

/** What the plan leaves of the function's time: the schedules under way end, and the answer is logged. */
const PLAN_HEADROOM_MS = 60_000;

/**
 * EventBridge runs this once a night for the stack's one county. It computes the current quarter's assessment
 * (and the quarter just ended, once, after it closes) so the API answers the assessment page from a stored
 * snapshot instead of reading every unit and risk point on a request (packages/db/src/assessment-snapshots.ts).
 * Then the daily plan: every unit rated again, and every active unit without a patrol task given one. Both read
 * the whole county, which at Nanjing's size takes minutes: this function has 15 of them, the 5-minute sweep 2
 * (docs/decisions.md, "The daily plan runs at night"). The plan stops a minute before the timeout; the units it
 * did not reach get their task from the next night's plan.
 */
export const handler = middy(async (_event: unknown, context: Context) => {
  const started = Date.now();
  const store = new TenantStore(client, env.TABLE_NAME, env.GRIDSAFE_TENANT);
  const refreshed = await new AssessmentSnapshots(store).refreshDue(systemClock);
  logger.info('assessments refreshed', { refreshed, ms: Date.now() - started });
  const { settings } = await new SettingsRepository(store).get();
  const plan = await planPatrols({
    store,
    clock: systemClock,
    settings,
    ids: ulidSource,
    logger: log,
    signal: AbortSignal.timeout(Math.max(0, context.getRemainingTimeInMillis() - PLAN_HEADROOM_MS)),
  });
  return { refreshed, plan };
}).use(injectLambdaContext(logger, { resetKeys: true }));

import { Duration } from 'aws-cdk-lib';
import type { CountySize } from './cells-config.ts';

/**
 * The county API function's timeout. A request waits at most 2 s per DynamoDB attempt, two attempts, after a 1 s
 * connect (packages/db/src/dynamo-client.ts), so one hung call answers 503 in about 5 s; 10 s lets a request make
 * two calls that hang before Lambda ends it, far inside API Gateway's 30 s, and bounds how long one request can
 * hold a unit of the cell's concurrency.
 */
export const COUNTY_API_TIMEOUT = Duration.seconds(10);

/**
 * How long the gateway waits for the function: a little longer than the function's own timeout, so it is Lambda
 * that ends a slow request (and frees its concurrency) rather than the gateway answering 504 while the function
 * keeps running.
 */
export const COUNTY_API_INTEGRATION_TIMEOUT = Duration.seconds(12);

/**
 * Lambda's default concurrency per account and region, shared by every function of the cell. A cell of more
 * than about 100 counties asks for more (docs/deploy.md, "Bulkheads").
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 1000;

/**
 * The nightly assessment of a county runs once at a time: a retry that Scheduler sends while the first run still
 * reads the county is refused by Lambda instead of reading it twice. Reserved concurrency is the only cap Lambda
 * offers for an asynchronous invocation (maximum concurrency exists only for SQS event sources).
 */
export const ASSESSMENT_RESERVED_CONCURRENCY = 1;

export interface StageThrottle {
  /** Steady requests per second, the token bucket's refill. */
  rateLimit: number;
  /** Requests the bucket holds: a page that loads five lists at once for four people. */
  burstLimit: number;
}

/**
 * Per-county stage throttles by size class. A county of a few hundred monthly users makes about 1–2 requests a
 * second at its busiest hour (five parallel lists per page view), so `small` leaves it three times that.
 */
export const STAGE_THROTTLE_BY_SIZE: Readonly<Record<CountySize, StageThrottle>> = {
  small: { rateLimit: 5, burstLimit: 20 },
  medium: { rateLimit: 10, burstLimit: 40 },
  large: { rateLimit: 25, burstLimit: 50 },
};

/**
 * The alert intake's route throttle (`POST /alerts`, a county's monitoring systems): its own token bucket on the
 * county's stage, so a storm of alerts is refused at its own route and never spends the bucket its people's
 * requests share. 20 a second is 1,200 a minute for all of a county's sources together; each source has its own
 * smaller budget in the app (`ratePerMinute`, DynamoDB), which is what decides one storming source's 429s.
 */
export const ALERT_INTAKE_THROTTLE: StageThrottle = { rateLimit: 20, burstLimit: 40 };

export function stageThrottleFor(size: CountySize | undefined): StageThrottle {
  return STAGE_THROTTLE_BY_SIZE[size ?? 'small'];
}

/**
 * The most Lambda concurrency one county's API can hold when every request runs into the function's timeout:
 * the bucket's burst all at once, then `rate` new requests a second, each held for the whole timeout. A county
 * cannot hold more, however slow DynamoDB gets, because the gateway refuses (429) what the bucket does not admit.
 */
export function worstCaseConcurrency(
  throttle: StageThrottle,
  timeout: Duration = COUNTY_API_TIMEOUT,
): number {
  return throttle.burstLimit + throttle.rateLimit * timeout.toSeconds();
}

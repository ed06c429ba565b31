import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';

export interface DynamoClientOptions {
  region?: string;
  /** Set for DynamoDB Local; absent in AWS. */
  endpoint?: string;
  /**
   * Fail fast when DynamoDB cannot be reached: a request that hangs is worse for a grid member on a phone than
   * a quick 503 they can retry. Defaults suit an API request path.
   */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxAttempts?: number;
}

/**
 * Timeouts in AWS: two attempts of at most 2 s each, so a hung DynamoDB answers 503 in about 4 s, well inside API
 * Gateway's 29 s, instead of holding the phone (and a Lambda) until someone gives up (finding 4,
 * docs/reliability.md). Against DynamoDB Local (an `endpoint`) the JVM on a busy laptop or CI machine pauses for
 * seconds at a time and nothing waits at 29 s, so it gets 5 s and three attempts, unless
 * `GRIDSAFE_DYNAMODB_TIMEOUTS=aws` asks for AWS's values (the fault tests do, to test what production runs).
 */
function timeoutsFor(options: DynamoClientOptions): { requestTimeout: number; maxAttempts: number } {
  const aws = options.endpoint === undefined || process.env.GRIDSAFE_DYNAMODB_TIMEOUTS === 'aws';
  return {
    requestTimeout: options.requestTimeoutMs ?? (aws ? 2_000 : 5_000),
    maxAttempts: options.maxAttempts ?? (aws ? 2 : 3),
  };
}

/** How every Gridsafe call's plain values become DynamoDB's: an undefined field is left out, a class is refused. */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  const { requestTimeout, maxAttempts } = timeoutsFor(options);
  const config: DynamoDBClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? 'cn-north-1',
    maxAttempts,
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? 1_000,
      requestTimeout,
      // Without this smithy only logs a warning when the timeout passes and keeps waiting. The timer stops at
      // the response headers, so it never cuts a long Query's body short. A retried TransactWriteItems carries
      // the same ClientRequestToken, so a timed-out transaction that did commit is not applied twice.
      throwOnRequestTimeout: true,
    },
  };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // DynamoDB Local accepts any credentials; with -sharedDb they all see one database.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: MARSHALL_OPTIONS,
  });
  client.middlewareStack.add(forbidScan, { step: 'initialize', name: 'gridsafeForbidScan' });
  // The SDK's logger middleware builds a redacted copy of every call's input and output for its logger, whether a
  // logger is set or not (it calls `logger?.info?.(...)`, and the default no-op logger has an `info`). No logger is
  // ever set here: the API logs its own events. The copy walks each answer's items against DynamoDB's schema: a
  // Query of 51 units spent 1.4 ms of its 5.0 ms of client CPU on it, a GetItem 0.03 ms of 1.1 ms
  // (docs/performance.md, session 17). Every Lambda paid that on every call for nothing.
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return client;
}

/** The name the AWS SDK registers its logger middleware under (`@aws-sdk/core`'s loggerMiddlewareOptions). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

export class ScanForbiddenError extends Error {}

/**
 * No request path may Scan: every access pattern is a GetItem, a Query or a transaction (a Scan reads every
 * county's items and costs grow with the whole table). Enforced here, in the one client every path uses, so a
 * Scan fails loudly in tests and in production instead of quietly getting slow. Tests assert it.
 */
const forbidScan: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
  if ((context as { commandName?: string }).commandName === 'ScanCommand') {
    throw new ScanForbiddenError('Scan is not allowed on the Gridsafe table; use a Query on an index.');
  }
  return next(args);
};

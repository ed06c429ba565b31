import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, DynamoDBDocumentClientCommand } from '@aws-sdk/lib-dynamodb';
import type { Handler, InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';

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
  resolveEachCommandOnce(client);
  return client;
}

/** What the SDK's document commands keep to themselves, and the cache below reuses (lib-dynamodb 3.11xx). */
interface DocumentCommandParts {
  readonly middlewareStack: MiddlewareStack<object, MetadataBearer>;
  readonly clientCommand: {
    resolveMiddleware(
      stack: MiddlewareStack<object, MetadataBearer>,
      configuration: unknown,
      options: undefined,
    ): Handler<object, MetadataBearer>;
  };
  addMarshallingMiddleware(configuration: unknown): void;
}

/** The client stack's methods that change it; any of them makes every cached resolution stale. */
const STACK_CHANGES = ['add', 'addRelativeTo', 'remove', 'removeByTag', 'use'] as const;

/**
 * Has the document client resolve each command class's middleware once, not on every call.
 *
 * The SDK builds a call's handler afresh each time: it copies the client's middleware stack and the command's,
 * sorts them and wraps the handlers, about 0.15 ms of CPU on this project's machine, 15% of a GetItem's client
 * CPU and the largest part of a record page's that is not the call itself (docs/performance.md, session 18). The
 * low-level client can keep the result per command class (`cacheMiddleware: true`), but lib-dynamodb refuses that
 * option (aws-sdk-js-v3 #7762, #7801), because its commands bind the handler to one instance. This keeps the
 * handler the SDK's own command resolves, which takes the call's `{ input }`, so one resolution serves every
 * later command of the class: the marshalling it adds is the class's, the input is the call's. It is resolved
 * again whenever the client's stack changes (a test's or the bench's recorder), and not kept for a call with
 * options or a command that carries middleware of its own.
 */
function resolveEachCommandOnce(client: DynamoDBDocumentClient): void {
  const handlers = new Map<unknown, Handler<object, MetadataBearer>>();
  const stack = client.middlewareStack as unknown as Record<string, (...change: unknown[]) => unknown>;
  for (const change of STACK_CHANGES) {
    const original = stack[change]!.bind(stack);
    stack[change] = (...parts: unknown[]) => {
      handlers.clear();
      return original(...parts);
    };
  }
  const sendResolvingEachCall = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const send = (...args: unknown[]): Promise<unknown> => {
    const [command, ...rest] = args;
    if (rest.length > 0 || !(command instanceof DynamoDBDocumentClientCommand))
      return sendResolvingEachCall(...args);
    const parts = command as unknown as DocumentCommandParts;
    if (parts.middlewareStack.identify().length > 0) return sendResolvingEachCall(...args);
    let handler = handlers.get(command.constructor);
    if (!handler) {
      parts.addMarshallingMiddleware(client.config);
      const resolvedStack = client.middlewareStack.concat(parts.middlewareStack);
      handler = parts.clientCommand.resolveMiddleware(
        resolvedStack as MiddlewareStack<object, MetadataBearer>,
        client.config,
        undefined,
      );
      handlers.set(command.constructor, handler);
    }
    return handler(parts.clientCommand as never).then((result) => result.output);
  };
  client.send = send as DynamoDBDocumentClient['send'];
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

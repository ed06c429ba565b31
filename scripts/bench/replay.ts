import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { MARSHALL_OPTIONS } from '@gridsafe/db';
import type { LabelStats } from './load.ts';

/**
 * The reference of issue 20's overhead budget: for each endpoint, the very DynamoDB calls its answers sent,
 * captured in the API process (scripts/bench/api-server.ts) and sent again straight from this process, with the
 * same concurrency for the same time. An endpoint's p50 over its replay's p50 is the API's own overhead
 * (HTTP, auth, routing, validation, mapping, JSON), whatever DynamoDB Local itself costs on this machine.
 */

/**
 * One DynamoDB call of one answer: DynamoDB's operation name, its input as the document client was given it
 * (plain values: the capture sits before the client marshals), and when.
 */
export interface CapturedCall {
  operation: string;
  input: Record<string, unknown>;
  /** ms from the start of the request to the call being sent, and to its answer. */
  start: number;
  end: number;
}

/**
 * The reference's client: the AWS SDK's document client as its documentation builds one (a region, DynamoDB
 * Local's endpoint and its any-credentials), with the marshalling options the captured inputs need, and nothing
 * of the product's. A reference built with the product's own client (`createDocumentClient`, as until session 17)
 * moved whenever the product's client did: dropping the SDK's logger middleware there cut a units page's client
 * CPU by a quarter and made its overhead look larger, and anything the product added to its client was never
 * counted at all. So what the product does to its DynamoDB calls (a request timer, the Scan guard, leaving out the
 * logger's copy) is the product's, for better or worse, and the bench prints beside it what the same calls cost
 * through the product's client.
 */
export function stockDocumentClient(endpoint: string, region: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({ region, endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    // The captured inputs are the API's, undefined fields and all: marshalled as its client marshals them.
    { marshallOptions: MARSHALL_OPTIONS },
  );
}

/** The calls of one answer, in the order they were sent. */
export type CapturedRequest = CapturedCall[];

/**
 * Calls the API had in flight together (a Promise.all) are one wave: a call sent before every earlier call of
 * its wave had answered joins it. The replay sends a wave's calls together and the waves one after the other, so
 * it neither serialises what the API overlaps nor overlaps what the API serialises.
 */
export function wavesOf(request: CapturedRequest): CapturedCall[][] {
  const waves: CapturedCall[][] = [];
  let wave: CapturedCall[] = [];
  let waveEnd = Number.NEGATIVE_INFINITY;
  for (const call of [...request].sort((a, b) => a.start - b.start)) {
    if (wave.length > 0 && call.start >= waveEnd) {
      waves.push(wave);
      wave = [];
      waveEnd = Number.NEGATIVE_INFINITY;
    }
    wave.push(call);
    waveEnd = Math.max(waveEnd, call.end);
  }
  if (wave.length > 0) waves.push(wave);
  return waves;
}

const READS = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems']);

/**
 * What a replayed write may send. A write cannot be sent twice as it was: its conditions (the version it
 * expects, an audit event that must not exist yet) would fail from the second time on, and it would move the
 * county's records and counters under the benchmark's feet. So every key-like string (`T#<county>#…`: table
 * keys, index keys, counter keys) is moved under `namespace`, where no list of any county reads, and the
 * conditions go, as do the ConditionCheck items whose only work is a condition. The reference then does
 * slightly less work than the API did (no condition evaluated), which can only make the API look slower: the
 * ratio errs against the product, never for it. The idempotency token goes too, or DynamoDB would answer
 * the first replay's result again without doing the work.
 */
export function replayableWrite(
  operation: string,
  input: Record<string, unknown>,
  namespace: string,
): Record<string, unknown> {
  const moved = moveKeys(input, namespace) as Record<string, unknown>;
  if (operation === 'TransactWriteItems') {
    const items = (moved.TransactItems as Record<string, Record<string, unknown>>[])
      .filter((item) => !('ConditionCheck' in item))
      .map((item) =>
        Object.fromEntries(Object.entries(item).map(([kind, action]) => [kind, withoutCondition(action)])),
      );
    const { ClientRequestToken: _token, ...rest } = moved;
    return { ...rest, TransactItems: items };
  }
  return withoutCondition(moved);
}

function moveKeys(value: unknown, namespace: string): unknown {
  if (typeof value === 'string') return value.startsWith('T#') ? `${namespace}${value}` : value;
  if (Array.isArray(value)) return value.map((entry) => moveKeys(entry, namespace));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => [
        key,
        moveKeys(entry, namespace),
      ]),
    );
  }
  return value;
}

/** Drops the condition and every `#name` / `:value` that only the condition used (DynamoDB refuses unused ones). */
function withoutCondition(action: Record<string, unknown>): Record<string, unknown> {
  const {
    ConditionExpression: _condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: _returnValues,
    ...rest
  } = action;
  const expressions = ['UpdateExpression', 'ProjectionExpression']
    .map((field) => rest[field])
    .filter((text): text is string => typeof text === 'string')
    .join(' ');
  const used = (token: string) =>
    new RegExp(`${token.replace(/[$]/g, '\\$&')}(?![A-Za-z0-9_])`).test(expressions);
  const keep = (record: unknown) => {
    const entries = Object.entries((record as Record<string, unknown> | undefined) ?? {}).filter(([token]) =>
      used(token),
    );
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  };
  const keptNames = keep(names);
  const keptValues = keep(values);
  return {
    ...rest,
    ...(keptNames ? { ExpressionAttributeNames: keptNames } : {}),
    ...(keptValues ? { ExpressionAttributeValues: keptValues } : {}),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: each command takes its own input type; the captured input is the one it was sent with
type AnyInput = any;
/** The document client's command for each DynamoDB operation: the replay marshals as the API's client did. */
const COMMANDS: Record<string, new (input: AnyInput) => unknown> = {
  GetItem: GetCommand,
  Query: QueryCommand,
  BatchGetItem: BatchGetCommand,
  TransactGetItems: TransactGetCommand,
  PutItem: PutCommand,
  UpdateItem: UpdateCommand,
  DeleteItem: DeleteCommand,
  TransactWriteItems: TransactWriteCommand,
};

/** Whether every call of the captured answers can be sent again (an unknown operation is not guessed at). */
export function replayable(requests: CapturedRequest[]): boolean {
  return (
    requests.length > 0 &&
    requests.every((request) =>
      request.every((call) => READS.has(call.operation) || WRITES.has(call.operation)),
    )
  );
}

/**
 * Sends the captured answers' calls again, `concurrency` at a time for `seconds`, each worker taking the next
 * captured answer in turn; one latency per answer (its waves one after the other). Writes go to a namespace of
 * their own per worker, so two workers never contend for an item the API's connections would not have.
 */
export async function measureReplay(options: {
  label: string;
  client: DynamoDBDocumentClient;
  requests: CapturedRequest[];
  concurrency: number;
  seconds: number;
  run: string;
}): Promise<LabelStats> {
  const { client, requests } = options;
  const latencies: number[] = [];
  const opsSeen: Record<string, number> = {};
  let next = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const send = (call: CapturedCall, worker: number) => {
    const Command = COMMANDS[call.operation];
    if (!Command) throw new Error(`Cannot replay ${call.operation}`);
    const input = WRITES.has(call.operation)
      ? replayableWrite(call.operation, call.input, `BENCHREF#${options.run}#w${worker}#`)
      : call.input;
    return client.send(new Command(input) as Parameters<DynamoDBDocumentClient['send']>[0]);
  };
  const worker = async (index: number) => {
    while (performance.now() < deadline) {
      const request = requests[next++ % requests.length]!;
      const t0 = performance.now();
      for (const wave of wavesOf(request)) await Promise.all(wave.map((call) => send(call, index)));
      latencies.push(performance.now() - t0);
      const ops = request.map((call) => call.operation).join(',');
      opsSeen[ops] = (opsSeen[ops] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    label: options.label,
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    non2xx: 0,
    refusals: {},
    latencies,
    calls: requests.length > 0 ? latencies.map((_, i) => requests[i % requests.length]!.length) : [],
    cacheReads: latencies.map(() => 0),
    opsSeen,
  };
}

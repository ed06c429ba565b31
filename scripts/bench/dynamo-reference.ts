import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { counterUpdates, TenantStore } from '@gridsafe/db';
import type { LabelStats } from './load.ts';

export const DYNAMO_REFERENCE_LABEL = '(reference) GetItem, no API';
export const DYNAMO_TRANSACTION_REFERENCE_LABEL = '(reference) GetItem + 5-item transaction, no API';

/** One reference operation, and the DynamoDB calls it makes. */
type Operation = (worker: number) => Promise<{ calls: number; ops: Record<string, number> }>;

/**
 * Runs `operation` with `concurrency` in flight for `seconds`, straight to DynamoDB Local from this process with
 * the product's TenantStore: no HTTP and no API. At fixed concurrency DynamoDB Local on this machine (not the
 * API) usually sets the pace, and these rows show how much of an endpoint's latency is DynamoDB Local alone.
 */
async function measure(
  label: string,
  concurrency: number,
  seconds: number,
  operation: Operation,
): Promise<LabelStats> {
  const latencies: number[] = [];
  const calls: number[] = [];
  const opsSeen: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (index: number) => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const done = await operation(index);
      latencies.push(performance.now() - t0);
      calls.push(done.calls);
      for (const [op, count] of Object.entries(done.ops)) opsSeen[op] = (opsSeen[op] ?? 0) + count;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  return {
    label,
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    non2xx: 0,
    refusals: {},
    latencies,
    calls,
    cacheReads: latencies.map(() => 0),
    opsSeen,
  };
}

/** The floor under every endpoint that reads: GetItems of random risk points. */
export function measureDynamoReference(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
  riskPointIds: string[];
  concurrency: number;
  seconds: number;
}): Promise<LabelStats> {
  const store = new TenantStore(options.client, options.tableName, options.tenant);
  return measure(DYNAMO_REFERENCE_LABEL, options.concurrency, options.seconds, async () => {
    const id = options.riskPointIds[Math.floor(Math.random() * options.riskPointIds.length)]!;
    await store.get(store.key('RP', id), 'RP');
    return { calls: 1, ops: { GetItem: 1 } };
  });
}

/**
 * The floor under a review transition: what its path sends, without the API. A consistent GetItem of a record,
 * then one TransactWriteItems of the same shape as a transition's: the record updated under its version, an
 * audit event put, and a counter update on a county, a township and a village (a random shard of each, as
 * grid-stats draws them). The records and counters are the reference's own (`BENCHREF#…` and a grid path of
 * its own), one record per connection, so nothing the benchmark reads or checks is touched.
 */
export async function measureDynamoTransactionReference(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
  concurrency: number;
  seconds: number;
}): Promise<LabelStats> {
  const store = new TenantStore(options.client, options.tableName, options.tenant);
  const run = `${Date.now().toString(36)}`;
  const recordKey = (worker: number) => ({ pk: store.key('BENCHREF', run, String(worker)), sk: 'RECORD' });
  const versions = new Map<number, number>();
  const gridPath = `BENCHREF-${run}-county/BENCHREF-${run}-township/BENCHREF-${run}-village`;
  return measure(DYNAMO_TRANSACTION_REFERENCE_LABEL, options.concurrency, options.seconds, async (worker) => {
    const key = recordKey(worker);
    await store.get(key.pk, key.sk, true);
    const version = versions.get(worker) ?? 0;
    versions.set(worker, version + 1);
    await store.transact([
      {
        Update: {
          TableName: store.tableName,
          Key: key,
          UpdateExpression: 'SET #version = :next, #status = :status',
          ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: {
            ':next': version + 1,
            ':status': version % 2 === 0 ? 'submitted' : 'draft',
            ...(version === 0 ? {} : { ':version': version }),
          },
        },
      },
      {
        Put: {
          TableName: store.tableName,
          Item: { pk: store.key('BENCHREF', run, String(worker), 'AUDIT'), sk: `EV#${version + 1}` },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...counterUpdates(store, gridPath, { rp_submitted: 1 }, version % 2 === 0 ? 1 : -1),
    ]);
    return { calls: 2, ops: { GetItem: 1, TransactWriteItems: 1 } };
  });
}

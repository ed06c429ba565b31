import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TenantStore } from '@gridsafe/db';
import type { LabelStats } from './load.ts';

export const DYNAMO_REFERENCE_LABEL = '(reference) GetItem, no API';

/**
 * The floor under every endpoint that reads: GetItems of random risk points sent straight to DynamoDB Local
 * from this process with the product's TenantStore, as many in flight as the load has connections, no HTTP
 * and no API. An endpoint's latency minus this is what the API adds; at fixed concurrency DynamoDB Local on
 * this machine (not the API) usually sets the pace.
 */
export async function measureDynamoReference(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  tenant: string;
  riskPointIds: string[];
  concurrency: number;
  seconds: number;
}): Promise<LabelStats> {
  const store = new TenantStore(options.client, options.tableName, options.tenant);
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const id = options.riskPointIds[Math.floor(Math.random() * options.riskPointIds.length)]!;
      const t0 = performance.now();
      await store.get(store.key('RP', id), 'RP');
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    label: DYNAMO_REFERENCE_LABEL,
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    non2xx: 0,
    latencies,
    calls: latencies.map(() => 1),
    cacheReads: latencies.map(() => 0),
    opsSeen: { GetItem: latencies.length },
  };
}

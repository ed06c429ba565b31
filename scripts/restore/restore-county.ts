import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, type DynamoClientOptions } from '@gridsafe/db';

/**
 * The product's client without its Scan guard: no request path may Scan the live table, but a restore reads a
 * throwaway restored copy whole (and, with --prune, the live table once, by the operator's decision). This is the
 * one client in the repository that may.
 */
export function restoreClient(options: DynamoClientOptions): DynamoDBDocumentClient {
  const client = createDocumentClient(options);
  client.middlewareStack.remove('gridsafeForbidScan');
  return client;
}

/** Every item of a county lives under a partition key `T#<county>#…` (packages/db's TenantStore). */
export function countyKeyPrefix(county: string): string {
  if (!/^[a-z][a-z0-9]{1,31}$/.test(county)) throw new Error(`"${county}" is not a county id`);
  return `T#${county}#`;
}

export interface RestorePlan {
  county: string;
  /** Items of the county in the restored copy: put back into the live table, each replacing its live version. */
  fromBackup: number;
  /** Items of the county in the live table that the backup does not have (written after it): deleted with `prune`. */
  onlyLive: number;
  applied: boolean;
}

type Key = { pk: string; sk: string };
type Item = Key & Record<string, unknown>;

/**
 * Puts one county back as a restored copy of the table holds it, in the live table, without touching any other
 * county. The copy is a table AWS Backup or PITR restored (docs/deploy.md, "Restoring one county"): a throwaway, so
 * it is read with a Scan filtered on the county's key prefix. The live table is scanned only with `prune`, for the
 * county's items the backup does not have. Without `apply` nothing is written: the counts say what would be.
 */
export async function restoreCounty(options: {
  client: DynamoDBDocumentClient;
  from: string;
  to: string;
  county: string;
  apply: boolean;
  prune: boolean;
  log?: (line: string) => void;
}): Promise<RestorePlan> {
  const { client, county } = options;
  const prefix = countyKeyPrefix(county);
  if (options.from === options.to) throw new Error('--from and --to name the same table');
  const log = options.log ?? (() => undefined);
  const restored = await countyItems(client, options.from, prefix);
  log(`${restored.length} items of ${county} in ${options.from}`);
  let onlyLive: Key[] = [];
  if (options.prune) {
    const inBackup = new Set(restored.map((item) => `${item.pk}\u0000${item.sk}`));
    onlyLive = (await countyItems(client, options.to, prefix, 'pk, sk'))
      .filter((item) => !inBackup.has(`${item.pk}\u0000${item.sk}`))
      .map(({ pk, sk }) => ({ pk, sk }));
    log(`${onlyLive.length} items of ${county} in ${options.to} that the backup does not have`);
  }
  if (options.apply) {
    await batchWrite(
      client,
      options.to,
      restored.map((item) => ({ PutRequest: { Item: item } })),
    );
    await batchWrite(
      client,
      options.to,
      onlyLive.map((key) => ({ DeleteRequest: { Key: key } })),
    );
    log(`wrote ${restored.length} items and deleted ${onlyLive.length} in ${options.to}`);
  }
  return { county, fromBackup: restored.length, onlyLive: onlyLive.length, applied: options.apply };
}

async function countyItems(
  client: DynamoDBDocumentClient,
  table: string,
  prefix: string,
  projection?: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'begins_with(pk, :prefix)',
        ExpressionAttributeValues: { ':prefix': prefix },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/** BatchWriteItem in 25s, sending back what DynamoDB left unprocessed (with a growing pause) until none is left. */
async function batchWrite(
  client: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} writes unprocessed after 8 retries`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      const answer = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (answer.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  }
}

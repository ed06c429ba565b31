import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type DynamoDBClient = DynamoDBDocumentClient;

import { GSI_NAMES, TTL_ATTRIBUTE, tableDefinition } from './table-definition.ts';

/** The table exists but does not match what the product needs; the message says how to recover. */
export class TableMismatchError extends Error {}

/**
 * Creates the table with its GSIs when missing (local stack and tests only: in AWS the CDK stack owns it). A table
 * made by an older version lacks the indexes added since (the export feed's `changed`): they are added, one at a
 * time as DynamoDB allows, and `npm run migrate` then writes their keys on the records of before, as a CDK deploy
 * followed by the migration does in AWS. A table not in ACTIVE state that never gets there is refused.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<'created' | 'exists'> {
  const existing = await describe(client, tableName);
  if (!existing) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // An attempt that timed out may have created it (the SDK then retries), or another process got there
      // first: either way the table is on its way, so wait for it like any other.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilActive(client, tableName);
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return 'created';
  }
  if (existing.TableStatus !== 'ACTIVE') {
    await waitUntilActive(client, tableName);
  }
  const haveIndexes = new Set((existing.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const definition = tableDefinition(tableName);
  for (const name of GSI_NAMES.filter((index) => !haveIndexes.has(index))) {
    const index = definition.GlobalSecondaryIndexes.find((candidate) => candidate.IndexName === name)!;
    const keyAttributes = new Set(index.KeySchema.map((key) => key.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: definition.AttributeDefinitions.filter((a) =>
          keyAttributes.has(a.AttributeName),
        ),
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await waitUntilActive(client, tableName);
  }
  return 'exists';
}

async function describe(client: DynamoDBClient, tableName: string) {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new TableMismatchError(`Table "${tableName}" did not become ACTIVE.`);
}

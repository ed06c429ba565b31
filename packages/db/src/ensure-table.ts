import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type DynamoDBClient = DynamoDBDocumentClient;

import { GSI_NAMES, TTL_ATTRIBUTE, tableDefinition } from './table-definition.ts';

/** The table exists but does not match what the product needs; the message says how to recover. */
export class TableMismatchError extends Error {}

/**
 * Creates the table with its GSIs when missing (local stack and tests only: in AWS the CDK stack owns it),
 * and refuses to go on with a table that is half there or shaped differently, rather than "repairing" data
 * it does not understand.
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
  const missing = GSI_NAMES.filter((name) => !haveIndexes.has(name));
  if (missing.length > 0) {
    throw new TableMismatchError(
      `Table "${tableName}" exists but lacks the index(es) ${missing.join(', ')}: it was half-created or made by an older version.`,
    );
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

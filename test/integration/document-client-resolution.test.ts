import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, ScanForbiddenError } from '@gridsafe/db';
import { describe, expect, inject, it } from 'vitest';
import { stockDocumentClient } from '../../scripts/bench/replay.ts';
import { TABLE, uniqueTenant } from '../support/harness.ts';

/**
 * The product's DynamoDB client resolves each command class's middleware once and reuses it
 * (packages/db/src/dynamo-client.ts). What would break if that reuse were wrong: one call answering with
 * another's item, a write marshalled with another call's values, a recorder added later never seeing a call.
 */
const endpoint = inject('services').dynamoEndpoint;
const region = 'cn-north-1';

/** Counts how often a middleware is built (once per resolution) and how often it runs (once per call). */
function recorder() {
  const counts = { resolved: 0, calls: [] as string[] };
  return {
    counts,
    middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => {
      counts.resolved += 1;
      return (args: unknown) => {
        counts.calls.push(String(context.commandName));
        return next(args);
      };
    },
  };
}

describe('the DynamoDB client every path uses', () => {
  it('answers many calls in flight at once each with its own item, as the stock client does', async () => {
    const client = createDocumentClient({ endpoint, region });
    const pk = `RESOLVE#${uniqueTenant('r')}`;
    const items = Array.from({ length: 40 }, (_, i) => ({
      pk,
      sk: `ITEM#${String(i).padStart(2, '0')}`,
      name: `第${i}号`,
      count: i,
      tags: new Set([`t${i}`]),
      nested: { level: i % 3, absent: undefined },
    }));
    await Promise.all(items.map((Item) => client.send(new PutCommand({ TableName: TABLE, Item }))));

    const read = (through: DynamoDBDocumentClient, sk: string) =>
      through.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } })).then((answer) => answer.Item);
    const ours = await Promise.all(items.map((item) => read(client, item.sk)));
    // The SDK's stock client, resolving every call afresh (the bench's overhead reference), to compare answers with.
    const stockClient = stockDocumentClient(endpoint, region);
    const stock = await Promise.all(items.map((item) => read(stockClient, item.sk)));
    expect(ours).toEqual(stock);
    expect(ours.map((item) => item?.count)).toEqual(items.map((item) => item.count));
    expect(ours[7]).toEqual({
      pk,
      sk: 'ITEM#07',
      name: '第7号',
      count: 7,
      tags: new Set(['t7']),
      nested: { level: 1 },
    });

    const batch = await client.send(
      new BatchGetCommand({
        RequestItems: { [TABLE]: { Keys: items.slice(0, 5).map(({ pk, sk }) => ({ pk, sk })) } },
      }),
    );
    expect((batch.Responses?.[TABLE] ?? []).map((item) => item.count).sort()).toEqual([0, 1, 2, 3, 4]);

    const queries = await Promise.all(
      ['ITEM#0', 'ITEM#1', 'ITEM#3'].map((prefix) =>
        client.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
          }),
        ),
      ),
    );
    expect(queries.map((answer) => answer.Count)).toEqual([10, 10, 10]);
    expect(queries[2]?.Items?.map((item) => item.sk)).toContain('ITEM#39');
  });

  it('writes each call with its own values when writes of one kind run together', async () => {
    const client = createDocumentClient({ endpoint, region });
    const pk = `RESOLVE#${uniqueTenant('w')}`;
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'A', total: 0 } }));
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'B', total: 0 } }));
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.send(
          new UpdateCommand({
            TableName: TABLE,
            Key: { pk, sk: i % 2 === 0 ? 'A' : 'B' },
            UpdateExpression: 'ADD #total :step',
            ExpressionAttributeNames: { '#total': 'total' },
            ExpressionAttributeValues: { ':step': i },
          }),
        ),
      ),
    );
    await Promise.all(
      ['C', 'D'].map((sk, i) =>
        client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: TABLE,
                  Item: { pk, sk, total: 100 + i },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      ),
    );
    const totals = await client.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
      }),
    );
    expect(Object.fromEntries((totals.Items ?? []).map((item) => [item.sk, item.total]))).toEqual({
      A: 0 + 2 + 4 + 6 + 8,
      B: 1 + 3 + 5 + 7 + 9,
      C: 100,
      D: 101,
    });
  });

  it('resolves a command class once, and again when a middleware is added or removed later', async () => {
    const client = createDocumentClient({ endpoint, region });
    const pk = `RESOLVE#${uniqueTenant('m')}`;
    const get = () => client.send(new GetCommand({ TableName: TABLE, Key: { pk, sk: 'NONE' } }));
    await get();
    const { counts, middleware } = recorder();
    client.middlewareStack.add(middleware as never, { step: 'initialize', name: 'resolutionRecorder' });
    for (let i = 0; i < 5; i += 1) await get();
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'ONE' } }));
    await client.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'TWO' } }));
    expect(counts.calls).toEqual([...Array(5).fill('GetItemCommand'), 'PutItemCommand', 'PutItemCommand']);
    // Once for GetItem and once for PutItem, not once a call: the SDK alone would have built it 7 times.
    expect(counts.resolved).toBe(2);

    client.middlewareStack.remove('resolutionRecorder');
    await get();
    expect(counts.calls).toHaveLength(7);
  });

  it('still refuses a Scan, and honours a call that brings its own options', async () => {
    const client = createDocumentClient({ endpoint, region });
    await expect(client.send(new ScanCommand({ TableName: TABLE, Limit: 1 }))).rejects.toBeInstanceOf(
      ScanForbiddenError,
    );
    await expect(client.send(new ScanCommand({ TableName: TABLE, Limit: 1 }))).rejects.toBeInstanceOf(
      ScanForbiddenError,
    );
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      client.send(new GetCommand({ TableName: TABLE, Key: { pk: 'X', sk: 'X' } }), {
        abortSignal: aborted.signal,
      }),
    ).rejects.toThrow(/abort/i);
  });
});

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { BulkWriter } from '../../scripts/bench/bulk-writer.ts';

/**
 * The seed's bulk writer by transactions (`writeBy: 'transaction'`, what `npm start`'s sized seed uses against
 * DynamoDB Local on disk), against a client that records what it is sent instead of reaching a table.
 */
type Sent = { name: string; input: Record<string, unknown> };

function recordingClient(answer: (sent: Sent, index: number) => unknown = () => ({})) {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const call = { name: command.constructor.name, input: command.input };
      sent.push(call);
      const result = answer(call, sent.length - 1);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent };
}

const put = (i: number) => ({
  Put: { TableName: 'gridsafe', Item: { pk: `T#bulk#UNIT#${i}`, sk: 'UNIT', n: i } },
});
const putKeys = (call: Sent) =>
  (call.input.TransactItems as { Put: { Item: { pk: string } } }[]).map((item) => item.Put.Item.pk);

function cancelled(...codes: string[]) {
  return Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

describe('the bulk writer by transactions', () => {
  it('sends every Put once, 100 to a TransactWriteItems, and no BatchWriteItem', async () => {
    const { client, sent } = recordingClient();
    const bulk = new BulkWriter(client, 'gridsafe', 4, { writeBy: 'transaction' });
    for (let i = 0; i < 250; i += 10) {
      await bulk.add(Array.from({ length: 10 }, (_, k) => put(i + k)));
    }
    await bulk.drain();
    expect(sent.map((call) => call.name)).toEqual(Array(3).fill('TransactWriteCommand'));
    expect(sent.map((call) => putKeys(call).length).sort()).toEqual([100, 100, 50]);
    const keys = sent.flatMap(putKeys);
    expect(new Set(keys).size).toBe(250);
    expect(bulk.stats).toMatchObject({ items: 250, calls: 3, unprocessed: 0 });
  });

  it('writes the counter totals it folded in transactions too, each shard once', async () => {
    const { client, sent } = recordingClient();
    const bulk = new BulkWriter(client, 'gridsafe', 2, { writeBy: 'transaction', oneShard: true });
    const add = (shard: number, value: number) => ({
      Update: {
        TableName: 'gridsafe',
        Key: { pk: 'T#bulk#STATS#G1', sk: `SHARD#${shard}` },
        UpdateExpression: 'ADD #rev :one, #c0 :v0',
        ExpressionAttributeNames: { '#rev': 'rev', '#c0': 'units' },
        ExpressionAttributeValues: { ':one': 1, ':v0': value },
      },
    });
    await bulk.add([put(1), add(3, 1), add(5, 2)]);
    expect(await bulk.finish()).toBe(1);
    const items = sent.flatMap((call) =>
      (call.input.TransactItems as { Put: { Item: Record<string, unknown> } }[]).map((i) => i.Put.Item),
    );
    expect(items).toContainEqual({ pk: 'T#bulk#STATS#G1', sk: 'SHARD#0', rev: 2, units: 3 });
    expect(items).toHaveLength(2);
  });

  it('sends a transaction cancelled on a conflict again, and counts its items once', async () => {
    const { client, sent } = recordingClient((_, index) =>
      index === 0 ? cancelled('None', 'TransactionConflict') : {},
    );
    const bulk = new BulkWriter(client, 'gridsafe', 1, { writeBy: 'transaction' });
    await bulk.add([put(1), put(2)]);
    await bulk.drain();
    expect(sent).toHaveLength(2);
    expect(putKeys(sent[1]!)).toEqual(putKeys(sent[0]!));
    expect(bulk.stats).toMatchObject({ items: 2, calls: 2, unprocessed: 2 });
  });

  it('fails the seed on a cancellation that is not a conflict instead of sending it again', async () => {
    const { client, sent } = recordingClient(() => cancelled('None', 'ValidationError'));
    const bulk = new BulkWriter(client, 'gridsafe', 1, { writeBy: 'transaction' });
    await bulk.add([put(1), put(2)]);
    await expect(bulk.drain()).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    expect(sent).toHaveLength(1);
  });
});

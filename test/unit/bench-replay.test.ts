import { describe, expect, it } from 'vitest';
import { replayableWrite, wavesOf } from '../../scripts/bench/replay.ts';

describe('the benchmark’s overhead reference', () => {
  it('replays a transition’s transaction away from the county, without its conditions, token or condition checks', () => {
    const transaction = {
      ClientRequestToken: 'token-1',
      TransactItems: [
        {
          Update: {
            TableName: 'gridsafe',
            Key: { pk: 'T#taihe#RP#rp1', sk: 'RP' },
            UpdateExpression: 'SET #status = :status, #version = :next, gsi1pk = :gsi',
            ConditionExpression: '#version = :version AND #owner = :owner',
            ExpressionAttributeNames: { '#status': 'status', '#version': 'version', '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':status': 'submitted',
              ':next': 4,
              ':version': 3,
              ':owner': 'u1',
              ':gsi': 'T#taihe#RPG#/c/t1',
            },
          },
        },
        { ConditionCheck: { TableName: 'gridsafe', Key: { pk: 'T#taihe#UNIT#u1', sk: 'UNIT' } } },
        {
          Put: {
            TableName: 'gridsafe',
            Item: { pk: 'T#taihe#RP#rp1#AUDIT', sk: 'EV#4', note: 'plain text stays' },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    };

    const replayed = replayableWrite('TransactWriteItems', transaction, 'BENCHREF#r#w0#') as {
      TransactItems: Record<string, Record<string, unknown>>[];
    };

    expect(replayed).not.toHaveProperty('ClientRequestToken');
    expect(replayed.TransactItems).toEqual([
      {
        Update: {
          TableName: 'gridsafe',
          Key: { pk: 'BENCHREF#r#w0#T#taihe#RP#rp1', sk: 'RP' },
          UpdateExpression: 'SET #status = :status, #version = :next, gsi1pk = :gsi',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: {
            ':status': 'submitted',
            ':next': 4,
            ':gsi': 'BENCHREF#r#w0#T#taihe#RPG#/c/t1',
          },
        },
      },
      {
        Put: {
          TableName: 'gridsafe',
          Item: { pk: 'BENCHREF#r#w0#T#taihe#RP#rp1#AUDIT', sk: 'EV#4', note: 'plain text stays' },
        },
      },
    ]);
    // The capture itself is untouched: the next replay starts from the API's own call again.
    expect(transaction.TransactItems).toHaveLength(3);
  });

  it('keeps a value whose name only differs by a suffix from a dropped one', () => {
    const replayed = replayableWrite(
      'UpdateItem',
      {
        Key: { pk: 'T#taihe#C#1', sk: 'S#0' },
        UpdateExpression: 'ADD #n :n1',
        ConditionExpression: 'attribute_exists(pk) AND #n > :n',
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':n': 0, ':n1': 1 },
      },
      'REF#',
    );
    expect(replayed.ExpressionAttributeValues).toEqual({ ':n1': 1 });
    expect(replayed.ExpressionAttributeNames).toEqual({ '#n': 'count' });
  });

  it('sends together the calls the API had in flight together, and the rest one after the other', () => {
    const call = (operation: string, start: number, end: number) => ({ operation, input: {}, start, end });
    const waves = wavesOf([
      call('GetItem', 0, 5),
      call('Query', 1, 7),
      call('GetItem', 8, 10),
      call('TransactWriteItems', 11, 20),
    ]);
    expect(waves.map((wave) => wave.map((c) => c.operation))).toEqual([
      ['GetItem', 'Query'],
      ['GetItem'],
      ['TransactWriteItems'],
    ]);
  });
});

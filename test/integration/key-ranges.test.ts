import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { sortKeyRange } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { appTest } from '../support/fixtures.ts';
import { uniqueTenant } from '../support/harness.ts';

const it = appTest({ prefix: 'kr' });

describe('subtree queries written as sort-key ranges', () => {
  it('find exactly the items begins_with finds, on DynamoDB Local', async ({ api }) => {
    const client = api.deps.documentClient;
    const pk = `KEYRANGE#${uniqueTenant('p')}`;
    // Neighbours of the prefix on both sides, in ASCII and beyond it.
    const sortKeys = [
      '/c/t1',
      '/c/t1#',
      '/c/t1#01',
      '/c/t1/v1#01',
      '/c/t1/v2#02',
      '/c/t1~',
      '/c/t1\u00ff',
      '/c/t1中心#03',
      '/c/t1\u{1F600}',
      '/c/t0/v9#04',
      '/c/t10',
      '/c/t2/v1#05',
      '/c/t',
      '/c/u',
    ];
    for (const [i, sk] of sortKeys.entries()) {
      await client.send(
        new PutCommand({
          TableName: api.tableName,
          Item: { pk: `${pk}#${i}`, sk: 'ITEM', gsi1pk: pk, gsi1sk: sk },
        }),
      );
    }
    const query = async (condition: string, values: Record<string, string>) => {
      const answer = await client.send(
        new QueryCommand({
          TableName: api.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: `gsi1pk = :pk AND ${condition}`,
          ExpressionAttributeValues: { ':pk': pk, ...values },
        }),
      );
      return (answer.Items ?? []).map((item) => String(item.gsi1sk));
    };
    for (const prefix of ['/c/t1', '/c/t1/', '/c/t1#', '/c/']) {
      const ranged = await query('gsi1sk BETWEEN :path AND :pathEnd', sortKeyRange(prefix));
      const prefixed = await query('begins_with(gsi1sk, :path)', { ':path': prefix });
      expect(ranged).toEqual(prefixed);
      expect(ranged).toEqual(sortKeys.filter((sk) => sk.startsWith(prefix)).sort(utf8Order));
    }
  });
});

/** DynamoDB orders string sort keys by their UTF-8 bytes. */
function utf8Order(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

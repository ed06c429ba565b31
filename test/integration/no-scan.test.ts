import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ScanForbiddenError } from '@gridsafe/db';
import { describe, expect } from 'vitest';
import { appTest } from '../support/fixtures.ts';

const it = appTest({ prefix: 'ns' });

describe('no Scan', () => {
  it('refuses a Scan through the client every request path uses', async ({ api }) => {
    await expect(
      api.deps.documentClient.send(new ScanCommand({ TableName: api.tableName, Limit: 1 })),
    ).rejects.toBeInstanceOf(ScanForbiddenError);
  });
});

import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ScanForbiddenError } from '@gridsafe/db';
import { describe, expect, it } from 'vitest';
import { startTestApi, uniqueTenant } from '../support/harness.ts';

describe('no Scan', () => {
  it('refuses a Scan through the client every request path uses', async () => {
    const api = await startTestApi({ tenants: [uniqueTenant('ns')] });
    await expect(
      api.deps.documentClient.send(new ScanCommand({ TableName: api.tableName, Limit: 1 })),
    ).rejects.toBeInstanceOf(ScanForbiddenError);
  });
});

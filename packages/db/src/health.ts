import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { tenantKey } from './keys.ts';

/**
 * Reads one key inside the county's own prefix: the only kind of call a county's IAM role allows, so the
 * check proves the same path the real requests take (DescribeTable would need a wider permission).
 */
export async function checkTableReachable(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
): Promise<void> {
  await client.send(
    new GetCommand({ TableName: tableName, Key: { pk: tenantKey(tenant, 'HEALTH'), sk: 'HEALTH' } }),
  );
}

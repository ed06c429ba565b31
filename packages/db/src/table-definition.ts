/**
 * The single table's shape, used to create it locally and checked against the CDK stack in tests, so the
 * two cannot drift apart. Every partition key (base table and every GSI) starts with `T#<tenant>#` for a
 * county's items and `P#` for the vendor's, which is what lets IAM's `dynamodb:LeadingKeys` fence a county.
 */
import { GSI_INCLUDED_FIELDS, GSI_NAMES } from '@gridsafe/core/contract';

export { GSI_INCLUDED_FIELDS, GSI_NAMES };
export type GsiName = (typeof GSI_NAMES)[number];

export function gsiKeyAttributes(index: GsiName): { pk: string; sk: string } {
  return { pk: `${index}pk`, sk: `${index}sk` };
}

export const DEFAULT_TABLE_NAME = 'gridsafe';
/** Items whose `expiresAt` (epoch seconds) has passed are removed by DynamoDB TTL (idempotency records,
 * photos announced and never confirmed). */
export const TTL_ATTRIBUTE = 'expiresAt';

export function tableDefinition(tableName: string) {
  const attributes = ['pk', 'sk', ...GSI_NAMES.flatMap((name) => Object.values(gsiKeyAttributes(name)))];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' as const },
      { AttributeName: 'sk', KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: GSI_NAMES.map((name) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: gsiKeyAttributes(name).pk, KeyType: 'HASH' as const },
        { AttributeName: gsiKeyAttributes(name).sk, KeyType: 'RANGE' as const },
      ],
      Projection: indexProjection(name),
    })),
  };
}

/** Whole items, or (a narrow index) only the keys and the fields GSI_INCLUDED_FIELDS names. */
function indexProjection(name: GsiName): { ProjectionType: 'ALL' | 'INCLUDE'; NonKeyAttributes?: string[] } {
  const included = GSI_INCLUDED_FIELDS[name];
  return included
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...included] }
    : { ProjectionType: 'ALL' };
}

import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertTenantId } from '@gridsafe/core';
import { translateDynamoError } from './dynamo-errors.ts';
import { platformKey } from './keys.ts';

export type TenantStatus = 'active' | 'suspended' | 'offboarded';

export interface TenantRecord {
  id: string;
  name: string;
  /** The county's administrative division code (行政区划代码), six digits. */
  divisionCode: string;
  /** Account + region group that holds this county's stack. */
  cell: string;
  status: TenantStatus;
  createdAt: string;
  version: number;
}

/**
 * The vendor's registry of counties. All registry items share one partition (`P#TENANT`): a few thousand
 * counties at most, read rarely, so one Query lists them all.
 */
export class TenantRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** getTenant: GetItem P#TENANT / <id>. */
  async get(id: string): Promise<TenantRecord | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { pk: platformKey('TENANT'), sk: assertTenantId(id) } }),
      );
      return Item ? toRecord(Item) : undefined;
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
  }

  /** listTenants: Query P#TENANT. */
  async list(): Promise<TenantRecord[]> {
    const records: TenantRecord[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': platformKey('TENANT') },
            ExclusiveStartKey: start,
          }),
        );
        records.push(...(page.Items ?? []).map(toRecord));
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
    return records;
  }

  /** Registers a county once; a second registration of the same id is a conflict, not an overwrite. */
  async register(record: Omit<TenantRecord, 'version' | 'status'> & { status?: TenantStatus }): Promise<TenantRecord> {
    const item = { ...record, status: record.status ?? 'active', version: 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: platformKey('TENANT'), sk: assertTenantId(record.id), type: 'Tenant', ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
    return item;
  }
}

function toRecord(item: Record<string, unknown>): TenantRecord {
  return {
    id: String(item.id),
    name: String(item.name),
    divisionCode: String(item.divisionCode),
    cell: String(item.cell),
    status: item.status as TenantStatus,
    createdAt: String(item.createdAt),
    version: Number(item.version),
  };
}

import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type AuditEvent,
  assertTenantId,
  ConflictError,
  NotFoundError,
  sealAuditEvent,
  type UnhashedAuditEvent,
  ValidationError,
} from '@gridsafe/core';
import { type ChainHead, chainHeadOf, NEW_CHAIN } from './audit-log.ts';
import { translateDynamoError } from './dynamo-errors.ts';
import { padNumber, platformKey, tenantKey } from './keys.ts';
import type { Page, StoredItem, TransactItem } from './tenant-store.ts';

export type TenantStatus = 'active' | 'suspended' | 'offboarded';

export const TENANT_STATUSES: readonly TenantStatus[] = ['active', 'suspended', 'offboarded'];

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
  updatedAt?: string;
  /**
   * The vendor knowledge-base version the county started on. Counties inherit the vendor default (it ships
   * with the code) and store only their own overrides, so onboarding copies nothing; this records the base.
   */
  kbVersion?: string;
  /** The first county admin's username, created at onboarding. */
  adminUsername?: string;
  /** Why the county was last suspended, resumed or offboarded. */
  statusReason?: string;
}

/** Who changed the registry, as the audit trail records it. */
export type RegistryActor = AuditEvent['actor'];

const REGISTRY_PK = platformKey('TENANT');
const MIRROR_TYPE = 'CountyStatus';

/**
 * The county-side copy of a county's status: pk `T#<id>#TENANT`, sk `STATUS`. A county's role cannot read
 * `P#` items, so the registry's status is mirrored inside the county's own prefix, in the same transaction
 * as every registry change, where the county API can read it with one GetItem.
 */
export function countyStatusKey(tenant: string): { pk: string; sk: string } {
  return { pk: tenantKey(tenant, 'TENANT'), sk: 'STATUS' };
}

/**
 * getCountyStatus: GetItem T#<id>#TENANT / STATUS. A county without the item was registered before the
 * mirror existed (or by the demo seed) and is active: every suspension writes the item.
 */
export async function readCountyStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
): Promise<TenantStatus> {
  try {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: countyStatusKey(tenant) }),
    );
    const status = Item?.status;
    return TENANT_STATUSES.includes(status as TenantStatus) ? (status as TenantStatus) : 'active';
  } catch (error) {
    throw translateDynamoError(error, 'county status');
  }
}

/** The Put of the next event in a registry record's chain: the county audit log's format on a `P#` key. */
function registryAuditPut(
  tableName: string,
  head: ChainHead,
  event: Omit<UnhashedAuditEvent, 'seq' | 'prevHash'>,
): { put: TransactItem; next: ChainHead } {
  const sealed = sealAuditEvent({ ...event, seq: head.auditSeq + 1, prevHash: head.auditHead });
  return {
    next: { auditSeq: sealed.seq, auditHead: sealed.hash },
    put: {
      Put: {
        TableName: tableName,
        Item: {
          pk: platformKey('AUDIT', event.entityType, event.entityId),
          sk: `EV#${padNumber(sealed.seq)}`,
          type: 'AuditEvent',
          ...sealed,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/**
 * The vendor's registry of counties. All registry items share one partition (`P#TENANT`): a few thousand
 * counties at most, read rarely, so one Query lists them all. Each record has a hash-chained audit trail
 * under `P#AUDIT#tenant#<id>`, written in the same transaction as every change.
 */
export class TenantRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** getTenant: GetItem P#TENANT / <id>. */
  async get(id: string, consistent = false): Promise<TenantRecord | undefined> {
    const item = await this.getStored(id, consistent);
    return item ? toRecord(item) : undefined;
  }

  private async getStored(id: string, consistent: boolean): Promise<StoredItem | undefined> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: REGISTRY_PK, sk: assertTenantId(id) },
          ConsistentRead: consistent,
        }),
      );
      return Item;
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
  }

  /** listTenants: Query P#TENANT. */
  async list(): Promise<TenantRecord[]> {
    const records: TenantRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listPage({ limit: 1000, cursor });
      records.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return records;
  }

  /** listTenants, one page: Query P#TENANT, in id order. `cursor` is the opaque string this returned before. */
  async listPage(page: { limit: number; cursor?: string }): Promise<Page<TenantRecord>> {
    try {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': REGISTRY_PK },
          Limit: page.limit,
          ExclusiveStartKey: page.cursor ? decodeRegistryCursor(page.cursor) : undefined,
        }),
      );
      return {
        items: (result.Items ?? []).map(toRecord),
        ...(result.LastEvaluatedKey
          ? { nextCursor: Buffer.from(String(result.LastEvaluatedKey.sk), 'utf8').toString('base64url') }
          : {}),
      };
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
  }

  /** Registers a county once; a second registration of the same id is a conflict, not an overwrite. */
  async register(
    record: Omit<TenantRecord, 'version' | 'status'> & { status?: TenantStatus },
  ): Promise<TenantRecord> {
    const item = { ...record, status: record.status ?? 'active', version: 1 };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: REGISTRY_PK, sk: assertTenantId(record.id), type: 'Tenant', ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
    return item;
  }

  /**
   * The writes that register a new county, for the caller to send inside the one transaction that also
   * seeds the county: the registry item (only if absent), the first event of its audit trail, and the
   * county-side status mirror (only if absent: onboarding never overwrites a county item).
   */
  registrationWrites(
    input: Omit<TenantRecord, 'version' | 'status' | 'createdAt' | 'updatedAt'>,
    actor: RegistryActor,
    now: Date,
  ): { record: TenantRecord; items: TransactItem[] } {
    const at = now.toISOString();
    const record: TenantRecord = {
      ...input,
      id: assertTenantId(input.id),
      status: 'active',
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    const audit = registryAuditPut(this.tableName, NEW_CHAIN, {
      entityType: 'tenant',
      entityId: record.id,
      action: 'onboarded',
      at,
      actor,
      details: {
        name: record.name,
        divisionCode: record.divisionCode,
        cell: record.cell,
        kbVersion: record.kbVersion ?? null,
        adminUsername: record.adminUsername ?? null,
      },
    });
    return {
      record,
      items: [
        {
          Put: {
            TableName: this.tableName,
            Item: { pk: REGISTRY_PK, sk: record.id, type: 'Tenant', ...record, ...audit.next },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        audit.put,
        this.mirrorPut(record, 'attribute_not_exists(pk)'),
      ],
    };
  }

  /**
   * Moves a county to another status (suspend, resume, offboard): one transaction of the registry item
   * (optimistically locked on its version and on the status the caller saw), its audit event and the
   * county-side mirror the county API reads.
   */
  async setStatus(
    id: string,
    change: {
      from: readonly TenantStatus[];
      to: TenantStatus;
      action: string;
      expectedVersion?: number;
      reason?: string;
    },
    actor: RegistryActor,
    now: Date,
  ): Promise<TenantRecord> {
    const stored = await this.getStored(id, true);
    if (!stored) throw new NotFoundError('county');
    const current = toRecord(stored);
    if (change.expectedVersion !== undefined && change.expectedVersion !== current.version) {
      throw new ConflictError(
        `The county is at version ${current.version}; you sent changes for version ${change.expectedVersion}.`,
        'stale_version',
      );
    }
    if (!change.from.includes(current.status)) {
      throw new ConflictError(
        `The county is ${current.status}; it cannot be ${change.action}.`,
        'wrong_state',
      );
    }
    const at = now.toISOString();
    const { statusReason: _previous, ...rest } = current;
    const next: TenantRecord = {
      ...rest,
      status: change.to,
      version: current.version + 1,
      updatedAt: at,
      ...(change.reason ? { statusReason: change.reason } : {}),
    };
    const audit = registryAuditPut(this.tableName, chainHeadOf(stored), {
      entityType: 'tenant',
      entityId: current.id,
      action: change.action,
      at,
      actor,
      changes: { status: { before: current.status, after: next.status } },
      ...(change.reason ? { reason: change.reason } : {}),
    });
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: REGISTRY_PK, sk: current.id, type: 'Tenant', ...next, ...audit.next },
          ConditionExpression: '#version = :expected AND #status = :status',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':expected': current.version, ':status': current.status },
        },
      },
      audit.put,
      // The mirror is the one county item the control plane overwrites; the condition keeps it from ever
      // replacing an item of another kind.
      this.mirrorPut(
        next,
        'attribute_not_exists(pk) OR #type = :mirror',
        { '#type': 'type' },
        { ':mirror': MIRROR_TYPE },
      ),
    ];
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
    return next;
  }

  /** listTenantAudit: Query P#AUDIT#tenant#<id>, oldest first. */
  async auditTrail(id: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
            ExpressionAttributeValues: {
              ':pk': platformKey('AUDIT', 'tenant', assertTenantId(id)),
              ':ev': 'EV#',
            },
            ExclusiveStartKey: start,
          }),
        );
        events.push(
          ...(page.Items ?? []).map(
            ({ pk: _pk, sk: _sk, type: _type, ...event }) => event as unknown as AuditEvent,
          ),
        );
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw translateDynamoError(error, 'county');
    }
    return events;
  }

  private mirrorPut(
    record: TenantRecord,
    condition: string,
    names?: Record<string, string>,
    values?: Record<string, unknown>,
  ): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...countyStatusKey(record.id),
          type: MIRROR_TYPE,
          status: record.status,
          version: record.version,
          updatedAt: record.updatedAt ?? record.createdAt,
        },
        ConditionExpression: condition,
        ...(names ? { ExpressionAttributeNames: names } : {}),
        ...(values ? { ExpressionAttributeValues: values } : {}),
      },
    };
  }
}

function decodeRegistryCursor(cursor: string): Record<string, unknown> {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[a-z][a-z0-9]{1,31}$/.test(id)) {
    throw new ValidationError([{ path: 'query.cursor', message: 'is not a cursor this API issued' }]);
  }
  return { pk: REGISTRY_PK, sk: id };
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
    ...(typeof item.updatedAt === 'string' ? { updatedAt: item.updatedAt } : {}),
    ...(typeof item.kbVersion === 'string' ? { kbVersion: item.kbVersion } : {}),
    ...(typeof item.adminUsername === 'string' ? { adminUsername: item.adminUsername } : {}),
    ...(typeof item.statusReason === 'string' ? { statusReason: item.statusReason } : {}),
  };
}

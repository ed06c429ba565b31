import { type AuditEvent, GENESIS_HASH, sealAuditEvent, type UnhashedAuditEvent } from '@gridsafe/core';
import { padNumber } from './keys.ts';
import type { StoredItem, TenantStore, TransactItem } from './tenant-store.ts';

/** Where a record's chain stands: kept on the record itself so a change needs no extra read. */
export interface ChainHead {
  auditSeq: number;
  auditHead: string;
}

export const NEW_CHAIN: ChainHead = { auditSeq: 0, auditHead: GENESIS_HASH };

export function chainHeadOf(item: StoredItem | undefined): ChainHead {
  if (!item || typeof item.auditSeq !== 'number' || typeof item.auditHead !== 'string') return NEW_CHAIN;
  return { auditSeq: item.auditSeq, auditHead: item.auditHead };
}

export function auditPartitionKey(store: TenantStore, entityType: string, entityId: string): string {
  return store.key('AUDIT', entityType, entityId);
}

/**
 * The Put of the next event in a record's chain. `attribute_not_exists` on a sequence-numbered key means two
 * writers that both read sequence N cannot both append N+1: the chain can never fork.
 */
export function appendAuditEvent(
  store: TenantStore,
  head: ChainHead,
  event: Omit<UnhashedAuditEvent, 'seq' | 'prevHash'>,
): { put: TransactItem; next: ChainHead; event: AuditEvent } {
  const sealed = sealAuditEvent({ ...event, seq: head.auditSeq + 1, prevHash: head.auditHead });
  return {
    event: sealed,
    next: { auditSeq: sealed.seq, auditHead: sealed.hash },
    put: {
      Put: {
        TableName: store.tableName,
        Item: {
          pk: auditPartitionKey(store, event.entityType, event.entityId),
          sk: `EV#${padNumber(sealed.seq)}`,
          type: 'AuditEvent',
          ...sealed,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}

/** listAuditEvents: Query AUDIT#<type>#<id>, oldest first. */
export async function readAuditTrail(
  store: TenantStore,
  entityType: string,
  entityId: string,
): Promise<AuditEvent[]> {
  const items = await store.queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
    ExpressionAttributeValues: { ':pk': auditPartitionKey(store, entityType, entityId), ':ev': 'EV#' },
  });
  return items.map(({ pk: _pk, sk: _sk, type: _type, ...event }) => event as unknown as AuditEvent);
}

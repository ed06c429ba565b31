import type { Alert, Hazard, RiskPoint } from '@gridsafe/core';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The repositories' door to the webhook outbox (webhook-outbox.ts): a cheap test of whether a write is an event
 * at all, and only then the outbox, loaded at its first event, so the API's cold start carries none of it.
 */
export async function riskPointOutbox(
  store: TenantStore,
  before: RiskPoint | undefined,
  after: RiskPoint,
): Promise<TransactItem[]> {
  if (after.status !== 'filed' || before?.status === 'filed') return [];
  const outbox = await import('./webhook-outbox.ts');
  return outbox.outboxItems(store, outbox.riskPointEvents(before, after));
}

export async function hazardOutbox(
  store: TenantStore,
  before: Hazard | undefined,
  after: Hazard,
): Promise<TransactItem[]> {
  const escalated = after.escalations.length > (before?.escalations.length ?? 0);
  const closed = after.status === 'closed' && before?.status !== 'closed';
  if (!escalated && !closed) return [];
  const outbox = await import('./webhook-outbox.ts');
  return outbox.outboxItems(store, outbox.hazardEvents(before, after));
}

export async function alertOutbox(store: TenantStore, alert: Alert): Promise<TransactItem[]> {
  const outbox = await import('./webhook-outbox.ts');
  return outbox.outboxItems(store, outbox.alertEvents(alert));
}

/**
 * Whether a committed transaction left a webhook delivery due: an event's outbox item, or a replay. The API asks
 * for such deliveries to be sent at once (packages/api/src/channels/delivery-kick.ts).
 */
export function queuesWebhookDelivery(items: readonly TransactItem[]): boolean {
  return items.some(
    (item) => item.Put?.Item?.type === 'WebhookDelivery' && item.Put.Item.status === 'pending',
  );
}

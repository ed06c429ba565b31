import {
  type Alert,
  exchangeAlert,
  exchangeHazard,
  exchangeRiskPoint,
  type Hazard,
  type RiskPoint,
  ulidSource,
  type Webhook,
  type WebhookEvent,
  type WebhookEventType,
} from '@gridsafe/core';
import { webhookEntity } from './entities.ts';
import type { TenantStore, TransactItem } from './tenant-store.ts';

/**
 * The outbox of outbound webhooks: an event of the county (a risk point filed, a hazard escalated or closed, an
 * alert accepted) becomes one delivery item per webhook subscribed to it, Put in the very transaction that makes
 * the change, so a change is never committed without its deliveries nor a delivery written for a change that
 * failed. The delivery timer (webhook-deliveries.ts) sends what is due.
 *
 * The county's webhooks come from a per-process list kept for WEBHOOK_LIST_TTL_MS (one Query of gsi1 WEBHOOKS
 * per county per TTL, and only when a write has an event at all); a change of the list in this process drops it
 * at once, another process sees it within the TTL.
 */
export const WEBHOOK_LIST_TTL_MS = 30_000;

const lists = new Map<string, { until: number; hooks: Promise<Webhook[]> }>();
const listKey = (store: TenantStore) => `${store.tableName}|${store.tenant}`;

/** listWebhooks: every webhook of the county not deleted (Query gsi1 WEBHOOKS), oldest first. */
export function readWebhooks(store: TenantStore): Promise<Webhook[]> {
  return webhookEntity.all(store, { index: 'gsi1' }) as Promise<Webhook[]>;
}

/** The county's webhooks, from this process's list while it is fresh. */
export function cachedWebhooks(store: TenantStore): Promise<Webhook[]> {
  const key = listKey(store);
  const now = Date.now();
  const cached = lists.get(key);
  if (cached && cached.until > now) return cached.hooks;
  const hooks = readWebhooks(store);
  lists.set(key, { until: now + WEBHOOK_LIST_TTL_MS, hooks });
  hooks.catch(() => lists.delete(key));
  return hooks;
}

/** Forget this process's list of the county's webhooks (after creating, changing or deleting one). */
export function forgetWebhooks(store: TenantStore): void {
  lists.delete(listKey(store));
}

/** An event before it has an id: what happened, when, and the record as other platforms are given it. */
export interface OutboxEvent {
  type: WebhookEventType;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** The delivery's item: pk WEBHOOK#<webhookId>, sk DLV#<deliveryId>; in `due` while pending. */
export function deliveryKey(store: TenantStore, webhookId: string, deliveryId: string) {
  return { pk: store.key('WEBHOOK', webhookId), sk: `DLV#${deliveryId}` };
}

export function dueKeys(store: TenantStore, nextAttemptAt: string, webhookId: string, deliveryId: string) {
  return { duepk: store.key('DUE#WEBHOOK'), duesk: `${nextAttemptAt}#${webhookId}#${deliveryId}` };
}

/**
 * The Puts of the deliveries `events` make: one per event and subscribed, enabled webhook. No event, no read.
 */
export async function outboxItems(
  store: TenantStore,
  events: readonly OutboxEvent[],
): Promise<TransactItem[]> {
  if (events.length === 0) return [];
  const hooks = (await cachedWebhooks(store)).filter((hook) => hook.enabled);
  const items: TransactItem[] = [];
  for (const event of events) {
    const subscribed = hooks.filter((hook) => hook.events.includes(event.type));
    if (subscribed.length === 0) continue;
    const body: WebhookEvent = {
      id: `evt_${ulidSource.next()}`,
      type: event.type,
      occurredAt: event.occurredAt,
      tenant: store.tenant,
      data: event.data,
    };
    const text = JSON.stringify(body);
    for (const hook of subscribed) {
      const id = ulidSource.next();
      items.push({
        Put: {
          TableName: store.tableName,
          Item: {
            ...deliveryKey(store, hook.id, id),
            ...dueKeys(store, event.occurredAt, hook.id, id),
            type: 'WebhookDelivery',
            id,
            webhookId: hook.id,
            eventId: body.id,
            eventType: event.type,
            occurredAt: event.occurredAt,
            body: text,
            status: 'pending',
            attempts: 0,
            nextAttemptAt: event.occurredAt,
            createdAt: event.occurredAt,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
  }
  return items;
}

/** `risk-point.filed` when a write files the point (before: the stored point, undefined for a new one). */
export function riskPointEvents(before: RiskPoint | undefined, after: RiskPoint): OutboxEvent[] {
  if (after.status !== 'filed' || before?.status === 'filed') return [];
  return [{ type: 'risk-point.filed', occurredAt: after.updatedAt, data: { ...exchangeRiskPoint(after) } }];
}

/**
 * `hazard.escalated` when the hazard rose a level (a major one reported straight to the township rises at its
 * creation), `hazard.closed` when it closed.
 */
export function hazardEvents(before: Hazard | undefined, after: Hazard): OutboxEvent[] {
  const events: OutboxEvent[] = [];
  const data = { ...exchangeHazard(after) };
  if (after.escalations.length > (before?.escalations.length ?? 0))
    events.push({ type: 'hazard.escalated', occurredAt: after.updatedAt, data });
  if (after.status === 'closed' && before?.status !== 'closed')
    events.push({ type: 'hazard.closed', occurredAt: after.updatedAt, data });
  return events;
}

export function alertEvents(alert: Alert): OutboxEvent[] {
  return [{ type: 'alert.created', occurredAt: alert.createdAt, data: { ...exchangeAlert(alert) } }];
}

import * as z from 'zod/mini';
import { described, textField } from './common-schemas.ts';

/**
 * Outbound webhooks (信息交互): a county admin subscribes an address to some of the county's events; each event
 * becomes one delivery per subscribed webhook, written in the transaction of the change itself (the outbox), and
 * a timer POSTs it signed with the webhook's secret (signed-message.ts), retrying on failure until it is
 * delivered or dead-lettered. docs/exchange.md is the contract a receiver is built from.
 */
export const WEBHOOK_EVENTS = [
  'risk-point.filed',
  'hazard.escalated',
  'hazard.closed',
  'alert.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];
export const WebhookEventTypeSchema = described(z.enum(WEBHOOK_EVENTS), {
  description:
    '`risk-point.filed` (a risk point’s filing completed), `hazard.escalated` (a hazard raised a level), `hazard.closed`, `alert.created` (a monitoring alert accepted)',
});

/** A county keeps a handful: the outbox reads all of them for an event, and each one subscribed is a Put in the change's transaction (DynamoDB takes 100 items in one). */
export const MAX_WEBHOOKS_PER_COUNTY = 10;

/**
 * When a failed delivery is tried again, counted from the failure: 1 min, 5 min, 30 min, 2 h, 12 h. After the
 * last retry fails the delivery is dead-lettered (attempts = 1 + the retries), kept in the log for a replay.
 */
export const WEBHOOK_RETRY_MINUTES = [1, 5, 30, 120, 720] as const;
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_MINUTES.length + 1;
/** A receiver has this long to answer a delivery before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEventType[];
  description?: string;
  enabled: boolean;
  /** The HMAC key deliveries are signed with; answered once, at creation. */
  secret: string;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a receiver is sent: the body of every delivery. */
export interface WebhookEvent {
  /** The event's id: the same in every attempt and replay of it, so a receiver can drop a repeat. */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  tenant: string;
  data: Record<string, unknown>;
}

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: WebhookEventType;
  occurredAt: string;
  /** The exact body sent (JSON of a WebhookEvent), so every attempt signs the same bytes. */
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt?: string;
  lastAttemptAt?: string;
  /** The receiver's HTTP status of the last attempt, if it answered. */
  lastStatus?: number;
  lastError?: string;
  deliveredAt?: string;
  /** Set on a replay: who asked, when. */
  replayedAt?: string;
  replayedBy?: string;
  createdAt: string;
}

export const CreateWebhookSchema = described(
  z.strictObject({
    url: described(z.string().check(z.minLength(1), z.maxLength(2000)), {
      description:
        'Where deliveries are POSTed. In AWS it must be https and resolve only to public addresses; the local stack also accepts http://127.0.0.1:<port>.',
    }),
    events: described(
      z.array(WebhookEventTypeSchema).check(z.minLength(1), z.maxLength(WEBHOOK_EVENTS.length)),
      { description: 'The events delivered to it' },
    ),
    description: z.optional(textField(200)),
  }),
  { id: 'CreateWebhook' },
);
export type CreateWebhookInput = z.infer<typeof CreateWebhookSchema>;

export const UpdateWebhookSchema = described(
  z.strictObject({
    enabled: described(z.boolean(), { description: 'false stops new deliveries to it; true resumes them' }),
  }),
  { id: 'UpdateWebhook' },
);

export const WebhookSchema = described(
  z.object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventTypeSchema),
    description: z.optional(z.string()),
    enabled: z.boolean(),
    createdBy: z.string(),
    version: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  { id: 'Webhook' },
);

export const WebhookSecretSchema = described(
  z.object({
    id: z.string(),
    secret: described(z.string(), { description: 'The signing secret; shown this once, never again' }),
  }),
  { id: 'WebhookSecret' },
);

export const WebhookDeliverySchema = described(
  z.object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: WebhookEventTypeSchema,
    occurredAt: z.string(),
    status: described(z.enum(WEBHOOK_DELIVERY_STATUSES), {
      description:
        '`pending` (waiting for its next attempt), `delivered` (a 2xx answer), `dead` (dead-lettered)',
    }),
    deadLettered: described(z.boolean(), { description: 'Every attempt failed; replay sends it again' }),
    attempts: z.number(),
    nextAttemptAt: z.optional(z.string()),
    lastAttemptAt: z.optional(z.string()),
    lastStatus: z.optional(z.number()),
    lastError: z.optional(z.string()),
    deliveredAt: z.optional(z.string()),
    replayedAt: z.optional(z.string()),
    replayedBy: z.optional(z.string()),
    createdAt: z.string(),
  }),
  { id: 'WebhookDelivery' },
);

/** A webhook as listed: never its secret. */
export function publicWebhook(webhook: Webhook) {
  const { secret: _secret, ...rest } = webhook;
  return rest;
}

/** A delivery as the log shows it: the body stays in the table (it is what was sent), the state is answered. */
export function deliveryView(delivery: WebhookDelivery) {
  const { body: _body, ...rest } = delivery;
  return { ...rest, deadLettered: delivery.status === 'dead' };
}

/** The delivery after an attempt at `now`: delivered on a 2xx, else due again after the next backoff, or dead. */
export function afterAttempt(
  delivery: WebhookDelivery,
  outcome: { ok: true; status: number } | { ok: false; status?: number; error: string },
  now: Date,
): WebhookDelivery {
  const attempts = delivery.attempts + 1;
  const { nextAttemptAt: _next, lastError: _error, lastStatus: _status, ...rest } = delivery;
  const base = {
    ...rest,
    attempts,
    lastAttemptAt: now.toISOString(),
    ...(outcome.status !== undefined ? { lastStatus: outcome.status } : {}),
  };
  if (outcome.ok) return { ...base, status: 'delivered', deliveredAt: now.toISOString() };
  const error = outcome.error.slice(0, 500);
  const wait = retryDelayMinutes(attempts);
  if (wait === undefined) return { ...base, status: 'dead', lastError: error };
  return {
    ...base,
    status: 'pending',
    lastError: error,
    nextAttemptAt: new Date(now.getTime() + wait * 60_000).toISOString(),
  };
}

/** Minutes to wait after the `attempts`-th failed attempt; undefined once no retry is left. */
export function retryDelayMinutes(attempts: number): number | undefined {
  if (attempts < 1 || attempts >= WEBHOOK_MAX_ATTEMPTS) return undefined;
  return WEBHOOK_RETRY_MINUTES[attempts - 1];
}

/** A dead (or delivered) delivery sent again: due now, with a fresh run of attempts. */
export function replayedDelivery(delivery: WebhookDelivery, by: string, now: Date): WebhookDelivery {
  const { deliveredAt: _delivered, ...rest } = delivery;
  return {
    ...rest,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now.toISOString(),
    replayedAt: now.toISOString(),
    replayedBy: by,
  };
}

import { randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  afterAttempt,
  type Clock,
  type Logger,
  silentLogger,
  WEBHOOK_TIMEOUT_MS,
  type Webhook,
  type WebhookDelivery,
} from '@gridsafe/core';
import { signedHeaders } from '@gridsafe/core/signed-message';
import { checkWebhookUrl, refusedAddress } from '@gridsafe/core/webhook-address';
import { type TenantStore, WebhookRepository, webhookEntity } from '@gridsafe/db';

/**
 * Sends a county's due webhook deliveries (the outbox, webhook-outbox.ts): each is POSTed with its stored body,
 * signed with its webhook's secret (signed-message.ts, the one signature of alerts and webhooks), and recorded:
 * delivered on a 2xx, else due again after the next backoff (1 min, 5, 30, 2 h, 12 h), then dead-lettered.
 * Runs on the county's timer (the escalation schedule in AWS, scripts/local/escalation-timer.ts locally) and, after
 * a write that queued deliveries, at once (delivery-kick.ts). Runs may overlap: each delivery is claimed first.
 */
export interface WebhookDeliveryOptions {
  store: TenantStore;
  clock: Clock;
  logger?: Logger;
  /** AWS (`WEBHOOK_PUBLIC_ONLY=1`): https only, and every address a name resolves to must be public. */
  publicOnly: boolean;
  /** Name resolution; node:dns unless a test gives its own. */
  lookup?: typeof dnsLookup;
  /** At most this many deliveries a run (the rest wait for the next). */
  limit?: number;
  /** No new delivery is started after this many ms of the run (a Lambda's timeout must not cut one off). */
  budgetMs?: number;
}

export interface WebhookDeliveryResult {
  due: number;
  delivered: number;
  retrying: number;
  dead: number;
  skipped: number;
}

/**
 * How long a run's claim on a delivery holds: longer than any run (the sweep function's timeout is 2 minutes), so
 * a live run never loses its claim mid-send, and a delivery whose run died is due again this long after.
 */
export const DELIVERY_CLAIM_MS = 2 * 60_000;

/** A target refused by the address rules (at registration or at delivery). */
export class RefusedTargetError extends Error {}

export async function runWebhookDeliveries(options: WebhookDeliveryOptions): Promise<WebhookDeliveryResult> {
  const { store, clock } = options;
  const logger = options.logger ?? silentLogger;
  const repository = new WebhookRepository(store);
  const result: WebhookDeliveryResult = { due: 0, delivered: 0, retrying: 0, dead: 0, skipped: 0 };
  const hooks = new Map<string, Promise<Webhook | undefined>>();
  const hookOf = (id: string) => {
    let found = hooks.get(id);
    if (!found) {
      found = repository.getStored(id, true).then((item) => {
        if (!item) return undefined;
        const hook = webhookEntity.fromItem(item);
        return hook.deleted ? undefined : hook;
      });
      hooks.set(id, found);
    }
    return found;
  };
  const limit = options.limit ?? 500;
  const now = clock.now();
  const started = Date.now();
  const outOfTime = () => options.budgetMs !== undefined && Date.now() - started > options.budgetMs;
  let cursor: string | undefined;
  do {
    const page = await repository.due(now, { limit: Math.min(100, limit - result.due), cursor });
    // A few at a time: one slow receiver must not hold up every other county's webhook behind it.
    for (let start = 0; start < page.items.length && !outOfTime(); start += 4) {
      await Promise.all(
        page.items.slice(start, start + 4).map(async (listed) => {
          result.due += 1;
          // The index may lag the table, and another run (the schedule, a kick) may be at the same delivery: the
          // claim decides on the item itself, so exactly one run sends this attempt.
          const token = randomUUID();
          const delivery = await repository.claimDelivery(listed.webhookId, listed.id, {
            token,
            now: clock.now(),
            leaseMs: DELIVERY_CLAIM_MS,
          });
          if (!delivery) {
            result.skipped += 1;
            return;
          }
          const hook = await hookOf(delivery.webhookId);
          const outcome = !hook
            ? { ok: false as const, error: 'the webhook was deleted' }
            : !hook.enabled
              ? { ok: false as const, error: 'the webhook is disabled' }
              : await send(hook, delivery, clock, options);
          let after = afterAttempt(delivery, outcome, clock.now());
          // Nothing more will reach a deleted or disabled webhook: dead at once, kept for a replay.
          if (!hook?.enabled) {
            const { nextAttemptAt: _next, ...rest } = after;
            after = { ...rest, status: 'dead' };
          }
          if (!(await repository.saveDelivery(delivery, after, token))) {
            result.skipped += 1;
            return;
          }
          if (after.status === 'delivered') result.delivered += 1;
          else if (after.status === 'dead') result.dead += 1;
          else result.retrying += 1;
          if (!outcome.ok)
            logger.warn('webhook delivery failed', {
              tenant: store.tenant,
              webhookId: delivery.webhookId,
              deliveryId: delivery.id,
              attempts: after.attempts,
              status: after.status,
              error: outcome.error,
            });
        }),
      );
    }
    cursor = page.nextCursor;
  } while (cursor && result.due < limit && !outOfTime());
  if (result.due > 0) logger.info('webhook deliveries sent', { tenant: store.tenant, ...result });
  return result;
}

type Outcome = { ok: true; status: number } | { ok: false; status?: number; error: string };

/** One POST of the delivery's stored body to its webhook, signed now. Never throws: failures are outcomes. */
async function send(
  hook: Webhook,
  delivery: WebhookDelivery,
  clock: Clock,
  options: Pick<WebhookDeliveryOptions, 'publicOnly' | 'lookup'>,
): Promise<Outcome> {
  const target = checkWebhookUrl(hook.url, { cloud: options.publicOnly });
  if (!target.ok) return { ok: false, error: `refused: the URL ${target.reason}` };
  const body = Buffer.from(delivery.body);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    'user-agent': 'Gridsafe-Webhooks/1',
    'x-gridsafe-event': delivery.eventType,
    'x-gridsafe-delivery': delivery.id,
    ...signedHeaders(hook.secret, body, Math.floor(clock.now().getTime() / 1000)),
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Outcome>((resolve) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        headers,
        timeout: WEBHOOK_TIMEOUT_MS,
        // Every address the name resolves to is checked when the connection is made, so a name re-pointed into
        // the VPC after registration is refused here, and the address connected to is the one checked.
        lookup: checkedLookup(options.publicOnly, options.lookup ?? dnsLookup),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on('end', () =>
          resolve(
            status >= 200 && status < 300
              ? { ok: true, status }
              : { ok: false, status, error: `the receiver answered ${status}` },
          ),
        );
        response.on('error', (error) => resolve({ ok: false, status, error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end(body);
  });
}

/** A `lookup` for node's http that refuses, in AWS, a name with any non-public address. */
export function checkedLookup(publicOnly: boolean, lookup: typeof dnsLookup) {
  return ((hostname: string, opts: object, callback: (...args: unknown[]) => void) => {
    lookup(hostname, { ...opts, all: true }, (error, addresses) => {
      if (error) return callback(error);
      const all = addresses as unknown as LookupAddress[];
      if (all.length === 0) return callback(new RefusedTargetError(`${hostname} resolves to no address`));
      if (publicOnly) {
        const refused = refusedAddress(all.map((entry) => entry.address));
        if (refused)
          return callback(
            new RefusedTargetError(
              `refused: ${hostname} resolves to ${refused.address}, a ${refused.kind} address`,
            ),
          );
      }
      if ((opts as { all?: boolean }).all) return callback(null, all);
      const first = all[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  }) as unknown as typeof dnsLookup;
}

/**
 * The registration's check of a URL: the rules of checkWebhookUrl, and in AWS every address of its name public
 * now (it is checked again at every delivery). Answers the reason it is refused, or undefined.
 */
export async function refusedTarget(
  url: string,
  options: { publicOnly: boolean; lookup?: typeof dnsLookup },
): Promise<string | undefined> {
  const target = checkWebhookUrl(url, { cloud: options.publicOnly });
  if (!target.ok) return target.reason;
  if (!options.publicOnly || target.literal) return undefined;
  const lookup = options.lookup ?? dnsLookup;
  const addresses = await new Promise<LookupAddress[] | Error>((resolve) =>
    lookup(target.host, { all: true }, (error, found) =>
      resolve(error ? error : (found as unknown as LookupAddress[])),
    ),
  );
  if (addresses instanceof Error) return `names a host that does not resolve (${target.host})`;
  const refused = refusedAddress(addresses.map((entry) => entry.address));
  return refused ? `resolves to ${refused.address}, a ${refused.kind} address, not a public one` : undefined;
}

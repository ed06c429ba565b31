import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import {
  isDeliveryKick,
  KICK_MAX_WAIT_MS,
  outboundNotifier,
  recordLink,
  runWebhookDeliveries,
} from '@gridsafe/api/channels';
import { systemClock } from '@gridsafe/core';
import {
  createDocumentClient,
  MAP_NODES_PER_SWEEP,
  MapSnapshot,
  runEscalationSweep,
  runReminderSweep,
  SettingsRepository,
  TenantStore,
} from '@gridsafe/db';
import middy from '@middy/core';
import { readEnv } from './lib/env.ts';
import { transportsFromEnv } from './lib/outbound.ts';
import { domainLogger } from './lib/powertools-logger.ts';

// Once per cold start: the county this stack serves and a client that warm invocations reuse.
const env = readEnv(['GRIDSAFE_TENANT', 'TABLE_NAME']);
const logger = new Logger({ persistentKeys: { tenant: env.GRIDSAFE_TENANT } });
const log = domainLogger(logger);
const client = createDocumentClient({ requestTimeoutMs: 10_000 });
const transports = transportsFromEnv();

/** The county's due webhook deliveries (the outbox, docs/exchange.md). */
/** The map snapshot is refreshed by the run that starts within this many minutes after each hour. */
const MAP_REFRESH_MINUTES = 5;
/** When the run was scheduled: the event's `time` where the schedule sends one, else now. */
function scheduledAt(event: unknown): Date {
  const time = (event as { time?: unknown } | undefined)?.time;
  const at = typeof time === 'string' ? new Date(time) : systemClock.now();
  return Number.isNaN(at.getTime()) ? systemClock.now() : at;
}
const webhookDeliveries = (store: TenantStore) =>
  runWebhookDeliveries({
    store,
    clock: systemClock,
    logger: log,
    // In AWS only https to public addresses, whatever the environment says short of an explicit WEBHOOK_PUBLIC_ONLY=0.
    publicOnly: process.env.WEBHOOK_PUBLIC_ONLY !== '0',
    // The function's timeout is 2 minutes; one receiver may take 10 s to time out.
    budgetMs: 45_000,
  });

/**
 * EventBridge runs this every 5 minutes for the stack's one county: raise overdue hazards (and notify both
 * chains), then write the reminders now due (the daily patrol plan runs at night in the assessment refresh, which
 * has 15 minutes: docs/decisions.md, "The daily plan runs at night"),
 * and last, once an hour, build the map snapshot's stale nodes (at most MAP_NODES_PER_SWEEP a run). A hazard whose write failed makes
 * the run fail, so the alarm fires and EventBridge retries; the ones that succeeded are not raised twice.
 *
 * The county API also invokes it, asynchronously, with `{ kind: 'webhook-deliveries' }` after a write that queued
 * webhook deliveries (functions/lib/lambda-delivery-kicker.ts): then it sends the due deliveries and nothing else,
 * once the kick's `notBefore` has passed (at most 10 s away).
 */
export const handler = middy(async (event: unknown) => {
  const store = new TenantStore(client, env.TABLE_NAME, env.GRIDSAFE_TENANT);
  if (isDeliveryKick(event)) {
    // Only this stack's county: the function's role reaches no other county's items anyway.
    if (event.tenant !== env.GRIDSAFE_TENANT) {
      logger.warn('webhook delivery kick for another county ignored', { kickTenant: event.tenant });
      return { webhooks: undefined };
    }
    const wait = event.notBefore ? Date.parse(event.notBefore) - Date.now() : 0;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, KICK_MAX_WAIT_MS)));
    return { webhooks: await webhookDeliveries(store) };
  }
  const { settings } = await new SettingsRepository(store).get();
  const outbound = outboundNotifier({
    store,
    clock: systemClock,
    logger: log,
    transports,
    linkOf: recordLink(process.env.PUBLIC_ORIGIN ?? '', env.GRIDSAFE_TENANT),
  });
  const sweep = await runEscalationSweep({
    store,
    clock: systemClock,
    settings,
    notifier: outbound,
    logger: log,
    limit: 2000,
  });
  // Each reminder is created once only.
  const reminders = await runReminderSweep({
    store,
    clock: systemClock,
    notifier: outbound,
    logger: log,
  });
  // Held past quiet hours, or waiting for a retry: what is due now goes out.
  const deliveries = await outbound.flush();
  // Webhook deliveries now due: retries, and any a kick missed.
  const webhooks = await webhookDeliveries(store);
  // The map's nodes changed since the last run (this run's ratings among them, from the next run: the index's lag),
  // built before an officer opens the map; a bounded number a run. Only ahead of time: a read builds whatever is
  // still stale, so a failure here is logged, not retried.
  // Once an hour (the run scheduled in each hour's first 5 minutes; the schedule is a fixed 5-minute rate): finding
  // the stale nodes reads the county's whole snapshot, about 280 read units at Taihe's size, US$0.60 a month every
  // 5 minutes against US$0.05 hourly (the cost model's escalation run carries it).
  const map =
    scheduledAt(event).getUTCMinutes() < MAP_REFRESH_MINUTES
      ? await new MapSnapshot(store).refreshStale({ limit: MAP_NODES_PER_SWEEP }).catch((error: unknown) => {
          logger.warn('map snapshot refresh failed', { error: String(error) });
          return undefined;
        })
      : undefined;
  if (sweep.failed > 0) throw new Error(`${sweep.failed} hazard(s) could not be escalated; see the log.`);
  return { sweep, reminders, deliveries, webhooks, map };
}).use(injectLambdaContext(logger, { resetKeys: true }));

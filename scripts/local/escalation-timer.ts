import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localSink, outboundNotifier, recordLink, runWebhookDeliveries } from '@gridsafe/api/channels';
import { type Clock, type Logger, ulidSource } from '@gridsafe/core';
import {
  AssessmentSnapshots,
  MAP_NODES_PER_SWEEP,
  MapSnapshot,
  planPatrols,
  runEscalationSweep,
  runReminderSweep,
  SettingsRepository,
  TenantRegistry,
  TenantStore,
} from '@gridsafe/db';

/** How long a stopping stack waits for the tick under way before it stops DynamoDB under it. */
const STOP_WAIT_MS = 10_000;

/**
 * The local stand-in for each county's EventBridge schedule: every `intervalMs` it runs the escalation sweep
 * (the daily patrol plan, the daily quarterly-assessment snapshot, and the map's stale nodes) for every active county in the registry, with the stack's clock, so moving that
 * clock forward passes deadlines exactly as time would. A tick never overlaps the one before.
 */
export function startEscalationTimer(options: {
  client: DynamoDBDocumentClient;
  tableName: string;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
  /** The web app's origin, for the links in robot messages. */
  publicOrigin?: string;
}): { tick(): Promise<void>; stop(): Promise<void> } {
  const registry = new TenantRegistry(options.client, options.tableName);
  let running: Promise<void> | undefined;
  // Stopping ends a tick at its next step: the first plan after an import of thousands of units schedules a
  // patrol for each, minutes of work that a stopping stack (its DynamoDB about to go) should not wait for.
  const stopping = new AbortController();
  const { signal } = stopping;
  const tick = async () => {
    for (const tenant of await registry.list()) {
      if (signal.aborted) return;
      if (tenant.status !== 'active') continue;
      const store = new TenantStore(options.client, options.tableName, tenant.id);
      const { settings } = await new SettingsRepository(store).get();
      // Locally every SMS and robot message lands in the local sink: the county's delivery log.
      const outbound = outboundNotifier({
        store,
        clock: options.clock,
        logger: options.logger,
        transports: localSink,
        linkOf: recordLink(options.publicOrigin ?? '', tenant.id),
      });
      await runEscalationSweep({
        store,
        clock: options.clock,
        settings,
        notifier: outbound,
        logger: options.logger,
      });
      if (signal.aborted) return;
      await planPatrols({
        store,
        clock: options.clock,
        settings,
        ids: ulidSource,
        logger: options.logger,
        signal,
      });
      if (signal.aborted) return;
      await runReminderSweep({
        store,
        clock: options.clock,
        notifier: outbound,
        logger: options.logger,
      });
      await outbound.flush();
      // Webhook deliveries due: retries, and any a write's kick missed (AWS: the same 5-minute sweep); http://127.0.0.1
      // allowed here.
      await runWebhookDeliveries({ store, clock: options.clock, logger: options.logger, publicOnly: false });
      // AWS runs this nightly on a schedule of its own; here it rides the same timer and computes once a day.
      await new AssessmentSnapshots(store).refreshDue(options.clock);
      if (signal.aborted) return;
      // Last, as in AWS: the map's nodes this tick (or anything since the last) left stale, built before the next
      // reader. Locally it waits out the index's lag (5 s) for the nodes the tick itself just changed.
      await new MapSnapshot(store).refreshStale({ limit: MAP_NODES_PER_SWEEP, settle: true });
    }
  };
  const guarded = () => {
    if (running) return running;
    running = tick()
      .catch((error) => options.logger.error('escalation timer failed', { error }))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(guarded, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    tick: guarded,
    stop: async () => {
      clearInterval(timer);
      stopping.abort();
      // A step already under way (a sweep, the map's rebuild of a village that just took in thousands of units) is
      // not cut: waited for a few seconds, then left to fail as DynamoDB goes. Every step is safe to run again, and
      // the next start's first tick does what it left.
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref())]);
    },
  };
}

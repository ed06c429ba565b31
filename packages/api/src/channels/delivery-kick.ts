import { TenantStore } from '@gridsafe/db';
import type { AppDeps } from '../app-deps.ts';

/**
 * After a county API write that queued webhook deliveries (an event's outbox items, a replay), the API asks for
 * them to be sent now instead of at the county's next sweep, 5 minutes away at worst (docs/exchange.md, "When a
 * delivery is sent"; docs/decisions.md, "Webhook deliveries are kicked, not scheduled every minute"). In AWS
 * the API invokes the county's escalation-sweep function asynchronously with a DeliveryKickEvent, and the function
 * runs only the deliveries (functions/lib/lambda-delivery-kicker.ts); locally and in tests the deliveries run in
 * the API's process right after the answer. Runs may overlap one another and the sweep: each delivery is claimed
 * by a conditional write before it is sent (webhook-delivery.ts), so none is sent twice.
 */
export interface DeliveryKicker {
  /** Never delays the answer for the deliveries themselves; a failure to ask is the caller's to log. */
  kick(tenant: string): Promise<void>;
}

/** The event the county's sweep function takes to run its webhook deliveries only. */
export interface DeliveryKickEvent {
  kind: 'webhook-deliveries';
  tenant: string;
  /**
   * Not before this time (ISO 8601) does the run look for due deliveries: the end of the kicker's coalescing
   * window and a moment more, so the writes it coalesced into this kick are committed and indexed by then.
   */
  notBefore?: string;
}

export function isDeliveryKick(event: unknown): event is DeliveryKickEvent {
  if (typeof event !== 'object' || event === null) return false;
  const { kind, tenant, notBefore } = event as Record<string, unknown>;
  return (
    kind === 'webhook-deliveries' &&
    typeof tenant === 'string' &&
    (notBefore === undefined || (typeof notBefore === 'string' && !Number.isNaN(Date.parse(notBefore))))
  );
}

/**
 * An API process asks at most once per county in this window (AWS): the writes after a kick within it are sent
 * by that kick's run, which starts looking once the window (and KICK_SETTLE_MS) is over.
 */
export const KICK_WINDOW_MS = 2_000;
/** How long after the window the run waits, for the last coalesced write's index entry (`due`) to appear. */
export const KICK_SETTLE_MS = 1_000;
/** A kick's run never waits longer than this for its `notBefore`, whatever the event says. */
export const KICK_MAX_WAIT_MS = 10_000;

/** No kick at all: deliveries wait for the county's timer (for tests of the timer itself). */
export const timerOnlyDeliveries: DeliveryKicker = { kick: async () => {} };

/**
 * The deliveries run in this process after the request's answer (the local stack, tests). One run per county at
 * a time: a kick during a run makes one more run after it, so a write committed while a run was already past its
 * Query is still sent within moments. A run's failure is logged, never thrown.
 */
export function inProcessDeliveryKicker(
  deps: Pick<AppDeps, 'data' | 'clock' | 'logger' | 'webhooks'>,
): DeliveryKicker & { idle(): Promise<void> } {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  const start = (tenant: string) => {
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => import('./webhook-delivery.ts'))
      .then(({ runWebhookDeliveries }) =>
        runWebhookDeliveries({
          store: new TenantStore(deps.data.client, deps.data.tableName, tenant),
          clock: deps.clock,
          logger: deps.logger,
          publicOnly: deps.webhooks?.publicOnly ?? false,
          ...(deps.webhooks?.lookup ? { lookup: deps.webhooks.lookup } : {}),
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => deps.logger.error('webhook deliveries failed', { tenant, error: String(error) }),
      )
      .finally(() => {
        running.delete(tenant);
        if (again.delete(tenant)) start(tenant);
      });
    running.set(tenant, run);
  };
  return {
    async kick(tenant) {
      if (running.has(tenant)) again.add(tenant);
      else start(tenant);
    },
    /** Settles once no run is going and none is to follow (tests and a stopping stack wait for it). */
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}

import {
  type Clock,
  ConflictError,
  dueEscalation,
  escalationMessages,
  type Hazard,
  type IdSource,
  type Logger,
  type NotificationMessage,
  type Notifier,
  silentLogger,
  silentNotifier,
  type TenantSettings,
  ulidSource,
} from '@gridsafe/core';
import { refreshUnitCredit } from './credit-rating.ts';
import { HazardRepository } from './hazard-repository.ts';
import { systemPrincipal } from './patrol-plan.ts';
import { fromItem, type TenantStore } from './tenant-store.ts';

export interface EscalationSweepOptions {
  store: TenantStore;
  clock: Clock;
  settings: TenantSettings;
  /** External channels (SMS, e-mail), called after each escalation commits; in-app notices commit with it. */
  notifier?: Notifier;
  logger?: Logger;
  /** The most hazards one run handles; the rest wait for the next run (every 5 minutes in AWS). */
  limit?: number;
  ids?: IdSource;
}

export interface EscalationSweepResult {
  /** Hazards the due index named. */
  due: number;
  /** Hazards raised one level. */
  escalated: number;
  /** Hazards newly marked overdue (most escalations also mark one). */
  markedOverdue: number;
  /** Hazards another writer changed first (a concurrent sweep, an officer): left for the next run. */
  skipped: number;
  /** Hazards whose write failed for another reason; logged. */
  failed: number;
  /** True when `limit` stopped the run before the index was exhausted. */
  more: boolean;
}

const PAGE_SIZE = 100;

/**
 * The escalation sweep of one county: Query the sparse `due` index for hazards due up to now (never a Scan),
 * and for each, read it consistently, ask the ladder (`dueEscalation`) what is due, and write that in one
 * conditional transaction with its audit event, counters and notices to both chains. The condition names the
 * version, level and escalation step the sweep read, so two sweeps running at once raise each hazard once per
 * step: the loser's transaction fails its condition and it skips the hazard. Running it again after it finished
 * changes nothing, since every hazard it handled is now due later or not at all.
 *
 * @example
 * await runEscalationSweep({ store, clock: systemClock, settings, notifier: logOnlyNotifier(logger), logger });
 * // { due: 3, escalated: 2, markedOverdue: 3, skipped: 0, failed: 0, more: false }
 */
export async function runEscalationSweep(options: EscalationSweepOptions): Promise<EscalationSweepResult> {
  const { store, clock, settings } = options;
  const logger = options.logger ?? silentLogger;
  const notifier = options.notifier ?? silentNotifier;
  const ids = options.ids ?? ulidSource;
  const limit = options.limit ?? 1000;
  const hazards = new HazardRepository(store);
  const now = clock.now();
  const ctx = { principal: systemPrincipal(store.tenant, 'escalation-sweep'), now };
  const result: EscalationSweepResult = {
    due: 0,
    escalated: 0,
    markedOverdue: 0,
    skipped: 0,
    failed: 0,
    more: false,
  };

  let cursor: string | undefined;
  do {
    const page = await hazards.listDue(now, { limit: Math.min(PAGE_SIZE, limit - result.due), cursor });
    for (const listed of page.items) {
      result.due += 1;
      try {
        const outcome = await escalateOne(hazards, listed.id, now, settings, ctx, ids);
        if (outcome === 'skipped') {
          result.skipped += 1;
          continue;
        }
        if (outcome.escalated) result.escalated += 1;
        if (outcome.markedOverdue) result.markedOverdue += 1;
        // A hazard past its deadline weighs on its unit's credit rating: rate the unit again (docs/decisions.md,
        // "Unit credit ratings"); a failure here leaves the escalation done and the daily re-rating catches up.
        if (outcome.markedOverdue)
          await refreshUnitCredit(store, listed.unitId, now).catch((error: unknown) => {
            logger.warn('credit rating failed', { tenant: store.tenant, unitId: listed.unitId, error });
          });
        // The escalation and its in-app notices are committed; a failing SMS or e-mail channel must not undo
        // that or count it as failed.
        await notifier.notify(outcome.notifications).catch((error: unknown) => {
          logger.warn('notification delivery failed', { tenant: store.tenant, hazardId: listed.id, error });
        });
      } catch (error) {
        if (error instanceof ConflictError) {
          result.skipped += 1;
        } else {
          result.failed += 1;
          logger.error('escalation failed', { tenant: store.tenant, hazardId: listed.id, error });
        }
      }
    }
    cursor = page.nextCursor;
    if (cursor && result.due >= limit) {
      result.more = true;
      break;
    }
  } while (cursor);
  logger.info('escalation sweep finished', { tenant: store.tenant, ...result });
  return result;
}

async function escalateOne(
  hazards: HazardRepository,
  id: string,
  now: Date,
  settings: TenantSettings,
  ctx: { principal: ReturnType<typeof systemPrincipal>; now: Date },
  ids: IdSource,
): Promise<'skipped' | { escalated: boolean; markedOverdue: boolean; notifications: NotificationMessage[] }> {
  // The index may lag the table: decide from a consistent read, and let the condition catch anything later.
  const stored = await hazards.getStored(id, true);
  if (!stored) return 'skipped';
  const hazard = fromItem<Hazard>(stored);
  const change = dueEscalation(hazard, now, settings);
  if (!change) return 'skipped';
  const { step, escalateAt, overdueAt, ...ladder } = change;
  const { escalateAt: _old, ...rest } = hazard;
  const after: Hazard = {
    ...rest,
    ...ladder,
    ...(escalateAt ? { escalateAt } : {}),
    ...(overdueAt ? { overdueAt } : {}),
  };
  const notifications = step ? escalationMessages(after, step.to, step.cause, now, () => ids.next()) : [];
  await hazards.save(
    stored,
    after,
    hazard.version,
    ctx,
    {
      action: step ? 'escalated' : 'overdue',
      details: {
        cause: 'deadline',
        deadline: hazard.deadline,
        ...(step ? { from: step.from, to: step.to } : {}),
        notified: notifications.map((n) => `${n.recipient.kind}:${n.recipient.id}`),
      },
      notifications,
    },
    { level: hazard.level, escalationStep: hazard.escalationStep },
  );
  return { escalated: step !== undefined, markedOverdue: !hazard.overdue && after.overdue, notifications };
}

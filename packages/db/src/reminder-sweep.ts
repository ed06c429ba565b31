import {
  type Clock,
  DEADLINE_NOTICE_DAYS,
  dueReminders,
  endOfTomorrow,
  type Hazard,
  type IdSource,
  type Logger,
  type Notifier,
  OVERDUE_PATROL_LOOKBACK_DAYS,
  type Patrol,
  type Reminder,
  type RiskPoint,
  silentLogger,
  silentNotifier,
  ulidSource,
} from '@gridsafe/core';
import { NotificationRepository } from './notification-repository.ts';
import { fromItem, type TenantStore } from './tenant-store.ts';

export interface ReminderSweepOptions {
  store: TenantStore;
  clock: Clock;
  /** External channels, called with each reminder once it is committed. */
  notifier?: Notifier;
  logger?: Logger;
  ids?: IdSource;
}

export interface ReminderSweepResult {
  /** Reminders written by this run. */
  created: number;
  /** Reminders an earlier run (or a concurrent one) had already written. */
  existing: number;
}

const DAY_MS = 86_400_000;

/**
 * The reminders of one county: read what may be due from three indexes (filings by status, patrols by due time,
 * hazards by their next step; never a Scan), ask core's `dueReminders`, and write each reminder's notices in one
 * transaction with a guard item REMINDER#<topic>#<record>#<due> / REMINDER put only if absent. A second run, or
 * two at once, finds the guard and creates nothing: a reminder is created once, never twice.
 *
 * @example
 * await runReminderSweep({ store, clock: systemClock, notifier: logOnlyNotifier(logger) }); // { created: 4, existing: 0 }
 */
export async function runReminderSweep(options: ReminderSweepOptions): Promise<ReminderSweepResult> {
  const { store, clock } = options;
  const logger = options.logger ?? silentLogger;
  const notifier = options.notifier ?? silentNotifier;
  const ids = options.ids ?? ulidSource;
  const now = clock.now();
  const sources = {
    filingsInReview: await filingsInReview(store),
    patrolsDue: await patrolsDue(store, now),
    hazardsDue: await hazardsDue(store, now),
  };
  const notifications = new NotificationRepository(store);
  const result: ReminderSweepResult = { created: 0, existing: 0 };
  for (const reminder of dueReminders(sources, now, () => ids.next())) {
    try {
      await store.transact([guardPut(store, reminder), ...notifications.puts(reminder.messages)], 'reminder');
    } catch (error) {
      if ((error as { code?: string }).code === 'conflict') {
        result.existing += 1;
        continue;
      }
      throw error;
    }
    result.created += 1;
    await notifier.notify(reminder.messages).catch((error: unknown) => {
      logger.warn('reminder delivery failed', { tenant: store.tenant, ...reminder.key, error });
    });
  }
  logger.info('reminder sweep finished', { tenant: store.tenant, ...result });
  return result;
}

/** The guard that makes a reminder once-only; it carries no data anyone reads, only its key matters. */
function guardPut(store: TenantStore, reminder: Reminder) {
  const { topic, recordId, due } = reminder.key;
  return {
    Put: {
      TableName: store.tableName,
      Item: {
        pk: store.key('REMINDER', topic, recordId, due),
        sk: 'REMINDER',
        type: 'Reminder',
        createdAt: reminder.messages[0]?.createdAt,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** listRiskPointsByStatus (gsi4 RPSTATUS#submitted and #township_approved): every filing waiting for a review. */
async function filingsInReview(store: TenantStore): Promise<RiskPoint[]> {
  const pages = await Promise.all(
    (['submitted', 'township_approved'] as const).map((status) =>
      store.queryAll({
        IndexName: 'gsi4',
        KeyConditionExpression: 'gsi4pk = :pk',
        ExpressionAttributeValues: { ':pk': store.key('RPSTATUS', status) },
      }),
    ),
  );
  return pages.flat().map((item) => fromItem<RiskPoint>(item));
}

/**
 * listPatrolsDueBetween (gsi3 PATROLDUE): a week back to the end of tomorrow, the scheduled ones. The week back
 * bounds the read; a patrol is reminded as overdue at the first sweep past its due time, well inside it.
 */
async function patrolsDue(store: TenantStore, now: Date): Promise<Patrol[]> {
  const items = await store.queryAll({
    IndexName: 'gsi3',
    KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
    FilterExpression: '#status = :scheduled',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':pk': store.key('PATROLDUE'),
      ':from': new Date(now.getTime() - OVERDUE_PATROL_LOOKBACK_DAYS * DAY_MS).toISOString(),
      ':to': `${endOfTomorrow(now).toISOString()}#`,
      ':scheduled': 'scheduled',
    },
  });
  return items.map((item) => fromItem<Patrol>(item));
}

/**
 * listDueHazards (the sparse `due` index) from now to three days on: before its deadline a hazard's next step
 * is its deadline, so this is every live hazard whose deadline is that close.
 */
async function hazardsDue(store: TenantStore, now: Date): Promise<Hazard[]> {
  const items = await store.queryAll({
    IndexName: 'due',
    KeyConditionExpression: 'duepk = :pk AND duesk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': store.key('DUE', 'HAZARD'),
      ':from': now.toISOString(),
      ':to': `${new Date(now.getTime() + DEADLINE_NOTICE_DAYS * DAY_MS).toISOString()}#~`,
    },
  });
  return items.map((item) => fromItem<Hazard>(item));
}

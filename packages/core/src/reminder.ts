import { gridAtLevel } from './escalation.ts';
import type { Hazard } from './hazard.ts';
import type { NotificationMessage, NotificationRecipient, NotificationTopic } from './notification.ts';
import type { Patrol } from './patrol.ts';
import type { RiskPoint } from './risk-point.ts';

/**
 * A reminder the sweep owes: its key names the topic, the record and the moment it is about (the due time, the
 * deadline, the submission), so writing it under a condition on the key creates it once however many sweeps see
 * it; a record that becomes due again (the next patrol, a resubmitted filing) gets a new key and a new reminder.
 */
export interface Reminder {
  key: { topic: NotificationTopic; recordId: string; due: string };
  messages: NotificationMessage[];
}

/** What the sweep read for the reminders: each list comes from one index Query, never a Scan. */
export interface ReminderSources {
  /** Filings waiting for a review (status submitted or township_approved). */
  filingsInReview: readonly Pick<
    RiskPoint,
    'id' | 'name' | 'unitName' | 'gridPath' | 'status' | 'reviewChain' | 'reviewStep' | 'updatedAt'
  >[];
  /** Scheduled patrols due from a week ago to the end of tomorrow. */
  patrolsDue: readonly Pick<Patrol, 'id' | 'unitName' | 'gridId' | 'dueAt' | 'status'>[];
  /** Hazards the sweep watches whose next step falls within the reminder window. */
  hazardsDue: readonly Pick<
    Hazard,
    'id' | 'title' | 'unitId' | 'unitName' | 'gridPath' | 'level' | 'status' | 'deadline' | 'overdue'
  >[];
}

/** How far ahead a hazard's deadline is announced (the issue's "a deadline in three days"). */
export const DEADLINE_NOTICE_DAYS = 3;
/** How far back the sweep looks for patrols left undone: each is reminded once, at its first sweep past due. */
export const OVERDUE_PATROL_LOOKBACK_DAYS = 7;

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in Beijing of an instant, as YYYY-MM-DD (counties work in Beijing time). */
export function beijingDay(at: Date | string): string {
  return new Date(new Date(at).getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant after the end of tomorrow in Beijing: a patrol due before it is "due tomorrow" or sooner. */
export function endOfTomorrow(now: Date): Date {
  const tomorrow = beijingDay(new Date(now.getTime() + DAY_MS));
  return new Date(Date.parse(`${tomorrow}T00:00:00.000Z`) - BEIJING_OFFSET_MS + DAY_MS);
}

/**
 * The reminders due at `now` from what the sweep read; ids from `nextId`. Pure: the same records and the same
 * `now` give the same keys, which is what makes a second sweep create nothing.
 *
 * @example
 * dueReminders({ filingsInReview: [point], patrolsDue: [], hazardsDue: [] }, now, () => ulid())
 *   .map((r) => r.key.topic); // ['risk_point_review']
 */
export function dueReminders(sources: ReminderSources, now: Date, nextId: () => string): Reminder[] {
  const reminders: Reminder[] = [];
  const at = now.toISOString();
  const add = (
    key: Reminder['key'],
    subject: NotificationMessage['subject'],
    recipients: NotificationRecipient[],
    title: string,
    body: string,
  ) =>
    reminders.push({
      key,
      messages: recipients.map((recipient) => ({
        id: nextId(),
        recipient,
        topic: key.topic,
        subject,
        title,
        body,
        createdAt: at,
      })),
    });

  for (const point of sources.filingsInReview) {
    if (point.status !== 'submitted' && point.status !== 'township_approved') continue;
    const level = point.reviewChain[point.reviewStep];
    if (!level) continue;
    add(
      // Each step of the chain is a new wait for a new reviewer; updatedAt moves with every step.
      { topic: 'risk_point_review', recordId: point.id, due: point.updatedAt },
      { type: 'risk-point', id: point.id },
      [{ kind: 'grid', id: gridAtLevel(point.gridPath, level) }],
      `【风险点待审核】${point.unitName} ${point.name}`,
      '该风险点备案等待您审核,请登录系统处理。',
    );
  }

  const horizon = endOfTomorrow(now).toISOString();
  for (const patrol of sources.patrolsDue) {
    if (patrol.status !== 'scheduled' || patrol.dueAt >= horizon) continue;
    const overdue = patrol.dueAt < at;
    add(
      { topic: overdue ? 'patrol_overdue' : 'patrol_due', recordId: patrol.id, due: patrol.dueAt },
      { type: 'patrol', id: patrol.id },
      [{ kind: 'grid', id: patrol.gridId }],
      overdue ? `【巡查已逾期】${patrol.unitName}` : `【巡查即将到期】${patrol.unitName}`,
      `巡查应于 ${beijingDay(patrol.dueAt)} 完成。${overdue ? '请尽快完成巡查。' : '请按时完成巡查。'}`,
    );
  }

  const soon = new Date(now.getTime() + DEADLINE_NOTICE_DAYS * DAY_MS).toISOString();
  for (const hazard of sources.hazardsDue) {
    const live = hazard.status === 'open' || hazard.status === 'rectifying';
    if (!live || hazard.overdue || hazard.deadline <= at || hazard.deadline > soon) continue;
    add(
      { topic: 'hazard_deadline_near', recordId: hazard.id, due: hazard.deadline },
      { type: 'hazard', id: hazard.id },
      // Who rectifies (the unit) and the post that holds the hazard now.
      [
        { kind: 'unit', id: hazard.unitId },
        { kind: 'grid', id: gridAtLevel(hazard.gridPath, hazard.level) },
      ],
      `【整改期限将到】${hazard.unitName} ${hazard.title}`,
      `整改期限 ${beijingDay(hazard.deadline)},请在期限前完成整改并上报。`,
    );
  }
  return reminders;
}

/**
 * A rectification the verifier sent back: who rectifies hears why, the unit and its village's grid members.
 * Written in the transaction of the rejection, so it exists exactly when the rejection does.
 */
export function rejectionMessages(
  hazard: Pick<Hazard, 'id' | 'title' | 'unitId' | 'unitName' | 'gridPath' | 'deadline'>,
  reason: string | undefined,
  now: Date,
  nextId: () => string,
): NotificationMessage[] {
  const recipients: NotificationRecipient[] = [
    { kind: 'unit', id: hazard.unitId },
    { kind: 'grid', id: gridAtLevel(hazard.gridPath, 'village') },
  ];
  const title = `【整改未通过】${hazard.unitName} ${hazard.title}`;
  const body = `${reason ? `原因:${reason}。` : ''}请重新整改,期限 ${beijingDay(hazard.deadline)}。`;
  return recipients.map((recipient) => ({
    id: nextId(),
    recipient,
    topic: 'rectification_rejected',
    subject: { type: 'hazard', id: hazard.id },
    title,
    body,
    createdAt: now.toISOString(),
  }));
}

import type { EscalationLevel } from './escalation.ts';
import { gridAtLevel } from './escalation.ts';
import type { Logger } from './logger.ts';
import { beijingDay } from './reminder.ts';

/**
 * Who a notification is for: a grid node (its officers or grid members), a department (the industry chain) or a
 * unit. Addressed to the post, not the person, so whoever holds the post later still finds it.
 */
export type NotificationRecipient = { kind: 'grid' | 'dept' | 'unit'; id: string };

export const NOTIFICATION_TOPICS = [
  'hazard_escalated',
  'hazard_supervised',
  'hazard_overdue',
  'risk_point_reopened',
  // Reminders the sweep creates once each (reminder.ts), and a rectification sent back.
  'risk_point_review',
  'patrol_due',
  'patrol_overdue',
  'hazard_deadline_near',
  'rectification_rejected',
  // A monitoring system's alert at a unit of the village or the department (alert.ts).
  'alert_received',
] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];

export const NOTIFICATION_SUBJECT_TYPES = ['hazard', 'risk-point', 'patrol', 'alert'] as const;
export type NotificationSubjectType = (typeof NOTIFICATION_SUBJECT_TYPES)[number];

export interface NotificationMessage {
  id: string;
  recipient: NotificationRecipient;
  topic: NotificationTopic;
  subject: { type: NotificationSubjectType; id: string };
  /** One line, fit for an SMS. */
  title: string;
  body: string;
  createdAt: string;
  /** A major hazard's escalation: SMS and robots send it even in the county's quiet hours and past the daily cap. */
  urgent?: boolean;
}

/**
 * Delivers notifications on a channel. In-app notifications are written in the same transaction as the change
 * they announce (see the db package's NotificationRepository); a Notifier is called after that commit, so a
 * channel that fails never undoes the change. Implementations must not throw for a failed delivery.
 */
export interface Notifier {
  notify(messages: readonly NotificationMessage[]): Promise<void>;
}

/**
 * SMS and e-mail as log lines: what would be sent, to which post, on which channel. No network. The interface is
 * where a county's SMS gateway or mail relay is plugged in later.
 */
export function logOnlyNotifier(
  logger: Logger,
  channels: readonly ('sms' | 'email')[] = ['sms', 'email'],
): Notifier {
  return {
    async notify(messages) {
      for (const message of messages) {
        for (const channel of channels) {
          logger.info('notification (log only)', {
            channel,
            notificationId: message.id,
            recipient: `${message.recipient.kind}:${message.recipient.id}`,
            topic: message.topic,
            text: channel === 'sms' ? message.title : `${message.title}\n${message.body}`,
          });
        }
      }
    },
  };
}

/** Several channels as one; a channel that throws is logged and the others still run. */
export function combineNotifiers(logger: Logger, ...notifiers: Notifier[]): Notifier {
  return {
    async notify(messages) {
      if (messages.length === 0) return;
      for (const notifier of notifiers) {
        try {
          await notifier.notify(messages);
        } catch (error) {
          logger.warn('notification channel failed', { error });
        }
      }
    },
  };
}

export const silentNotifier: Notifier = { notify: async () => {} };

const LEVEL_NAMES: Record<EscalationLevel, string> = { village: '村级', township: '乡镇', county: '县级' };
const SEVERITY_NAMES = { general: '一般隐患', major: '重大隐患' } as const;

/**
 * Both chains hear of a hazard that reaches a level: the territorial node at that level (属地) and the supervising
 * department of the unit's industry (行业), when it has one.
 */
export function escalationRecipients(
  hazard: { gridPath: string; departmentId?: string },
  level: EscalationLevel,
): NotificationRecipient[] {
  return [
    { kind: 'grid', id: gridAtLevel(hazard.gridPath, level) },
    ...(hazard.departmentId ? [{ kind: 'dept' as const, id: hazard.departmentId }] : []),
  ];
}

/**
 * The messages announcing a hazard's move to `level`, one per recipient, ids from `nextId`.
 *
 * @example
 * escalationMessages(hazard, 'township', 'deadline', now, () => ulid()).map((m) => m.recipient.kind); // ['grid', 'dept']
 */
export function escalationMessages(
  hazard: {
    id: string;
    title: string;
    unitName: string;
    severity: 'general' | 'major';
    gridPath: string;
    departmentId?: string;
    deadline: string;
  },
  level: EscalationLevel,
  cause: 'severity' | 'deadline' | 'manual' | 'supervision',
  now: Date,
  nextId: () => string,
  recipients: readonly NotificationRecipient[] = escalationRecipients(hazard, level),
): NotificationMessage[] {
  const why = {
    severity: '重大隐患即时上报',
    deadline: '整改期限已过',
    manual: '人工上报',
    supervision: '县级挂牌督办',
  }[cause];
  const topic: NotificationTopic = cause === 'supervision' ? 'hazard_supervised' : 'hazard_escalated';
  const title = `【${LEVEL_NAMES[level]}】${SEVERITY_NAMES[hazard.severity]}：${hazard.unitName} ${hazard.title}（${why}）`;
  const body = `整改期限 ${beijingDay(hazard.deadline)}。请登录系统查看并督促整改。`;
  return recipients.map((recipient) => ({
    id: nextId(),
    recipient,
    topic,
    subject: { type: 'hazard', id: hazard.id },
    title,
    body,
    createdAt: now.toISOString(),
    ...(topic === 'hazard_escalated' && hazard.severity === 'major' ? { urgent: true } : {}),
  }));
}

/**
 * A filed point taken off the register: its filers hear why. Addressed to the posts that file a unit's points
 * (the village's grid members and the unit itself), so whoever holds the post now reads it.
 */
export function reopenedMessages(
  point: { id: string; name: string; unitId: string; unitName: string; gridPath: string; color: string },
  reason: string | undefined,
  now: Date,
  nextId: () => string,
): NotificationMessage[] {
  const village = point.gridPath.split('/').pop() ?? point.gridPath;
  const recipients: NotificationRecipient[] = [
    { kind: 'grid', id: village },
    { kind: 'unit', id: point.unitId },
  ];
  const title = `【风险点退回修改】${point.unitName} ${point.name}`;
  const body = reason ? `原因：${reason}。请修改后重新提交审核。` : '请修改后重新提交审核。';
  return recipients.map((recipient) => ({
    id: nextId(),
    recipient,
    topic: 'risk_point_reopened',
    subject: { type: 'risk-point', id: point.id },
    title,
    body,
    createdAt: now.toISOString(),
  }));
}

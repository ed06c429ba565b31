import type { noticesZhCN } from './notices.zh-CN.ts';

/** Notices in English: the same keys as notices.zh-CN.ts. */
export const noticesEn: Record<keyof typeof noticesZhCN, string> = {
  'notices.bell': 'Notices',
  'notices.bellLabel': 'Notices, {n} unread',
  'notices.title': 'Notices',
  'notices.hint':
    'Reminders for your posts (grid, department or unit), newest first. Opening one marks it read.',
  'notices.empty': 'No notices.',
  'notices.unread': 'Unread',
  'notices.markRead': 'Mark read',
  'notices.markAllRead': 'Mark all read',
  'notices.openHazard': 'Open the hazard',
  'notices.openRiskPoint': 'Open the risk point',
  'notices.onlyUnread': 'Unread only',
  'notices.topic.hazard_escalated': 'Hazard escalated',
  'notices.topic.hazard_supervised': 'Supervised by the county',
  'notices.topic.hazard_overdue': 'Hazard overdue',
  'notices.topic.risk_point_reopened': 'Risk point sent back',
  'notices.openPatrol': 'Open the patrol',
  'notices.openAlert': 'Open the alert',
  'notices.topic.risk_point_review': 'Waiting for review',
  'notices.topic.patrol_due': 'Patrol due',
  'notices.topic.patrol_overdue': 'Patrol overdue',
  'notices.topic.hazard_deadline_near': 'Deadline near',
  'notices.topic.rectification_rejected': 'Rectification rejected',
  'notices.topic.alert_received': 'Monitoring alert',
};

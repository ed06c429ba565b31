import {
  beijingDay,
  dueReminders,
  escalationMessages,
  type ReminderSources,
  rejectionMessages,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

// 10:00 in Beijing on 5 December.
const now = new Date('2026-12-05T02:00:00.000Z');
let counter = 0;
const nextId = () => `ID${String(++counter).padStart(24, '0')}`;
const none: ReminderSources = { filingsInReview: [], patrolsDue: [], hazardsDue: [] };

const patrol = (dueAt: string, status: 'scheduled' | 'done' = 'scheduled') => ({
  id: `P-${dueAt}`,
  unitName: '华兴冷藏',
  gridId: 'v1',
  dueAt,
  status,
});
const hazard = (
  deadline: string,
  overrides: Partial<{ overdue: boolean; status: 'open' | 'closed' }> = {},
) => ({
  id: 'H1',
  title: '配电箱未接地',
  unitId: 'U1',
  unitName: '华兴冷藏',
  gridPath: 'c/t1/v1',
  level: 'village' as const,
  status: 'open' as const,
  deadline,
  overdue: false,
  ...overrides,
});

describe('reminders', () => {
  it('reminds the next reviewer in the chain of a filing waiting for review', () => {
    const filing = {
      id: 'R1',
      name: '液氨储罐',
      unitName: '华兴冷藏',
      gridPath: 'c/t1/v1',
      reviewChain: ['township', 'county'] as ('township' | 'county')[],
      updatedAt: '2026-12-04T00:00:00.000Z',
    };
    const atTownship = dueReminders(
      { ...none, filingsInReview: [{ ...filing, status: 'submitted', reviewStep: 0 }] },
      now,
      nextId,
    );
    expect(atTownship.map((r) => [r.key.topic, r.messages.map((m) => m.recipient.id)])).toEqual([
      ['risk_point_review', ['t1']],
    ]);
    const atCounty = dueReminders(
      { ...none, filingsInReview: [{ ...filing, status: 'township_approved', reviewStep: 1 }] },
      now,
      nextId,
    );
    expect(atCounty[0]?.messages[0]?.recipient).toEqual({ kind: 'grid', id: 'c' });
  });

  it('reminds of a patrol due tomorrow in Beijing and of one overdue, but not of one due the day after', () => {
    const reminders = dueReminders(
      {
        ...none,
        patrolsDue: [
          patrol('2026-12-06T15:59:00.000Z'), // 23:59 tomorrow in Beijing
          patrol('2026-12-06T16:00:00.000Z'), // 00:00 the day after
          patrol('2026-12-05T01:00:00.000Z'), // an hour ago
          patrol('2026-12-04T01:00:00.000Z', 'done'),
        ],
      },
      now,
      nextId,
    );
    expect(reminders.map((r) => [r.key.topic, r.key.due])).toEqual([
      ['patrol_due', '2026-12-06T15:59:00.000Z'],
      ['patrol_overdue', '2026-12-05T01:00:00.000Z'],
    ]);
  });

  it('reminds the unit and the holding post of a deadline within three days, not of one further or past', () => {
    const within = dueReminders({ ...none, hazardsDue: [hazard('2026-12-08T01:00:00.000Z')] }, now, nextId);
    expect(within.map((r) => r.messages.map((m) => m.recipient))).toEqual([
      [
        { kind: 'unit', id: 'U1' },
        { kind: 'grid', id: 'v1' },
      ],
    ]);
    expect(within[0]?.messages[0]?.body).toContain('2026-12-08');
    for (const later of [
      hazard('2026-12-08T03:00:00.000Z'),
      hazard('2026-12-05T01:00:00.000Z'),
      hazard('2026-12-06T01:00:00.000Z', { overdue: true }),
      hazard('2026-12-06T01:00:00.000Z', { status: 'closed' }),
    ])
      expect(dueReminders({ ...none, hazardsDue: [later] }, now, nextId)).toEqual([]);
  });

  it('gives the same key for the same record and moment, whatever the run', () => {
    const sources = { ...none, patrolsDue: [patrol('2026-12-05T01:00:00.000Z')] };
    const later = new Date(now.getTime() + 5 * 60_000);
    expect(dueReminders(sources, later, nextId).map((r) => r.key)).toEqual(
      dueReminders(sources, now, nextId).map((r) => r.key),
    );
  });

  it('tells the unit and its village why a rectification was sent back', () => {
    const messages = rejectionMessages(hazard('2026-12-20T01:00:00.000Z'), '未提供检测报告', now, nextId);
    expect(messages.map((m) => [m.topic, m.recipient.id])).toEqual([
      ['rectification_rejected', 'U1'],
      ['rectification_rejected', 'v1'],
    ]);
    expect(messages[0]?.body).toContain('未提供检测报告');
  });

  it('dates in Beijing time', () => {
    expect(beijingDay('2026-12-05T16:30:00.000Z')).toBe('2026-12-06');
  });

  it('gives an escalation notice’s deadline as a date in Beijing, fit for an SMS', () => {
    const [message] = escalationMessages(
      { ...hazard('2026-12-07T16:30:00.000Z'), severity: 'major' },
      'township',
      'severity',
      now,
      nextId,
    );
    expect(message?.body).toBe('整改期限 2026-12-08。请登录系统查看并督促整改。');
  });
});

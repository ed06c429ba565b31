import {
  addDays,
  addWorkingDays,
  DEFAULT_SETTINGS,
  dueEscalation,
  type EscalationState,
  initialEscalation,
  raisedEscalation,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

// 10:00 on National Day: deadlines count working days from the 8th of October on.
const T0 = new Date('2026-10-01T02:00:00.000Z');
/** `n` working days after T0, the way deadlines and grace periods count. */
const wd = (n: number) => addWorkingDays(T0, n);

function fresh(severity: 'general' | 'major'): EscalationState {
  return { severity, status: 'open', ...initialEscalation(severity, T0, DEFAULT_SETTINGS, 'grid.member') };
}

describe('the escalation ladder', () => {
  it('starts a general hazard at the village with the settings’ deadline in working days', () => {
    const hazard = fresh('general');
    expect(hazard).toMatchObject({ level: 'village', escalationStep: 0, overdue: false });
    expect(hazard.deadline).toBe(wd(DEFAULT_SETTINGS.hazardDeadlineDays.general).toISOString());
    // 30 working days from National Day: the holiday week and the weekends do not count; the 调休 Saturday does.
    expect(hazard.deadline).toBe('2026-11-17T02:00:00.000Z');
    expect(hazard.escalateAt).toBe(hazard.deadline);
  });

  it('raises a major hazard to the township at once, by severity', () => {
    const hazard = fresh('major');
    expect(hazard).toMatchObject({ level: 'township', escalationStep: 1 });
    expect(hazard.escalations).toEqual([
      { at: T0.toISOString(), from: 'village', to: 'township', cause: 'severity', by: 'grid.member' },
    ]);
    expect(hazard.deadline).toBe(wd(90).toISOString());
  });

  it('does nothing before the deadline', () => {
    expect(dueEscalation(fresh('general'), addDays(wd(30), -1), DEFAULT_SETTINGS)).toBeUndefined();
  });

  it('raises a general hazard one level per passed deadline, each step with a fresh grace period', () => {
    const hazard = fresh('general');
    const first = dueEscalation(hazard, wd(30), DEFAULT_SETTINGS)!;
    expect(first).toMatchObject({ level: 'township', escalationStep: 1, overdue: true });
    expect(first.escalateAt).toBe(wd(30 + DEFAULT_SETTINGS.escalationGraceDays).toISOString());
    const atTownship = { ...hazard, ...first };
    expect(dueEscalation(atTownship, wd(31), DEFAULT_SETTINGS)).toBeUndefined();
    const second = dueEscalation(atTownship, wd(37), DEFAULT_SETTINGS)!;
    expect(second).toMatchObject({ level: 'county', escalationStep: 2 });
    expect(second.escalateAt).toBeUndefined();
    expect(second.escalations.map((s) => `${s.from}>${s.to}:${s.cause}`)).toEqual([
      'village>township:deadline',
      'township>county:deadline',
    ]);
  });

  it('takes a major hazard from the township to the county when its deadline passes, then stops', () => {
    const hazard = fresh('major');
    const step = dueEscalation(hazard, wd(90), DEFAULT_SETTINGS)!;
    expect(step).toMatchObject({ level: 'county', overdue: true });
    const atCounty = { ...hazard, ...step, escalateAt: undefined };
    expect(dueEscalation(atCounty, addDays(T0, 400), DEFAULT_SETTINGS)).toBeUndefined();
  });

  it('only marks a hazard already at the county overdue when its deadline passes', () => {
    const atCounty: EscalationState = { ...fresh('general'), level: 'county', escalationStep: 2 };
    const change = dueEscalation(atCounty, wd(30), DEFAULT_SETTINGS)!;
    expect(change).toMatchObject({ level: 'county', escalationStep: 2, overdue: true });
    expect(change.step).toBeUndefined();
    expect(change.escalateAt).toBeUndefined();
  });

  it('leaves rectified and closed hazards alone: verification is the officials’ move', () => {
    const passed = wd(60);
    expect(
      dueEscalation({ ...fresh('general'), status: 'rectified' }, passed, DEFAULT_SETTINGS),
    ).toBeUndefined();
    expect(
      dueEscalation({ ...fresh('general'), status: 'closed' }, passed, DEFAULT_SETTINGS),
    ).toBeUndefined();
  });

  it('keeps the deadline as the next due time when an officer raises a hazard early', () => {
    const hazard = fresh('general');
    const raised = raisedEscalation(hazard, addDays(T0, 3), DEFAULT_SETTINGS, 'township.officer', 'manual')!;
    expect(raised).toMatchObject({
      level: 'township',
      escalationStep: 1,
      overdue: false,
      escalateAt: hazard.deadline,
    });
  });

  it('marks a late manual escalation overdue at once', () => {
    const raised = raisedEscalation(
      fresh('general'),
      wd(31),
      DEFAULT_SETTINGS,
      'township.officer',
      'manual',
    )!;
    expect(raised).toMatchObject({ level: 'township', overdue: true });
  });

  it('takes a listed hazard straight to the county', () => {
    const raised = raisedEscalation(
      fresh('major'),
      addDays(T0, 2),
      DEFAULT_SETTINGS,
      'county.admin',
      'supervision',
    )!;
    expect(raised).toMatchObject({ level: 'county', escalationStep: 2 });
    expect(raised.step).toMatchObject({ from: 'township', to: 'county', cause: 'supervision' });
  });
});

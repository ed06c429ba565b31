import {
  addWorkingDays,
  DEFAULT_SETTINGS,
  initialEscalation,
  isWorkingDay,
  TenantSettingsSchema,
  VENDOR_HOLIDAY_CALENDARS,
  workingDaysBetween,
} from '@gridsafe/core';
import { describe, expect, it } from 'vitest';

/** 10:00 in China on a day. */
const at = (day: string) => new Date(`${day}T02:00:00.000Z`);

describe('working days by the published holiday calendar', () => {
  it('counts Monday to Friday and skips weekends in an ordinary week', () => {
    expect(addWorkingDays(at('2026-12-04'), 1).toISOString()).toBe(at('2026-12-07').toISOString());
    expect(addWorkingDays(at('2026-12-07'), 5).toISOString()).toBe(at('2026-12-14').toISOString());
  });

  it('skips the National Day holiday week and counts the 调休 Saturday worked after it', () => {
    expect(isWorkingDay('2026-10-05')).toBe(false);
    expect(isWorkingDay('2026-10-10')).toBe(true);
    expect(addWorkingDays(at('2026-09-30'), 1).toISOString()).toBe(at('2026-10-08').toISOString());
    expect(addWorkingDays(at('2026-10-09'), 1).toISOString()).toBe(at('2026-10-10').toISOString());
  });

  it('follows the State Council’s 2026 schedule: nine days of Spring Festival and both make-up Saturdays', () => {
    for (const day of ['2026-02-15', '2026-02-16', '2026-02-20', '2026-02-23'])
      expect(isWorkingDay(day)).toBe(false);
    for (const day of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
      expect(isWorkingDay(day)).toBe(true);
    expect(VENDOR_HOLIDAY_CALENDARS[2026]?.provisional).toBe(false);
  });

  it('marks 2027 provisional, with the statutory days off and no make-up days yet', () => {
    const calendar = VENDOR_HOLIDAY_CALENDARS[2027]!;
    expect(calendar.provisional).toBe(true);
    expect(calendar.workdays).toEqual([]);
    expect(isWorkingDay('2027-02-05')).toBe(false); // 除夕, a Friday
    expect(isWorkingDay('2027-02-08')).toBe(false); // 正月初三, a Monday
    expect(isWorkingDay('2027-02-09')).toBe(true);
  });

  it('lets a county add a day off and a working day of its own', () => {
    const adjustments = { extraHolidays: ['2026-12-08'], extraWorkingDays: ['2026-12-12'] };
    expect(isWorkingDay('2026-12-08', adjustments)).toBe(false);
    expect(isWorkingDay('2026-12-12', adjustments)).toBe(true);
    // Monday the 7th, then the 9th, 10th, 11th and the Saturday the county works.
    expect(addWorkingDays(at('2026-12-04'), 5, adjustments).toISOString()).toBe(
      at('2026-12-12').toISOString(),
    );
  });

  it('counts the working days between two instants so that adding and counting agree', () => {
    const from = at('2026-09-28');
    for (const n of [0, 1, 3, 10, 30]) expect(workingDaysBetween(from, addWorkingDays(from, n))).toBe(n);
    expect(workingDaysBetween(at('2026-09-30'), at('2026-10-09'))).toBe(2);
    expect(workingDaysBetween(at('2026-10-09'), at('2026-09-30'))).toBe(-2);
  });

  it('takes the China day, not the UTC one: 23:30 UTC on a Friday is already Saturday in Beijing', () => {
    // Saturday 07:30 in Beijing: the next working day is Monday, 07:30 in Beijing.
    const lateFriday = new Date('2026-12-04T23:30:00.000Z');
    expect(addWorkingDays(lateFriday, 1).toISOString()).toBe('2026-12-06T23:30:00.000Z');
  });

  it('sets a hazard’s rectification deadline in working days by the county’s settings', () => {
    const settings = {
      ...DEFAULT_SETTINGS,
      hazardDeadlineDays: { general: 3, major: 90 },
      workingCalendar: { extraHolidays: ['2026-12-07'], extraWorkingDays: [] },
    };
    const ladder = initialEscalation('general', at('2026-12-04'), settings, 'grid.member');
    expect(ladder.deadline).toBe(at('2026-12-10').toISOString());
  });

  it('refuses a county adjustment that is not a day', () => {
    const result = TenantSettingsSchema.safeParse({
      ...DEFAULT_SETTINGS,
      workingCalendar: { extraHolidays: ['2026-13-01'], extraWorkingDays: [] },
    });
    expect(result.success).toBe(false);
  });

  it('reads a county saved before the adjustments existed as having none', () => {
    const { workingCalendar: _w, ...before } = DEFAULT_SETTINGS;
    expect(TenantSettingsSchema.parse(before).workingCalendar).toEqual({
      extraHolidays: [],
      extraWorkingDays: [],
    });
  });
});

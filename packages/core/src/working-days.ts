import { VENDOR_HOLIDAY_CALENDARS } from './holiday-calendars.ts';
import { chinaDay } from './statistics.ts';

/**
 * Working days (工作日) by the vendor's holiday calendars and a county's adjustments. Days are China days (UTC+8):
 * a deadline set at 10:00 on a Friday with one working day falls at 10:00 on the Monday. Pure.
 */
export interface WorkingCalendarAdjustments {
  /** Extra days off the county declares (a local holiday, a day lost to a flood). */
  extraHolidays: readonly string[];
  /** Days the county works although the calendar says off. */
  extraWorkingDays: readonly string[];
}

export const NO_ADJUSTMENTS: WorkingCalendarAdjustments = { extraHolidays: [], extraWorkingDays: [] };

const DAY_MS = 86_400_000;

/**
 * True when `day` (`YYYY-MM-DD`) is a working day: the county's adjustments first, then the vendor's calendar of
 * its year (holidays, 调休 workdays), then Monday to Friday.
 *
 * @example
 * isWorkingDay('2026-10-10'); // true: a Saturday worked for the National Day holiday (调休)
 */
export function isWorkingDay(day: string, adjustments: WorkingCalendarAdjustments = NO_ADJUSTMENTS): boolean {
  if (adjustments.extraWorkingDays.includes(day)) return true;
  if (adjustments.extraHolidays.includes(day)) return false;
  const calendar = VENDOR_HOLIDAY_CALENDARS[Number(day.slice(0, 4))];
  if (calendar?.workdays.includes(day)) return true;
  if (calendar?.holidays.includes(day)) return false;
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The instant `days` working days after `from`, at the same time of day: counting starts the day after, and a
 * day counts when it is a working day. Zero answers `from`; a negative count goes back.
 *
 * @example
 * addWorkingDays(new Date('2026-09-30T02:00:00Z'), 1).toISOString(); // '2026-10-08T02:00:00.000Z'
 */
export function addWorkingDays(
  from: Date,
  days: number,
  adjustments: WorkingCalendarAdjustments = NO_ADJUSTMENTS,
): Date {
  const direction = days < 0 ? -1 : 1;
  let at = from.getTime();
  for (let left = Math.abs(Math.trunc(days)); left > 0; ) {
    at += direction * DAY_MS;
    if (isWorkingDay(chinaDay(new Date(at)), adjustments)) left--;
  }
  return new Date(at);
}

/**
 * How many working days lie after `from`'s day up to and including `to`'s day (negative when `to` is earlier):
 * `workingDaysBetween(from, addWorkingDays(from, n)) === n`.
 *
 * @example
 * workingDaysBetween(new Date('2026-09-30T02:00:00Z'), new Date('2026-10-09T02:00:00Z')); // 2 (8 and 9 October)
 */
export function workingDaysBetween(
  from: Date,
  to: Date,
  adjustments: WorkingCalendarAdjustments = NO_ADJUSTMENTS,
): number {
  const [start, end] = [chinaDay(from), chinaDay(to)];
  if (start === end) return 0;
  const sign = end > start ? 1 : -1;
  const [low, high] = sign > 0 ? [start, end] : [end, start];
  let count = 0;
  for (let t = Date.parse(`${low}T00:00:00Z`) + DAY_MS; t <= Date.parse(`${high}T00:00:00Z`); t += DAY_MS) {
    if (isWorkingDay(new Date(t).toISOString().slice(0, 10), adjustments)) count++;
  }
  return sign * count;
}

/** Whole calendar days from `from`'s China day to `to`'s (a listed hazard's age in the register). */
export function calendarDaysBetween(from: Date, to: Date): number {
  return Math.round(
    (Date.parse(`${chinaDay(to)}T00:00:00Z`) - Date.parse(`${chinaDay(from)}T00:00:00Z`)) / DAY_MS,
  );
}

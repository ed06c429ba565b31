/**
 * The PRC public-holiday calendars the vendor publishes, one per year: the days off (放假, weekdays and weekends
 * alike) and the weekend days worked instead (调休上班). A county adjusts them in its settings
 * (`workingCalendar`); a year the vendor has not published counts Monday to Friday.
 */
export interface HolidayCalendar {
  year: number;
  /** True until the State Council's notice for the year is out: the statutory days alone, no 调休 yet. */
  provisional: boolean;
  source: string;
  /** Days off, `YYYY-MM-DD` (China time). */
  holidays: readonly string[];
  /** Weekend days that are working days (调休上班). */
  workdays: readonly string[];
}

const range = (year: number, month: number, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => isoDate(year, month, from + i));

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 国办发明电〔2025〕7号, 国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025). */
const CALENDAR_2026: HolidayCalendar = {
  year: 2026,
  provisional: false,
  source: '国办发明电〔2025〕7号',
  holidays: [
    ...range(2026, 1, 1, 3), // 元旦
    ...range(2026, 2, 15, 23), // 春节
    ...range(2026, 4, 4, 6), // 清明节
    ...range(2026, 5, 1, 5), // 劳动节
    ...range(2026, 6, 19, 21), // 端午节
    ...range(2026, 9, 25, 27), // 中秋节
    ...range(2026, 10, 1, 7), // 国庆节
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/**
 * 2027, provisional: the statutory days of the 2024 revision of 全国年节及纪念日放假办法 (元旦 1, 春节 4 from 除夕,
 * 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) on the 2027 lunar dates, without the 调休 the State Council's notice
 * will add. The vendor replaces it when the notice is published; a county may adjust it meanwhile.
 */
const CALENDAR_2027: HolidayCalendar = {
  year: 2027,
  provisional: true,
  source: '法定假日（暂定）',
  holidays: [
    '2027-01-01', // 元旦
    ...range(2027, 2, 5, 8), // 春节: 除夕 2月5日 to 正月初三
    '2027-04-05', // 清明节
    ...range(2027, 5, 1, 2), // 劳动节
    '2027-06-09', // 端午节
    '2027-09-15', // 中秋节
    ...range(2027, 10, 1, 3), // 国庆节
  ],
  workdays: [],
};

export const VENDOR_HOLIDAY_CALENDARS: Readonly<Record<number, HolidayCalendar>> = {
  2026: CALENDAR_2026,
  2027: CALENDAR_2027,
};

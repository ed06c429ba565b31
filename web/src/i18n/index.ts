import { signal } from '@preact/signals';
import { en } from './en.ts';
import { type MessageKey, zhCN } from './zh-CN.ts';

export type { MessageKey } from './zh-CN.ts';
export type Locale = 'zh-CN' | 'en';
export type MessageParams = Record<string, string | number>;

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'gridsafe.locale';
/** Counties work in Beijing time whatever the device says (phones bought elsewhere, browsers set to UTC). */
export const TIME_ZONE = 'Asia/Shanghai';

function initialLocale(): Locale {
  // Chinese first: English only when the person chose it on this device.
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

export const locale = signal<Locale>(initialLocale());
document.documentElement.lang = locale.value;

export function setLocale(next: Locale): void {
  locale.value = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The message for `key` in the current locale, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: MessageParams): string {
  const template = CATALOGUES[locale.value][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zhCN, key);
}

/** A label for a code the API sends (`role.<id>`, `level.township`); unknown codes are shown as they are. */
export function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return isMessageKey(key) ? t(key) : code;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
function dateTimeFormat(kind: 'datetime' | 'date'): Intl.DateTimeFormat {
  const cacheKey = `${locale.value}:${kind}`;
  let format = dateTimeFormats.get(cacheKey);
  if (!format) {
    format = new Intl.DateTimeFormat(locale.value, {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(kind === 'datetime' ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : {}),
    });
    dateTimeFormats.set(cacheKey, format);
  }
  return format;
}

/** An ISO time as Beijing wall-clock time, e.g. 2026/03/05 14:07. */
export function formatDateTime(iso: string | number | undefined): string {
  if (iso === undefined || iso === '') return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat('datetime').format(date);
}

export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat('date').format(date);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale.value).format(value);
}

export function formatPercent(part: number, total: number): string {
  if (total === 0) return '–';
  return new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 1 }).format(
    part / total,
  );
}

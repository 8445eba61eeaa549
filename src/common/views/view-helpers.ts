import type { HelperOptions } from 'handlebars';
import { isLocale, translate, type Locale } from '../../i18n/i18n';
import { formatMinor } from '../money/money';

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

function localeOf(options: HelperOptions): Locale {
  const root = (options?.data as { root?: { locale?: unknown } } | undefined)?.root;
  return isLocale(root?.locale) ? root.locale : 'zh-CN';
}

/** Formats an instant in Asia/Shanghai: "2026-11-23 17:05" (+ " CST" for clarity on English pages). */
export function formatDateTime(value: Date | string | null | undefined, locale: Locale = 'zh-CN'): string {
  if (!value) return '';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const text = `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
  return locale === 'en' ? `${text} (UTC+8)` : text;
}

export function formatDate(value: Date | string | null | undefined): string {
  return formatDateTime(value, 'zh-CN').slice(0, 10);
}

/**
 * A quantity with the locale's digit grouping ("20,000", "2,400.5"); anything not a finite
 * number is shown as it came. Money is not a quantity: it goes through `money`.
 */
export function formatQuantity(value: unknown, locale: Locale = 'zh-CN'): string {
  if (value === null || value === undefined || value === '') return '';
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 6 }).format(n);
}

/** Handlebars helpers: every UI string comes from translation files through `t`. */
export function viewHelpers(): Record<string, (...args: never[]) => unknown> {
  return {
    /** {{t "key" name=value}} or {{t key paramsObject}} (stored notification parameters). */
    t(key: unknown, ...rest: unknown[]) {
      const options = rest.pop() as HelperOptions;
      if (typeof key !== 'string' || key === '') return '';
      const params = rest[0] && typeof rest[0] === 'object' ? (rest[0] as Record<string, unknown>) : {};
      return translate(localeOf(options), key, { ...params, ...(options.hash ?? {}) });
    },
    /** Picks the `<field>Zh` / `<field>En` property for the current locale, falling back to Chinese. */
    l10n(record: Record<string, unknown> | undefined, field: string, options: HelperOptions) {
      if (!record) return '';
      const zh = record[`${field}Zh`];
      const en = record[`${field}En`];
      return localeOf(options) === 'en' && en ? en : (zh ?? en ?? '');
    },
    money(minor: number | null | undefined) {
      return minor === null || minor === undefined ? '' : formatMinor(Number(minor));
    },
    /** {{formatNumber quantity}}: a quantity with thousands separators for the page's locale. */
    formatNumber(value: unknown, options: HelperOptions) {
      return formatQuantity(value, localeOf(options));
    },
    datetime(value: Date | string, options: HelperOptions) {
      return formatDateTime(value, localeOf(options));
    },
    date(value: Date | string) {
      return formatDate(value);
    },
    eq(a: unknown, b: unknown) {
      return a === b;
    },
    ne(a: unknown, b: unknown) {
      return a !== b;
    },
    and(...args: unknown[]) {
      return args.slice(0, -1).every(Boolean);
    },
    or(...args: unknown[]) {
      return args.slice(0, -1).some(Boolean);
    },
    not(a: unknown) {
      return !a;
    },
    includes(list: unknown, value: unknown) {
      return Array.isArray(list) && list.map(String).includes(String(value));
    },
    add(a: number, b: number) {
      return Number(a) + Number(b);
    },
    /** First field message for `name` from the `errors` map in the view context. */
    fieldError(name: string, options: HelperOptions) {
      const errors = (options.data as { root?: { errors?: Record<string, string[]> } } | undefined)?.root?.errors;
      return errors?.[name]?.[0] ?? '';
    },
    value(name: string, options: HelperOptions) {
      const values = (options.data as { root?: { values?: Record<string, unknown> } } | undefined)?.root?.values;
      const v = values?.[name];
      return v === undefined || v === null ? '' : v;
    },
    json(value: unknown) {
      return JSON.stringify(value);
    },
    year() {
      return new Date().getFullYear();
    },
  };
}

/**
 * An optional inclusive date range from a query string (YYYY-MM-DD, real calendar dates between
 * 2000 and 2100, from ≤ to), read as whole days in Asia/Shanghai. Empty fields mean "open".
 * Errors name the field and an i18n key; pure, shared by the ledger journal and the audit log.
 */
export interface DateRange {
  from?: string;
  to?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 2000 && y <= 2100;
}

/** The first value of a query parameter, trimmed ('' when absent or not text). */
export function queryText(raw: unknown): string {
  const v: unknown = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  return typeof v === 'string' ? v.trim() : '';
}

export function parseDateRange(rawFrom: unknown, rawTo: unknown): { range: DateRange; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const range: DateRange = {};
  const from = queryText(rawFrom);
  const to = queryText(rawTo);
  if (from) {
    if (isCalendarDate(from)) range.from = from;
    else errors.from = 'records.validation.date';
  }
  if (to) {
    if (isCalendarDate(to)) range.to = to;
    else errors.to = 'records.validation.date';
  }
  if (range.from && range.to && range.from > range.to) errors.to = 'records.validation.range';
  return { range, errors };
}

/**
 * SQL bounds of the range on a timestamptz column: `[from 00:00, to + 1 day 00:00)` in
 * Asia/Shanghai, as ISO instants (+08:00, no daylight saving) the database compares exactly.
 */
export function rangeBounds(range: DateRange): { fromAt?: string; beforeAt?: string } {
  const out: { fromAt?: string; beforeAt?: string } = {};
  if (range.from) out.fromAt = `${range.from}T00:00:00+08:00`;
  if (range.to) {
    const [y, m, d] = range.to.split('-').map(Number);
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    out.beforeAt = `${next.toISOString().slice(0, 10)}T00:00:00+08:00`;
  }
  return out;
}

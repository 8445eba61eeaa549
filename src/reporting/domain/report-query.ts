import { isUuid } from '../../common/validation/uuid';

/**
 * The filter of the dashboards' exports, read from a query string: an optional fund (uuid) and
 * an optional inclusive date range (YYYY-MM-DD, real calendar dates, from ≤ to). Empty fields
 * mean "all". Errors name the field and an i18n key.
 */
export interface ReportQuery {
  fundId?: string;
  from?: string;
  to?: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]) && Number(m[1]) >= 2000 && Number(m[1]) <= 2100;
}

function one(raw: unknown): string {
  const v: unknown = Array.isArray(raw) ? (raw as unknown[])[0] : raw;
  return typeof v === 'string' ? v.trim() : '';
}

export function parseReportQuery(raw: Record<string, unknown>): { query: ReportQuery; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const query: ReportQuery = {};
  const fundId = one(raw.fundId);
  const from = one(raw.from);
  const to = one(raw.to);
  if (fundId) {
    if (isUuid(fundId)) query.fundId = fundId.toLowerCase();
    else errors.fundId = 'reporting.validation.fund';
  }
  if (from) {
    if (isCalendarDate(from)) query.from = from;
    else errors.from = 'reporting.validation.date';
  }
  if (to) {
    if (isCalendarDate(to)) query.to = to;
    else errors.to = 'reporting.validation.date';
  }
  if (query.from && query.to && query.from > query.to) errors.to = 'reporting.validation.range';
  return { query, errors };
}

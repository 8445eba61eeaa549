/**
 * Asia/Shanghai local dates and times (UTC+8 all year, no daylight saving). Pure: instants are
 * JS Dates, local dates are 'YYYY-MM-DD', local date-times 'YYYY-MM-DDTHH:MM' (the value of an
 * <input type="datetime-local">).
 */
export const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = LOCAL_DATE.exec(value);
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The instant a Shanghai wall-clock time denotes, or null when malformed. */
export function parseLocalDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match) return null;
  const [y, m, d, hh, mm, ss] = match.slice(1).map((p) => Number(p ?? 0));
  if (!isLocalDate(`${match[1]}-${match[2]}-${match[3]}`) || hh > 23 || mm > 59 || ss > 59) return null;
  return new Date(Date.UTC(y, m - 1, d, hh, mm, ss) - SHANGHAI_OFFSET_MS);
}

/** The Shanghai calendar date of an instant. */
export function localDateOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DDTHH:MM' in Shanghai, for a datetime-local input. */
export function localDateTimeOf(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** 'YYYY-MM-DD HH:MM' in Shanghai, for explanations. */
export function formatLocal(instant: Date): string {
  return localDateTimeOf(instant).replace('T', ' ');
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The same calendar date `years` later (29 February becomes 28 February). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The instant at the same Shanghai wall-clock time as `instant`, on `date`. */
export function atSameLocalTime(instant: Date, date: string): Date {
  const time = localDateTimeOf(new Date(instant.getTime())).slice(11);
  const seconds = new Date(instant.getTime() + SHANGHAI_OFFSET_MS).getUTCSeconds();
  const ms = new Date(instant.getTime()).getUTCMilliseconds();
  return new Date(Date.parse(`${date}T${time}:00Z`) - SHANGHAI_OFFSET_MS + seconds * 1000 + ms);
}

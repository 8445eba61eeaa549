/**
 * Conflicts of interest between evaluators and organisations (pure: no framework imports).
 *
 * An evaluator may not score an organisation's bid or milestone when a declared relationship
 * between them overlaps the three years before the draw (`asOf`): the relationship is still
 * open, or it ended on or after the same calendar day three years earlier. Days are calendar
 * days in China (Asia/Shanghai), the bureau's time zone. A relationship that starts after
 * `asOf` (an accepted job offer, a board seat to come) counts as well: a tie the evaluator has
 * already declared is a conflict whether it has begun or not.
 */
export const CONFLICT_LOOKBACK_YEARS = 3;
export const CONFLICT_TIME_ZONE = 'Asia/Shanghai';

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (2025-02-30 is not). */
export function isCalendarDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The calendar date of an instant in `timeZone` (Asia/Shanghai unless told). */
export function calendarDate(instant: Date, timeZone: string = CONFLICT_TIME_ZONE): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The same day `years` later (negative: earlier); 29 February becomes 28 February in other years. */
export function addYears(date: IsoDate, years: number): IsoDate {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`addYears: "${date}" is not a YYYY-MM-DD date`);
  const [year, month, day] = match.slice(1).map(Number);
  const target = year + years;
  const clamped = Math.min(day, daysInMonth(target, month));
  return `${String(target).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(clamped).padStart(2, '0')}`;
}

/** The same day `years` earlier; 29 February falls back to 28 February (the longer window). */
export function yearsBefore(date: IsoDate, years: number): IsoDate {
  return addYears(date, -years);
}

/** The first day of the window: relationships ended on or after it are conflicts at `asOf`. */
export function conflictWindowStart(asOf: Date): IsoDate {
  return yearsBefore(calendarDate(asOf), CONFLICT_LOOKBACK_YEARS);
}

/** Whether a declared relationship makes the evaluator conflicted at `asOf`. */
export function isConflicting(relationship: { endedOn: IsoDate | null }, asOf: Date): boolean {
  // ISO dates compare correctly as strings.
  return relationship.endedOn === null || relationship.endedOn >= conflictWindowStart(asOf);
}

/** The last day on which a relationship that ended on `endedOn` still counts as a conflict. */
export function lastConflictDay(endedOn: IsoDate): IsoDate {
  return addYears(endedOn, CONFLICT_LOOKBACK_YEARS);
}

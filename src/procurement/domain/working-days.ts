import { addDays, atSameLocalTime, localDateOf, weekdayOf } from './local-time';

/**
 * Working days in the Chinese public calendar: Monday to Friday unless a public holiday;
 * Saturday or Sunday only when it is a make-up working day (调休上班). Dates are Asia/Shanghai
 * local dates. Pure: the calendar (the `calendar_days` table) is passed in.
 */
export type PeriodUnit = 'calendar_days' | 'working_days';
export const PERIOD_UNITS: readonly PeriodUnit[] = ['calendar_days', 'working_days'];

export type CalendarDayKind = 'holiday' | 'workday';

export interface CalendarDay {
  /** YYYY-MM-DD. */
  day: string;
  kind: CalendarDayKind;
  nameZh: string;
  nameEn: string;
}

export type WorkingCalendar = ReadonlyMap<string, CalendarDay>;

export function calendarOf(days: readonly CalendarDay[]): WorkingCalendar {
  return new Map(days.map((d) => [d.day, d]));
}

export function isWeekend(date: string): boolean {
  const wd = weekdayOf(date);
  return wd === 0 || wd === 6;
}

export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  const entry = calendar.get(date);
  if (entry?.kind === 'holiday') return false;
  if (entry?.kind === 'workday') return true;
  return !isWeekend(date);
}

/** A day passed over (weekend, holiday) or counted although it is a weekend (make-up working day). */
export interface DayNote {
  date: string;
  reason: 'weekend' | 'holiday' | 'make_up_workday';
  nameZh?: string;
  nameEn?: string;
}

/** Why a deadline can be no earlier than it is; stored with the project (jsonb) and shown on every notice. */
export interface DeadlineExplanation {
  /** What the period counts from. */
  basis: 'publication' | 'amendment';
  /** ISO instant the period counts from. */
  from: string;
  minPeriod: number;
  unit: PeriodUnit;
  /** ISO instant: the earliest allowed deadline. */
  earliest: string;
  /** Working days counted, in order (working-day periods only). */
  counted: string[];
  /** Days passed over: weekends and public holidays. */
  skipped: DayNote[];
  /** Weekend days that counted because they are make-up working days (调休). */
  makeUpDays: DayNote[];
}

function noteFor(date: string, calendar: WorkingCalendar, counted: boolean): DayNote {
  const entry = calendar.get(date);
  if (counted) return { date, reason: 'make_up_workday', nameZh: entry?.nameZh, nameEn: entry?.nameEn };
  if (entry?.kind === 'holiday') return { date, reason: 'holiday', nameZh: entry.nameZh, nameEn: entry.nameEn };
  return { date, reason: 'weekend' };
}

/**
 * The earliest deadline allowed `minPeriod` days (calendar or working) after `from`.
 * Calendar days: the same time of day, `minPeriod` days later. Working days: counting starts the
 * day after `from`; the deadline may fall at the same time of day on the last working day counted.
 */
export function earliestDeadline(
  from: Date,
  minPeriod: number,
  unit: PeriodUnit,
  calendar: WorkingCalendar,
  basis: DeadlineExplanation['basis'] = 'publication',
): { earliest: Date; explanation: DeadlineExplanation } {
  if (!Number.isInteger(minPeriod) || minPeriod < 0) throw new RangeError(`minPeriod must be a non-negative integer, got ${minPeriod}`);
  const explanation: DeadlineExplanation = { basis, from: from.toISOString(), minPeriod, unit, earliest: '', counted: [], skipped: [], makeUpDays: [] };
  let earliest: Date;
  if (unit === 'calendar_days' || minPeriod === 0) {
    earliest = new Date(from.getTime() + minPeriod * 86_400_000);
  } else {
    let date = localDateOf(from);
    // A bounded walk: no real calendar has a year without working days.
    for (let guard = 0; explanation.counted.length < minPeriod; guard++) {
      if (guard > 3660) throw new RangeError('the calendar has no working days ahead');
      date = addDays(date, 1);
      if (isWorkingDay(date, calendar)) {
        explanation.counted.push(date);
        if (isWeekend(date)) explanation.makeUpDays.push(noteFor(date, calendar, true));
      } else {
        explanation.skipped.push(noteFor(date, calendar, false));
      }
    }
    earliest = atSameLocalTime(from, explanation.counted[explanation.counted.length - 1]);
  }
  explanation.earliest = earliest.toISOString();
  return { earliest, explanation };
}

/** How long is left from `from` to `deadline` is at least the period: the deadline is not before the earliest. */
export function allowsPeriod(from: Date, deadline: Date, minPeriod: number, unit: PeriodUnit, calendar: WorkingCalendar): boolean {
  return deadline.getTime() >= earliestDeadline(from, minPeriod, unit, calendar).earliest.getTime();
}

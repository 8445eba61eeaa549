import { DomainError } from '../../common/errors/domain.error';
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

/**
 * The entries (holidays, make-up working days) and the years whose arrangement has been entered
 * (the State Council's notice for that year). A date in any other year cannot be classified:
 * a weekday might be Spring Festival. No silent years.
 */
export interface WorkingCalendar extends ReadonlyMap<string, CalendarDay> {
  readonly years: ReadonlySet<number>;
}

class Calendar extends Map<string, CalendarDay> implements WorkingCalendar {
  constructor(
    days: readonly CalendarDay[],
    readonly years: ReadonlySet<number>,
  ) {
    super(days.map((d) => [d.day, d]));
  }
}

/** A calendar of these entries; the entered years default to the years the entries fall in. */
export function calendarOf(days: readonly CalendarDay[], years?: Iterable<number>): WorkingCalendar {
  return new Calendar(days, new Set(years ?? days.map((d) => Number(d.day.slice(0, 4)))));
}

/** A period reaches a year whose holiday arrangement nobody has entered: refused, naming the year. */
export class CalendarYearMissingError extends DomainError {
  constructor(readonly year: number) {
    super(
      'PROCUREMENT.CALENDAR_YEAR_MISSING',
      `The holiday arrangement for ${year} has not been entered; no period reaching ${year} can be computed until an admin enters it on the calendar page`,
      'rule',
      undefined,
      'procurement.errors.calendarYearMissing',
      { year },
    );
  }
}

export function assertYearEntered(date: string, calendar: WorkingCalendar): void {
  const year = Number(date.slice(0, 4));
  if (!calendar.years.has(year)) throw new CalendarYearMissingError(year);
}

export function isWeekend(date: string): boolean {
  const wd = weekdayOf(date);
  return wd === 0 || wd === 6;
}

export function isWorkingDay(date: string, calendar: WorkingCalendar): boolean {
  assertYearEntered(date, calendar);
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
  /**
   * Calendar-day periods: the rest days the period's last day fell on, in order, so that the
   * period ends on the next working day instead (民法典 第二百零三条). Absent in explanations stored
   * before the rule.
   */
  rolledOver?: DayNote[];
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
  if (minPeriod === 0) {
    earliest = from;
  } else if (unit === 'calendar_days') {
    // 《民法典》第二百零三条：期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
    // A rest day (weekend not made up, public holiday) as the last day moves the end to the next working day.
    const plain = new Date(from.getTime() + minPeriod * 86_400_000);
    const rolledOver: DayNote[] = [];
    let day = localDateOf(plain);
    while (!isWorkingDay(day, calendar)) {
      if (rolledOver.length > 366) throw new RangeError('the calendar has no working days ahead');
      rolledOver.push(noteFor(day, calendar, false));
      day = addDays(day, 1);
    }
    earliest = rolledOver.length ? atSameLocalTime(plain, day) : plain;
    if (rolledOver.length) explanation.rolledOver = rolledOver;
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

/** The first working day on or after `date` (a deadline or an opening must fall on one). */
export function nextWorkingDay(date: string, calendar: WorkingCalendar): string {
  let day = date;
  for (let guard = 0; !isWorkingDay(day, calendar); guard++) {
    if (guard > 366) throw new RangeError('the calendar has no working days ahead');
    day = addDays(day, 1);
  }
  return day;
}

/**
 * A bid deadline (which is also the opening) is set on a working day: bidders deliver and the
 * opening is held by staff at work (财政部令第87号 第四十条: 开标应当在招标文件确定的提交投标文件截止时间的同一时间进行).
 * Returns the rest day it falls on, or null when it is a working day.
 */
export function restDayOf(instant: Date, calendar: WorkingCalendar): string | null {
  const day = localDateOf(instant);
  return isWorkingDay(day, calendar) ? null : day;
}

/** How long is left from `from` to `deadline` is at least the period: the deadline is not before the earliest. */
export function allowsPeriod(from: Date, deadline: Date, minPeriod: number, unit: PeriodUnit, calendar: WorkingCalendar): boolean {
  return deadline.getTime() >= earliestDeadline(from, minPeriod, unit, calendar).earliest.getTime();
}

import { addYears, isLocalDate, localDateOf } from './local-time';
import { MethodRule } from './method-rules';
import { Problems, addProblem, charLength, text } from './problems';
import { CalendarYearMissingError, DeadlineExplanation, WorkingCalendar, earliestDeadline, restDayOf } from './working-days';

/**
 * The service period and the bidding timetable. Pure.
 */
export const NORMAL_SERVICE_YEARS = 1;
export const MAX_SERVICE_YEARS = 3;

export interface ServicePeriodCheck {
  start: string | null;
  end: string | null;
  justification: string | null;
  problems: Problems;
}

/**
 * At most one year; up to three with a written justification (a multi-year purchase of services
 * must say why, 财综〔2014〕96号 / 政府购买服务管理办法第二十四条).
 */
export function checkServicePeriod(rawStart: unknown, rawEnd: unknown, rawJustification: unknown): ServicePeriodCheck {
  const problems: Problems = {};
  const start = text(rawStart);
  const end = text(rawEnd);
  const justification = text(rawJustification);
  if (!isLocalDate(start)) addProblem(problems, 'serviceStart', 'date');
  if (!isLocalDate(end)) addProblem(problems, 'serviceEnd', 'date');
  if (isLocalDate(start) && isLocalDate(end)) {
    if (end <= start) addProblem(problems, 'serviceEnd', 'serviceEndBeforeStart');
    else if (end > addYears(start, MAX_SERVICE_YEARS)) addProblem(problems, 'serviceEnd', 'serviceTooLong', { max: MAX_SERVICE_YEARS });
    else if (end > addYears(start, NORMAL_SERVICE_YEARS) && charLength(justification) < 10) {
      addProblem(problems, 'longPeriodJustification', 'justificationRequired');
    }
  }
  if (charLength(justification) > 2000) addProblem(problems, 'longPeriodJustification', 'textLength', { min: 10, max: 2000 });
  const valid = !problems.serviceStart && !problems.serviceEnd;
  const long = valid && end > addYears(start, NORMAL_SERVICE_YEARS);
  return { start: valid ? start : null, end: valid ? end : null, justification: long && justification ? justification : null, problems };
}

export interface TimetableCheck {
  questionDeadline: Date | null;
  bidDeadline: Date | null;
  explanation: DeadlineExplanation | null;
  problems: Problems;
}

/**
 * Questions close after publication and no later than the bid deadline; the bid deadline (=
 * opening time) is at least the method's minimum period after `publishedAt`, counted with the
 * working-day calendar, and falls on a working day (it is also the opening). A period reaching a
 * year whose holidays are not entered is refused on the field, naming the year. The explanation
 * says how the earliest deadline was found.
 */
export function checkTimetable(
  input: { questionDeadline: Date | null; bidDeadline: Date | null; serviceStart: string | null },
  publishedAt: Date,
  rule: Pick<MethodRule, 'minPeriod' | 'periodUnit'>,
  calendar: WorkingCalendar,
): TimetableCheck {
  const problems: Problems = {};
  const { questionDeadline, bidDeadline } = input;
  let explanation: DeadlineExplanation | null = null;
  try {
    const found = earliestDeadline(publishedAt, rule.minPeriod, rule.periodUnit, calendar);
    explanation = found.explanation;
    if (!bidDeadline) addProblem(problems, 'bidDeadline', 'dateTime');
    else if (bidDeadline.getTime() < found.earliest.getTime()) {
      addProblem(problems, 'bidDeadline', 'deadlineTooEarly', { explanation });
    } else if (restDayOf(bidDeadline, calendar)) {
      addProblem(problems, 'bidDeadline', 'deadlineOnRestDay', { date: localDateOf(bidDeadline) });
    } else if (input.serviceStart && localDateOf(bidDeadline) >= input.serviceStart) {
      addProblem(problems, 'serviceStart', 'serviceStartsBeforeAward', { deadline: localDateOf(bidDeadline) });
    }
  } catch (error) {
    if (!(error instanceof CalendarYearMissingError)) throw error;
    addProblem(problems, 'bidDeadline', 'calendarYearMissing', { year: error.year });
  }
  if (!questionDeadline) addProblem(problems, 'questionDeadline', 'dateTime');
  else if (questionDeadline.getTime() <= publishedAt.getTime()) addProblem(problems, 'questionDeadline', 'questionDeadlineBeforePublication');
  else if (bidDeadline && questionDeadline.getTime() > bidDeadline.getTime()) addProblem(problems, 'questionDeadline', 'questionDeadlineAfterBidDeadline');
  return { questionDeadline, bidDeadline, explanation, problems };
}

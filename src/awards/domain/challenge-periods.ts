import { addDays, localDateOf, parseLocalDateTime } from '../../procurement/domain/local-time';
import { WorkingCalendar } from '../../procurement/domain/working-days';
import { PeriodExplanation, PeriodStart, lastDayOf, workingDayPeriod } from './working-day-period';

/**
 * When a challenge (质疑) may be filed. Pure: the calendar is passed in.
 *
 * 《政府采购法》第五十二条: a supplier may challenge within 7 working days of the day it knew or
 * should have known that its rights were harmed; counting starts on the next working day.
 * 《政府采购法实施条例》第五十三条 says when a supplier "should know" (应知其权益受到损害之日):
 *   (一) against the procurement documents: the day it received them, or the day their notice
 *        period expired (documents handed out through a public notice);
 *   (二) against the procurement process: the day the procedural step ended;
 *   (三) against the result: the day the award notice period expired.
 * 《政府采购货物和服务招标投标管理办法》(财政部令第87号) 第六十九条: the award notice is published
 * for 1 working day. 财政部令第87号 第十六条: the tender documents are provided for at least 5
 * working days from the day they are first issued (their notice period).
 *
 * Every period here closes at 24:00 Asia/Shanghai of its last working day (working-day-period.ts).
 */
export interface ChallengePeriodOptions {
  /** Working days the award notice stays up before the supplier "should know" (87号令 第六十九条: 1). */
  noticeWorkingDays: number;
  /** Working days to challenge (政府采购法 第五十二条: 7). */
  challengeWorkingDays: number;
}

export const STATUTORY_CHALLENGE_WORKING_DAYS = 7;
export const STATUTORY_AWARD_NOTICE_WORKING_DAYS = 1;
export const STATUTORY_DOCUMENTS_NOTICE_WORKING_DAYS = 5;

export interface ChallengePeriod {
  /** The instant the period closes (24:00 Shanghai of its last day). */
  endsAt: Date;
  /** The instant the supplier "should know" (the close of the day the period counts from). */
  knowsAt: Date;
  explanation: PeriodExplanation;
}

/** N working days counted from the day after `lastDay` (a Shanghai date), to the close of the last one. */
function periodAfterDay(lastDay: string, workingDays: number, calendar: WorkingCalendar, kind: PeriodExplanation['kind'], start: PeriodStart): ChallengePeriod {
  // Noon of `lastDay`: workingDayPeriod counts from the next day, whatever the hour.
  const period = workingDayPeriod(parseLocalDateTime(`${lastDay}T12:00`)!, workingDays, calendar, kind);
  return { endsAt: period.endsAt, knowsAt: new Date(start.endsAt), explanation: { ...period.explanation, from: start.endsAt, start } };
}

/** A period of `days` working days counted from `from`, as the start of a challenge period. */
function noticePeriod(from: Date, days: number, calendar: WorkingCalendar, basis: PeriodStart['basis']): PeriodStart {
  const notice = workingDayPeriod(from, days, calendar, 'challenge_period');
  return { basis, from: from.toISOString(), workingDays: days, lastDay: lastDayOf(notice.explanation), endsAt: notice.endsAt.toISOString(), count: notice.explanation.count };
}

/**
 * The result challenge period with its explanation: the award notice period (1 working day from
 * the day after publication) expires, then 7 working days count from the next working day.
 * Notice published 2026-09-30: the notice period ends at the close of 2026-10-08 (10-01..07 are
 * 国庆), the challenge period runs 10-09, 10-10 (调休), 10-12 … 10-16 and closes at 2026-10-17
 * 00:00 Shanghai.
 */
export function resultChallengePeriod(noticePublishedAt: Date, calendar: WorkingCalendar, options: ChallengePeriodOptions): ChallengePeriod {
  checkDays(options.noticeWorkingDays, options.challengeWorkingDays);
  const start = noticePeriod(noticePublishedAt, options.noticeWorkingDays, calendar, 'award_notice');
  return periodAfterDay(start.lastDay, options.challengeWorkingDays, calendar, 'challenge_period', start);
}

/** The instant the result challenge period closes (24:00 Asia/Shanghai of its last working day). */
export function resultChallengeEndsAt(noticePublishedAt: Date, calendar: WorkingCalendar, options: ChallengePeriodOptions): Date {
  return resultChallengePeriod(noticePublishedAt, calendar, options).endsAt;
}

/**
 * Against the procurement documents (实施条例 第五十三条(一)): from the day the supplier received
 * them when that is known, otherwise from the day their notice period (5 working days from
 * publication, 87号令 第十六条) expired; then 7 working days.
 */
export function documentsChallengePeriod(
  input: { publishedAt: Date; receivedAt?: Date | null },
  calendar: WorkingCalendar,
  options: { documentsNoticeWorkingDays: number; challengeWorkingDays: number },
): ChallengePeriod {
  checkDays(options.documentsNoticeWorkingDays, options.challengeWorkingDays);
  if (input.receivedAt) {
    const start = dayStart(input.receivedAt, 'documents_received');
    return periodAfterDay(start.lastDay, options.challengeWorkingDays, calendar, 'documents_challenge', start);
  }
  const start = noticePeriod(input.publishedAt, options.documentsNoticeWorkingDays, calendar, 'documents_notice');
  return periodAfterDay(start.lastDay, options.challengeWorkingDays, calendar, 'documents_challenge', start);
}

/** Against a procedural step (实施条例 第五十三条(二)): 7 working days from the day after the step ended. */
export function procedureChallengePeriod(stepEndedAt: Date, calendar: WorkingCalendar, options: { challengeWorkingDays: number }): ChallengePeriod {
  checkDays(options.challengeWorkingDays);
  const start = dayStart(stepEndedAt, 'step_ended');
  return periodAfterDay(start.lastDay, options.challengeWorkingDays, calendar, 'procedure_challenge', start);
}

function checkDays(...days: number[]): void {
  for (const d of days) if (!Number.isInteger(d) || d < 1) throw new RangeError(`a period needs at least one working day, got ${d}`);
}

/** The supplier knows on the (Shanghai) day of `instant`: that day is the start, counting begins the next. */
function dayStart(instant: Date, basis: PeriodStart['basis']): PeriodStart {
  const lastDay = localDateOf(instant);
  return { basis, from: instant.toISOString(), workingDays: 0, lastDay, endsAt: parseLocalDateTime(`${addDays(lastDay, 1)}T00:00`)!.toISOString(), count: null };
}

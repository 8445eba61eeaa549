import { ChallengePeriod } from '../../awards/domain/challenge-periods';
import { PeriodExplanation, PeriodStart, hasEnded, lastDayOf, workingDayPeriod } from '../../awards/domain/working-day-period';
import { addDays, parseLocalDateTime } from '../../procurement/domain/local-time';
import { WorkingCalendar } from '../../procurement/domain/working-days';

/**
 * Complaints (投诉) to the finance department. Pure: the clock and the calendar are passed in.
 *
 * 《政府采购法》第五十五条 (财政部令第94号 第十七条): a supplier dissatisfied with the answer to its
 * challenge, or whose challenge was not answered within the answer period (7 working days,
 * 第五十三条), may complain within 15 working days after the answer period expires. Only the
 * supplier that challenged may complain, on the matters it challenged (第九十四号令 第十九条、
 * 第二十条). The finance department decides within 30 working days of receiving it (第二十六条)
 * and may suspend the procurement meanwhile, for at most 30 days (第二十八条). An upheld complaint
 * has a consequence (第三十一条、第三十二条); the decision is published (第三十六条).
 *
 * Choice where the law is silent: the 15 working days count from the day after the LAST DAY of
 * the answer period, whether the answer came early, late or not at all (the law's 答复期满后).
 */
export const COMPLAINT_WORKING_DAYS = 15;
export const DECISION_WORKING_DAYS = 30;
export const SUSPENSION_MAX_DAYS = 30;

export const COMPLAINT_DECISIONS = ['dismiss', 'uphold'] as const;
/**
 * What an upheld complaint orders (财政部令第94号 第三十一条、第三十二条):
 * correct_and_continue: 责令改正后继续开展采购活动; redetermine_award: 另行确定中标、成交供应商;
 * restart_procurement: 责令重新开展采购活动; award_void: 认定中标、成交结果无效.
 */
export const COMPLAINT_CONSEQUENCES = ['correct_and_continue', 'redetermine_award', 'restart_procurement', 'award_void'] as const;
export type ComplaintConsequence = (typeof COMPLAINT_CONSEQUENCES)[number];
export type ComplaintStatus = 'received' | 'dismissed' | 'upheld';

export const TEXT_MIN = 10;
export const TEXT_MAX = 20_000;

export interface ChallengeFacts {
  status: 'open' | 'upheld' | 'dismissed';
  answerDueAt: Date;
  /** The answer period's explanation (its last counted day). */
  answerDueExplanation: PeriodExplanation;
}

/** 15 working days from the day after the last day of the challenge's answer period, to the close of the last. */
export function complaintPeriod(challenge: Pick<ChallengeFacts, 'answerDueAt' | 'answerDueExplanation'>, calendar: WorkingCalendar, workingDays = COMPLAINT_WORKING_DAYS): ChallengePeriod {
  const lastDay = lastDayOf(challenge.answerDueExplanation);
  const start: PeriodStart = {
    basis: 'answer_period',
    from: challenge.answerDueAt.toISOString(),
    workingDays: challenge.answerDueExplanation.workingDays,
    lastDay,
    endsAt: parseLocalDateTime(`${addDays(lastDay, 1)}T00:00`)!.toISOString(),
    count: null,
  };
  const period = workingDayPeriod(parseLocalDateTime(`${lastDay}T12:00`)!, workingDays, calendar, 'complaint_period');
  return { endsAt: period.endsAt, knowsAt: new Date(start.endsAt), explanation: { ...period.explanation, from: start.endsAt, start } };
}

export type ComplaintWindow = { ok: true } | { ok: false; reason: 'not_yet' | 'ended' };

/**
 * May the challenger complain at `now`? Once the challenge is answered (any time before the
 * period ends), or once the answer period has passed with no answer; not after the period.
 */
export function complaintWindow(now: Date, challenge: Pick<ChallengeFacts, 'status' | 'answerDueAt'>, periodEndsAt: Date): ComplaintWindow {
  if (hasEnded(now, periodEndsAt)) return { ok: false, reason: 'ended' };
  if (challenge.status === 'open' && !hasEnded(now, challenge.answerDueAt)) return { ok: false, reason: 'not_yet' };
  return { ok: true };
}

export type TextProblem = { field: string; key: 'textLength'; params: { min: number; max: number } } | { field: string; key: 'choose' };

function length(value: string): number {
  return Array.from(value).length;
}

export function checkText(field: string, value: string): TextProblem[] {
  const n = length(value.trim());
  return n < TEXT_MIN || n > TEXT_MAX ? [{ field, key: 'textLength', params: { min: TEXT_MIN, max: TEXT_MAX } }] : [];
}

export interface CheckedDecision {
  status: Exclude<ComplaintStatus, 'received'>;
  consequence: ComplaintConsequence | null;
  decision: string;
}

/** The finance department's decision: dismissed, or upheld with its consequence; the text is published. */
export function checkDecision(input: { decision: string; consequence?: string | null; text: string }): { decision: CheckedDecision | null; problems: TextProblem[] } {
  const problems: TextProblem[] = [];
  const choice = (COMPLAINT_DECISIONS as readonly string[]).includes(input.decision) ? input.decision : null;
  if (!choice) problems.push({ field: 'decision', key: 'choose' });
  const consequence = (COMPLAINT_CONSEQUENCES as readonly string[]).includes(input.consequence ?? '') ? (input.consequence as ComplaintConsequence) : null;
  if (choice === 'uphold' && !consequence) problems.push({ field: 'consequence', key: 'choose' });
  problems.push(...checkText('text', input.text));
  if (problems.length || !choice) return { decision: null, problems };
  const text = input.text.trim();
  return { decision: choice === 'uphold' ? { status: 'upheld', consequence, decision: text } : { status: 'dismissed', consequence: null, decision: text }, problems };
}

/** A suspension lasts `days` calendar days from the order, at most 30 (财政部令第94号 第二十八条). */
export function suspensionEndsAt(orderedAt: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1 || days > SUSPENSION_MAX_DAYS) throw new RangeError(`a suspension lasts 1 to ${SUSPENSION_MAX_DAYS} days, got ${days}`);
  return new Date(orderedAt.getTime() + days * 86_400_000);
}

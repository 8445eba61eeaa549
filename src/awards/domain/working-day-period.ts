import { addDays, localDateOf, parseLocalDateTime } from '../../procurement/domain/local-time';
import { DeadlineExplanation, WorkingCalendar, earliestDeadline } from '../../procurement/domain/working-days';

/**
 * Periods counted in working days that END with a day (质疑期, 答复期限, 合同公告期限): N working
 * days counted from the day after `from` (procurement/domain/working-days.ts does the counting,
 * skipping weekends and holidays and counting make-up working days), ending at the close of the
 * last one (24:00 Asia/Shanghai). Pure.
 */
export type PeriodKind = 'challenge_period' | 'challenge_answer' | 'contract_publication' | 'documents_challenge' | 'procedure_challenge' | 'complaint_period' | 'complaint_decision';

/**
 * What a period counts from when it starts after another one ends (challenge-periods.ts): the
 * award notice period, the documents' notice period, their receipt, the end of a procedural
 * step, or the end of a challenge's answer period (a complaint).
 */
export interface PeriodStart {
  basis: 'award_notice' | 'documents_notice' | 'documents_received' | 'step_ended' | 'answer_period';
  /** ISO instant of the event (publication, receipt, end of the step). */
  from: string;
  /** Working days of the preceding period (0 when the start is a day, not a period). */
  workingDays: number;
  /** YYYY-MM-DD (Shanghai): the day the supplier "should know"; counting starts the next day. */
  lastDay: string;
  /** ISO instant: the close of lastDay. */
  endsAt: string;
  /** The preceding period's count, when there is one. */
  count: DeadlineExplanation | null;
}

/** Stored (jsonb) beside the deadline it explains, and shown wherever the deadline is. */
export interface PeriodExplanation {
  kind: PeriodKind;
  workingDays: number;
  /** ISO instant the period counts from. */
  from: string;
  /** ISO instant: the close of the last working day counted. */
  endsAt: string;
  /** The count itself: days counted, weekends and holidays skipped, make-up days counted. */
  count: DeadlineExplanation;
  /** Set when the period counts from the end of another (older rows have none). */
  start?: PeriodStart;
}

export function workingDayPeriod(from: Date, workingDays: number, calendar: WorkingCalendar, kind: PeriodKind): { endsAt: Date; explanation: PeriodExplanation } {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError(`a period needs at least one working day, got ${workingDays}`);
  const { explanation: count } = earliestDeadline(from, workingDays, 'working_days', calendar, 'publication');
  const lastDay = count.counted[count.counted.length - 1];
  const endsAt = parseLocalDateTime(`${addDays(lastDay, 1)}T00:00`)!;
  return { endsAt, explanation: { kind, workingDays, from: from.toISOString(), endsAt: endsAt.toISOString(), count } };
}

/** The last day of the period (Shanghai), as shown: "until the end of 2026-10-12". */
export function lastDayOf(explanation: PeriodExplanation): string {
  return explanation.count.counted[explanation.count.counted.length - 1] ?? localDateOf(new Date(explanation.endsAt));
}

/** Has the period ended at `now` (database clock)? The instant it ends belongs to after. */
export function hasEnded(now: Date, endsAt: Date): boolean {
  return now.getTime() >= endsAt.getTime();
}

export const CLOSE_DEADLINE_DAYS = 3;

export interface DeadlineStatus {
  /** Whole days left, rounded up (1 = less than a day); when overdue, minus the whole days overdue (at least -1). */
  daysLeft: number;
  isOverdue: boolean;
  /** Overdue, or due within CLOSE_DEADLINE_DAYS: highlighted on dashboards. */
  isClose: boolean;
}

export function deadlineStatus(now: Date, due: Date): DeadlineStatus {
  const ms = due.getTime() - now.getTime();
  const isOverdue = ms <= 0;
  const daysLeft = isOverdue ? -Math.max(1, Math.floor(-ms / 86_400_000)) : Math.ceil(ms / 86_400_000);
  return { daysLeft, isOverdue, isClose: isOverdue || daysLeft <= CLOSE_DEADLINE_DAYS };
}

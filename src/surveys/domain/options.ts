/**
 * What the opener of a survey may choose: the last day residents can answer (a date in
 * Asia/Shanghai; the survey closes at the midnight that ends it) and the minimum number of
 * responses for the average to count. Both are optional; the defaults come from configuration
 * (without a day: the midnight ending the day SURVEY_OPEN_DAYS days from today).
 */
export interface SurveyOptionsInput {
  closesOn?: unknown;
  minResponses?: unknown;
  /** 'count' or 'exclude': whether answers without a phone number count towards the indicator. Absent: 'exclude'. */
  unverifiedAnswers?: unknown;
}

export interface SurveyOptions {
  closesAt: Date;
  minResponses: number;
  /**
   * An answer without a phone number is tied only to a device cookie, which anyone can clear and
   * answer again; it counts towards the satisfaction indicator only when the opener allows it.
   */
  countsUnverified: boolean;
}

export const UNVERIFIED_ANSWER_CHOICES = ['exclude', 'count'] as const;

export const MAX_OPEN_DAYS = 365;
export const MAX_MIN_RESPONSES = 1000;
const SHANGHAI_OFFSET_MS = 8 * 3600_000; // China has kept UTC+8 without daylight saving since 1991
const DAY_MS = 86_400_000;

export type OptionProblems = Partial<Record<'closesOn' | 'minResponses' | 'unverifiedAnswers', { key: string; params?: Record<string, unknown> }>>;

export function parseSurveyOptions(
  input: SurveyOptionsInput,
  context: { now: Date; defaultMinResponses: number; defaultOpenDays: number },
): { ok: true; value: SurveyOptions } | { ok: false; problems: OptionProblems } {
  const problems: OptionProblems = {};
  const now = context.now.getTime();

  const closesOn = typeof input.closesOn === 'string' ? input.closesOn.trim() : '';
  // Default: the end of the day `defaultOpenDays` days from today (Shanghai), so posters show a whole day.
  const todayShanghai = Math.floor((now + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS;
  let closesAt = new Date(todayShanghai + (context.defaultOpenDays + 1) * DAY_MS - SHANGHAI_OFFSET_MS);
  if (closesOn !== '') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(closesOn);
    const day = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
    const valid = m !== null && !Number.isNaN(day) && new Date(day).toISOString().slice(0, 10) === closesOn;
    if (!valid) {
      problems.closesOn = { key: 'surveys.validation.dateFormat' };
    } else {
      closesAt = new Date(day + DAY_MS - SHANGHAI_OFFSET_MS);
      if (closesAt.getTime() <= now) problems.closesOn = { key: 'surveys.validation.closesInPast' };
      else if (closesAt.getTime() > now + (MAX_OPEN_DAYS + 1) * DAY_MS) problems.closesOn = { key: 'surveys.validation.closesTooLate', params: { days: MAX_OPEN_DAYS } };
    }
  }

  const minText = typeof input.minResponses === 'string' ? input.minResponses.trim() : '';
  let minResponses = context.defaultMinResponses;
  if (minText !== '') {
    minResponses = /^\d{1,5}$/.test(minText) ? Number(minText) : NaN;
    if (!(minResponses >= 1 && minResponses <= MAX_MIN_RESPONSES)) problems.minResponses = { key: 'surveys.validation.minResponsesRange', params: { max: MAX_MIN_RESPONSES } };
  }

  const unverified = typeof input.unverifiedAnswers === 'string' ? input.unverifiedAnswers.trim() : '';
  if (unverified !== '' && !(UNVERIFIED_ANSWER_CHOICES as readonly string[]).includes(unverified)) problems.unverifiedAnswers = { key: 'surveys.validation.unverifiedAnswers' };

  if (Object.keys(problems).length) return { ok: false, problems };
  return { ok: true, value: { closesAt, minResponses, countsUnverified: unverified === 'count' } };
}

import { normalisePhone } from './phone';

/** A resident's answer as the form sends it (every field a string, any of them missing). */
export interface ResponseInput {
  rating?: unknown;
  comment?: unknown;
  phone?: unknown;
}

export interface ParsedResponse {
  rating: number;
  comment: string | null;
  /** Normalised mobile number, or null when none was given. It is hashed, never stored. */
  phone: string | null;
}

export const COMMENT_MAX_LENGTH = 500;

/** Field problems as i18n keys with parameters (surveys.validation.*). */
export type ResponseProblems = Partial<Record<'rating' | 'comment' | 'phone', { key: string; params?: Record<string, unknown> }>>;

/** Checks the answer: a rating from 1 to 5, an optional comment of at most 500 characters, an optional mobile number. */
export function parseResponse(input: ResponseInput): { ok: true; value: ParsedResponse } | { ok: false; problems: ResponseProblems } {
  const problems: ResponseProblems = {};
  const ratingText = typeof input.rating === 'string' ? input.rating.trim() : '';
  const rating = /^[1-5]$/.test(ratingText) ? Number(ratingText) : null;
  if (rating === null) problems.rating = { key: ratingText === '' ? 'surveys.validation.ratingRequired' : 'surveys.validation.ratingRange' };

  const commentText = typeof input.comment === 'string' ? input.comment.replace(/\r\n?/g, '\n').trim() : '';
  // Counted in code points, as a reader counts characters (an emoji is one).
  if ([...commentText].length > COMMENT_MAX_LENGTH) problems.comment = { key: 'surveys.validation.commentTooLong', params: { max: COMMENT_MAX_LENGTH } };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(commentText)) problems.comment = { key: 'surveys.validation.commentControl' };

  const phoneText = typeof input.phone === 'string' ? input.phone.trim() : '';
  const phone = phoneText === '' ? null : normalisePhone(phoneText);
  if (phoneText !== '' && phone === null) problems.phone = { key: 'surveys.validation.phoneFormat' };

  if (Object.keys(problems).length || rating === null) return { ok: false, problems };
  return { ok: true, value: { rating, comment: commentText === '' ? null : commentText, phone } };
}

/**
 * What is wrong with a form, by field: an i18n key (under `procurement.validation.`) and its
 * parameters. Field names are the form's, rows included (`criteria.2.weight`), so the page can
 * put each message next to the input it concerns. Pure.
 */
export interface Problem {
  key: string;
  params?: Record<string, unknown>;
}

export type Problems = Record<string, Problem[]>;

export function addProblem(problems: Problems, field: string, key: string, params?: Record<string, unknown>): void {
  (problems[field] ??= []).push(params ? { key: `procurement.validation.${key}`, params } : { key: `procurement.validation.${key}` });
}

export function mergeProblems(into: Problems, from: Problems): Problems {
  for (const [field, list] of Object.entries(from)) (into[field] ??= []).push(...list);
  return into;
}

export function hasProblems(problems: Problems): boolean {
  return Object.keys(problems).length > 0;
}

/** Trimmed text; null, undefined and non-strings become ''. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** A whole number written in digits (full-width digits accepted), or null. */
export function parseWholeNumber(value: unknown): number | null {
  const raw = text(value).normalize('NFKC');
  if (!/^\d{1,9}$/.test(raw)) return null;
  return Number(raw);
}

/** Length in characters (not UTF-16 units), so 中文 counts as 2. */
export function charLength(value: string): number {
  return Array.from(value).length;
}

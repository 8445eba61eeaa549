import { formatMinor } from '../common/money/money';
import { Locale, translate } from '../i18n/i18n';
import { StoredExplanationLine } from './domain/explanation';

/** A share in basis points as a percentage: 9000 → "90%", 1250 → "12.5%". */
export function percentOf(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = String(Math.abs(bp) % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return `${whole}${rest ? `.${rest}` : ''}%`;
}

/** The parameters of a line as the reader sees them: money in the one format, shares as percentages, grades named. */
function displayParams(params: Record<string, number | string>, locale: Locale): Record<string, string> {
  const out: Record<string, string> = {};
  // Shares first: `retentionBp` is {retention}, so `retentionMinor` beside it becomes {retentionAmount}.
  for (const [name, value] of Object.entries(params)) if (name.endsWith('Bp')) out[name.slice(0, -2)] = percentOf(Number(value));
  for (const [name, value] of Object.entries(params)) {
    if (name.endsWith('Bp')) continue;
    if (name.endsWith('Minor')) {
      const base = name.slice(0, -5);
      out[base in out ? `${base}Amount` : base] = formatMinor(Number(value));
    } else if (name === 'scoreCenti') out.score = (Number(value) / 100).toFixed(2);
    else if (name === 'grade' || name === 'minGrade') {
      out[name] = translate(locale, `payments.grade.${String(value)}`);
      if (name === 'grade') out.gradeCode = String(value);
    } else out[name] = String(value);
  }
  // The rounded figure the decision used (grades.ts averageScoreCenti); rows stored before it carry only sum and count.
  if (typeof params.averageCenti === 'number') out.average = (params.averageCenti / 100).toFixed(2);
  else if (typeof params.sumCenti === 'number' && typeof params.count === 'number' && params.count > 0) out.average = (params.sumCenti / params.count / 100).toFixed(2);
  return out;
}

/** Renders a stored explanation in the reader's language; a line stored as text (older rows) shows as it was. */
export function renderExplanation(lines: readonly StoredExplanationLine[] | null | undefined, locale: Locale): string[] {
  return (lines ?? []).map((l) => (typeof l === 'string' ? l : translate(locale, l.key, displayParams(l.params ?? {}, locale))));
}

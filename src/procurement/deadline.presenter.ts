import { Locale, translate } from '../i18n/i18n';
import { formatLocal } from './domain/local-time';
import { DayNote, DeadlineExplanation } from './domain/working-days';

/** What `projects.deadline_explanation` holds: the publication's minimum and every amendment's move. */
export interface StoredDeadlineExplanation {
  publication: DeadlineExplanation;
  amendments?: AmendmentDeadlineNote[];
}

export interface AmendmentDeadlineNote {
  sequence: number;
  /** ISO instants. */
  previousDeadline: string;
  newDeadline: string;
  extended: boolean;
  explanation: DeadlineExplanation | null;
}

function nameOf(note: DayNote, locale: Locale): string {
  return (locale === 'en' ? note.nameEn : note.nameZh) ?? note.nameZh ?? '';
}

/** One sentence: "20 calendar days from 2026-11-23 10:00 (publication): not before 2026-12-13 10:00". */
export function describeDeadline(e: DeadlineExplanation, locale: Locale): string {
  const common = {
    period: e.minPeriod,
    from: formatLocal(new Date(e.from)),
    basis: translate(locale, `procurement.deadline.basis.${e.basis}`),
    earliest: formatLocal(new Date(e.earliest)),
  };
  const sep = translate(locale, 'procurement.deadline.separator');
  if (e.unit === 'calendar_days') {
    const sentence = translate(locale, 'procurement.deadline.calendar', common);
    if (!e.rolledOver?.length) return sentence;
    const rest = e.rolledOver.map((d) =>
      d.reason === 'holiday'
        ? translate(locale, 'procurement.deadline.skippedHoliday', { date: d.date, name: nameOf(d, locale) })
        : translate(locale, 'procurement.deadline.skippedWeekend', { date: d.date }),
    );
    return `${sentence}${translate(locale, 'procurement.deadline.rolledOver', { days: rest.join(sep) })}`;
  }
  let details = '';
  if (e.counted.length) details += translate(locale, 'procurement.deadline.counted', { days: e.counted.join(sep) });
  if (e.skipped.length) {
    const skipped = e.skipped.map((d) =>
      d.reason === 'holiday'
        ? translate(locale, 'procurement.deadline.skippedHoliday', { date: d.date, name: nameOf(d, locale) })
        : translate(locale, 'procurement.deadline.skippedWeekend', { date: d.date }),
    );
    details += translate(locale, 'procurement.deadline.skipped', { days: skipped.join(sep) });
  }
  for (const d of e.makeUpDays) details += translate(locale, 'procurement.deadline.makeUp', { date: d.date, name: nameOf(d, locale) });
  return translate(locale, 'procurement.deadline.working', { ...common, details });
}

/** The publication's rule, then each amendment that moved the deadline, in order. */
export function describeProjectDeadline(stored: StoredDeadlineExplanation | null, locale: Locale): string[] {
  if (!stored?.publication) return [];
  const lines = [describeDeadline(stored.publication, locale)];
  for (const a of stored.amendments ?? []) {
    const params = { sequence: a.sequence, previous: formatLocal(new Date(a.previousDeadline)), deadline: formatLocal(new Date(a.newDeadline)) };
    if (a.extended && a.explanation) {
      lines.push(`${translate(locale, 'procurement.deadline.extended', params)} ${describeDeadline(a.explanation, locale)}`);
    } else if (a.previousDeadline !== a.newDeadline) {
      lines.push(translate(locale, 'procurement.deadline.moved', params));
    }
  }
  return lines;
}

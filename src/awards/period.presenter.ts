import { formatLocal } from '../procurement/domain/local-time';
import { DayNote } from '../procurement/domain/working-days';
import { Locale, translate } from '../i18n/i18n';
import { PeriodExplanation, lastDayOf } from './domain/working-day-period';

function nameOf(note: DayNote, locale: Locale): string {
  return (locale === 'en' ? note.nameEn : note.nameZh) ?? note.nameZh ?? '';
}

/** Where a period ends, as people say it: "2026-12-03 24:00" (the close of its last working day, Beijing time). */
export function periodEndText(e: PeriodExplanation): string {
  return `${lastDayOf(e)} 24:00`;
}

/**
 * One sentence: "质疑期：自 2026-09-24 10:00 起 7 个工作日，计入 …，跳过 …，至 2026-10-12 24:00 止".
 * The day-by-day pieces are procurement's deadline wording, so every period reads alike.
 */
export function describePeriod(e: PeriodExplanation, locale: Locale): string {
  const sep = translate(locale, 'procurement.deadline.separator');
  const c = e.count;
  let details = '';
  if (c.counted.length) details += translate(locale, 'procurement.deadline.counted', { days: c.counted.join(sep) });
  if (c.skipped.length) {
    const skipped = c.skipped.map((d) =>
      d.reason === 'holiday'
        ? translate(locale, 'procurement.deadline.skippedHoliday', { date: d.date, name: nameOf(d, locale) })
        : translate(locale, 'procurement.deadline.skippedWeekend', { date: d.date }),
    );
    details += translate(locale, 'procurement.deadline.skipped', { days: skipped.join(sep) });
  }
  for (const d of c.makeUpDays) details += translate(locale, 'procurement.deadline.makeUp', { date: d.date, name: nameOf(d, locale) });
  return translate(locale, 'awards.period.sentence', {
    kind: translate(locale, `awards.period.kinds.${e.kind}`),
    from: formatLocal(new Date(e.from)),
    days: e.workingDays,
    details,
    lastDay: lastDayOf(e),
  });
}

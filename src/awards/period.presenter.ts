import { formatLocal } from '../procurement/domain/local-time';
import { DayNote, DeadlineExplanation } from '../procurement/domain/working-days';
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
  const details = countDetails(e.count, locale);
  if (e.start) {
    const s = e.start;
    return translate(locale, 'awards.period.sentenceAfter', {
      kind: translate(locale, `awards.period.kinds.${e.kind}`),
      start: translate(locale, `awards.period.starts.${s.basis}`, {
        from: formatLocal(new Date(s.from)),
        days: s.workingDays,
        details: s.count ? countDetails(s.count, locale) : '',
        lastDay: s.lastDay,
      }),
      days: e.workingDays,
      details,
      lastDay: lastDayOf(e),
    });
  }
  return translate(locale, 'awards.period.sentence', {
    kind: translate(locale, `awards.period.kinds.${e.kind}`),
    from: formatLocal(new Date(e.from)),
    days: e.workingDays,
    details,
    lastDay: lastDayOf(e),
  });
}

/** "，计入 …，跳过 …，… 为调休工作日计入": the day-by-day pieces of a count. */
function countDetails(c: DeadlineExplanation, locale: Locale): string {
  const sep = translate(locale, 'procurement.deadline.separator');
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
  return details;
}

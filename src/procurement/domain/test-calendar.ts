import { CalendarDay, calendarOf } from './working-days';

/** The 2026 arrangement as seeded by migration CreateProcurementRules (for the specs). */
export function calendar2026() {
  const days: CalendarDay[] = [];
  const span = (from: string, to: string, nameZh: string, nameEn: string) => {
    for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
      days.push({ day: d.toISOString().slice(0, 10), kind: 'holiday', nameZh, nameEn });
    }
  };
  span('2026-01-01', '2026-01-03', '元旦', "New Year's Day");
  span('2026-02-15', '2026-02-23', '春节', 'Spring Festival');
  span('2026-04-04', '2026-04-06', '清明节', 'Qingming Festival');
  span('2026-05-01', '2026-05-05', '劳动节', 'Labour Day');
  span('2026-06-19', '2026-06-21', '端午节', 'Dragon Boat Festival');
  span('2026-09-25', '2026-09-27', '中秋节', 'Mid-Autumn Festival');
  span('2026-10-01', '2026-10-07', '国庆节', 'National Day');
  for (const [day, nameZh] of [
    ['2026-01-04', '元旦调休上班'],
    ['2026-02-14', '春节调休上班'],
    ['2026-02-28', '春节调休上班'],
    ['2026-05-09', '劳动节调休上班'],
    ['2026-09-20', '国庆节调休上班'],
    ['2026-10-10', '国庆节调休上班'],
  ]) {
    days.push({ day, kind: 'workday', nameZh, nameEn: 'Make-up working day' });
  }
  return calendarOf(days);
}

/** A Shanghai wall-clock time as an instant. */
export function shanghai(local: string): Date {
  return new Date(`${local}:00+08:00`);
}

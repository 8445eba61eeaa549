import { translate } from '../../i18n/i18n';
import { describeDeadline } from '../deadline.presenter';
import { atSameLocalTime, localDateOf, parseLocalDateTime } from './local-time';
import { calendar2026, shanghai } from './test-calendar';
import { calendarOf, earliestDeadline, isWorkingDay } from './working-days';

const calendar = calendar2026();

describe('Shanghai local time', () => {
  it('reads a datetime-local value as UTC+8 and back', () => {
    expect(parseLocalDateTime('2026-11-23T10:00')?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(localDateOf(new Date('2026-11-23T16:30:00Z'))).toBe('2026-11-24');
    expect(parseLocalDateTime('2026-02-30T10:00')).toBeNull();
    expect(parseLocalDateTime('tomorrow')).toBeNull();
  });

  it('keeps the wall-clock time when moving to another date', () => {
    expect(atSameLocalTime(shanghai('2026-11-23T23:30'), '2026-12-01').toISOString()).toBe('2026-12-01T15:30:00.000Z');
  });
});

describe('isWorkingDay', () => {
  it('counts Monday to Friday, not weekends', () => {
    expect(isWorkingDay('2026-11-23', calendar)).toBe(true); // Monday
    expect(isWorkingDay('2026-11-28', calendar)).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29', calendar)).toBe(false); // Sunday
  });

  it('skips public holidays on weekdays and counts make-up Saturdays and Sundays', () => {
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false); // Thursday, 国庆
    expect(isWorkingDay('2026-09-25', calendar)).toBe(false); // Friday, 中秋
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true); // Saturday, 调休
    expect(isWorkingDay('2026-09-20', calendar)).toBe(true); // Sunday, 调休
    expect(isWorkingDay('2026-02-14', calendar)).toBe(true); // Saturday, 调休
  });

  it('follows the calendar it is given: an empty calendar knows only weekends', () => {
    expect(isWorkingDay('2026-10-01', calendarOf([]))).toBe(true);
  });
});

describe('earliestDeadline', () => {
  it('adds calendar days at the same time of day (open tender: 20 days)', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-11-23T10:00'), 20, 'calendar_days', calendar);
    expect(earliest).toEqual(shanghai('2026-12-13T10:00'));
    expect(explanation).toMatchObject({ basis: 'publication', minPeriod: 20, unit: 'calendar_days', counted: [], skipped: [] });
  });

  it('renders the calendar-day explanation in both languages', () => {
    const { explanation } = earliestDeadline(shanghai('2026-11-23T10:00'), 20, 'calendar_days', calendar);
    expect(describeDeadline(explanation, 'en')).toBe('20 calendar days from 2026-11-23 10:00 (publication): not before 2026-12-13 10:00');
    expect(describeDeadline(explanation, 'zh-CN')).toBe('自 2026-11-23 10:00（发布）起 20 个日历日：不早于 2026-12-13 10:00');
  });

  it('3 working days from Thursday 2026-09-24 skip the 中秋 holiday (Fri 25 to Sun 27)', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-09-24T10:00'), 3, 'working_days', calendar);
    expect(explanation.counted).toEqual(['2026-09-28', '2026-09-29', '2026-09-30']);
    expect(explanation.skipped).toEqual([
      { date: '2026-09-25', reason: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' },
      { date: '2026-09-26', reason: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' },
      { date: '2026-09-27', reason: 'holiday', nameZh: '中秋节', nameEn: 'Mid-Autumn Festival' },
    ]);
    expect(earliest).toEqual(shanghai('2026-09-30T10:00'));
  });

  it('counts the make-up Sunday 2026-09-20 from Thursday 2026-09-17', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-09-17T15:00'), 3, 'working_days', calendar);
    expect(explanation.counted).toEqual(['2026-09-18', '2026-09-20', '2026-09-21']);
    expect(explanation.skipped).toEqual([{ date: '2026-09-19', reason: 'weekend' }]);
    expect(explanation.makeUpDays).toEqual([{ date: '2026-09-20', reason: 'make_up_workday', nameZh: '国庆节调休上班', nameEn: 'Make-up working day' }]);
    expect(earliest).toEqual(shanghai('2026-09-21T15:00'));
    expect(describeDeadline(explanation, 'en')).toContain('2026-09-20 counted as a make-up working day (Make-up working day)');
  });

  it('5 working days across 国庆 (10-01..07) count the make-up Saturday 10-10', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-09-29T09:30'), 5, 'working_days', calendar);
    expect(explanation.counted).toEqual(['2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
    expect(explanation.skipped.map((d) => d.date)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-11']);
    expect(explanation.makeUpDays.map((d) => d.date)).toEqual(['2026-10-10']);
    expect(earliest).toEqual(shanghai('2026-10-12T09:30'));
    const zh = describeDeadline(explanation, 'zh-CN');
    expect(zh).toContain('跳过');
    expect(zh).toContain('国庆节');
    expect(zh).toContain('2026-10-10 为调休工作日');
  });

  it('across 春节 counts the make-up Saturdays 02-14 and 02-28', () => {
    const { explanation } = earliestDeadline(shanghai('2026-02-12T10:00'), 3, 'working_days', calendar);
    // Fri 13, Sat 14 (调休), then 15–23 holiday, Tue 24.
    expect(explanation.counted).toEqual(['2026-02-13', '2026-02-14', '2026-02-24']);
    expect(explanation.skipped.filter((d) => d.reason === 'holiday')).toHaveLength(9);
    const later = earliestDeadline(shanghai('2026-02-26T10:00'), 3, 'working_days', calendar);
    expect(later.explanation.counted).toEqual(['2026-02-27', '2026-02-28', '2026-03-02']);
    expect(later.explanation.makeUpDays.map((d) => d.date)).toEqual(['2026-02-28']);
  });

  it('counts from the next day when published on a holiday, keeping the time', () => {
    const { earliest } = earliestDeadline(shanghai('2026-10-03T20:00'), 3, 'working_days', calendar);
    expect(earliest).toEqual(shanghai('2026-10-10T20:00'));
  });

  it('with a zero period the earliest is the starting instant', () => {
    const from = shanghai('2026-11-23T10:00');
    expect(earliestDeadline(from, 0, 'working_days', calendar).earliest).toEqual(from);
  });

  it('explains an amendment period by its basis', () => {
    const { explanation } = earliestDeadline(shanghai('2026-12-01T09:00'), 15, 'calendar_days', calendar, 'amendment');
    expect(describeDeadline(explanation, 'en')).toBe('15 calendar days from 2026-12-01 09:00 (amendment): not before 2026-12-16 09:00');
    expect(translate('zh-CN', 'procurement.deadline.basis.amendment')).toBe('更正');
  });
});

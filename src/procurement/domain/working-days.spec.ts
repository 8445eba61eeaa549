import { translate } from '../../i18n/i18n';
import { describeDeadline } from '../deadline.presenter';
import { atSameLocalTime, localDateOf, parseLocalDateTime } from './local-time';
import { calendar2026, shanghai } from './test-calendar';
import { CalendarYearMissingError, calendarOf, earliestDeadline, isWorkingDay, nextWorkingDay, restDayOf } from './working-days';

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

  it('follows the calendar it is given: a year entered without holidays knows only weekends', () => {
    expect(isWorkingDay('2026-10-01', calendarOf([], [2026]))).toBe(true);
  });

  it('refuses to classify a day of a year whose arrangement is not entered, naming the year', () => {
    // 2027-02-08 is a Monday of the 2027 Spring Festival: without the notice it would count as working.
    expect(() => isWorkingDay('2027-02-08', calendar)).toThrow(CalendarYearMissingError);
    expect(() => isWorkingDay('2027-02-08', calendar)).toThrow(/2027/);
  });
});

describe('earliestDeadline', () => {
  it('adds calendar days at the same time of day (open tender: 20 days)', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-11-20T10:00'), 20, 'calendar_days', calendar);
    expect(earliest).toEqual(shanghai('2026-12-10T10:00'));
    expect(explanation).toMatchObject({ basis: 'publication', minPeriod: 20, unit: 'calendar_days', counted: [], skipped: [] });
    expect(explanation.rolledOver).toBeUndefined();
  });

  it('renders the calendar-day explanation in both languages', () => {
    const { explanation } = earliestDeadline(shanghai('2026-11-20T10:00'), 20, 'calendar_days', calendar);
    expect(describeDeadline(explanation, 'en')).toBe('20 calendar days from 2026-11-20 10:00 (publication): not before 2026-12-10 10:00');
    expect(describeDeadline(explanation, 'zh-CN')).toBe('自 2026-11-20 10:00（发布）起 20 个日历日：不早于 2026-12-10 10:00');
    const rolled = earliestDeadline(shanghai('2026-11-23T10:00'), 20, 'calendar_days', calendar).explanation;
    expect(describeDeadline(rolled, 'zh-CN')).toBe(
      '自 2026-11-23 10:00（发布）起 20 个日历日：不早于 2026-12-14 10:00；期间最后一日 2026-12-13（周末）为休息日，期间至其后第一个工作日届满（民法典第二百零三条）',
    );
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

/** 2026 as published plus a made-up 2027 (test data, not the State Council's notice): 元旦 01-01..03, 春节 02-06..14, make-up Sat 02-20. */
const twoYears = calendarOf(
  [
    ...calendar.values(),
    ...['2027-01-01', '2027-01-02', '2027-01-03'].map((day) => ({ day, kind: 'holiday' as const, nameZh: '元旦', nameEn: "New Year's Day" })),
    ...['06', '07', '08', '09', '10', '11', '12', '13', '14'].map((d) => ({ day: `2027-02-${d}`, kind: 'holiday' as const, nameZh: '春节', nameEn: 'Spring Festival' })),
    { day: '2027-02-20', kind: 'workday' as const, nameZh: '春节调休上班', nameEn: 'Make-up working day (Spring Festival)' },
  ],
  [2026, 2027],
);

describe('a period ending on a rest day (民法典 第二百零三条)', () => {
  it('a 20-day open tender published 2026-09-11 10:00 closes on 2026-10-08, not on National Day 2026-10-01', () => {
    const { earliest, explanation } = earliestDeadline(shanghai('2026-09-11T10:00'), 20, 'calendar_days', calendar);
    expect(earliest).toEqual(shanghai('2026-10-08T10:00'));
    expect(explanation.rolledOver?.map((d) => d.date)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(describeDeadline(explanation, 'en')).toBe(
      '20 calendar days from 2026-09-11 10:00 (publication): not before 2026-10-08 10:00; the last day fell on 2026-10-01 National Day (holiday), 2026-10-02 National Day (holiday), 2026-10-03 National Day (holiday), 2026-10-04 National Day (holiday), 2026-10-05 National Day (holiday), 2026-10-06 National Day (holiday), 2026-10-07 National Day (holiday), so the period ends on the next working day (Civil Code art. 203)',
    );
    expect(describeDeadline(explanation, 'zh-CN')).toContain('民法典第二百零三条');
  });

  it('a period ending on a Saturday ends on Monday; one ending on a make-up Saturday stays', () => {
    // 2026-11-14 + 20 days = Friday 12-04; from 11-15 it is Saturday 12-05, so Monday 12-07.
    expect(earliestDeadline(shanghai('2026-11-14T09:00'), 20, 'calendar_days', calendar).earliest).toEqual(shanghai('2026-12-04T09:00'));
    const saturday = earliestDeadline(shanghai('2026-11-15T09:00'), 20, 'calendar_days', calendar);
    expect(saturday.earliest).toEqual(shanghai('2026-12-07T09:00'));
    expect(saturday.explanation.rolledOver).toEqual([
      { date: '2026-12-05', reason: 'weekend' },
      { date: '2026-12-06', reason: 'weekend' },
    ]);
    // 2026-09-20 (Sunday) is a make-up working day: 2026-08-31 + 20 days ends there.
    const makeUp = earliestDeadline(shanghai('2026-08-31T09:00'), 20, 'calendar_days', calendar);
    expect(makeUp.earliest).toEqual(shanghai('2026-09-20T09:00'));
    expect(makeUp.explanation.rolledOver).toBeUndefined();
  });

  it('a 10-day consultation published 2026-09-17 ends after 中秋 on Monday 2026-09-28', () => {
    expect(earliestDeadline(shanghai('2026-09-17T14:00'), 10, 'calendar_days', calendar).earliest).toEqual(shanghai('2026-09-28T14:00'));
  });

  it('across the year boundary, with 2027 entered: published 2026-12-12, 20 days land on 元旦 2027-01-01, so Monday 2027-01-04', () => {
    expect(earliestDeadline(shanghai('2026-12-12T10:00'), 20, 'calendar_days', twoYears).earliest).toEqual(shanghai('2027-01-04T10:00'));
  });

  it('across the year boundary without 2027: refused, naming 2027', () => {
    expect(() => earliestDeadline(shanghai('2026-12-12T10:00'), 20, 'calendar_days', calendar)).toThrow(CalendarYearMissingError);
    // Even when the last day is an ordinary weekday: the year is unknown.
    expect(() => earliestDeadline(shanghai('2026-12-20T10:00'), 20, 'calendar_days', calendar)).toThrow(/2027/);
    // Working days too: 3 working days from Thursday 2026-12-31 reach into 2027.
    expect(() => earliestDeadline(shanghai('2026-12-31T10:00'), 3, 'working_days', calendar)).toThrow(/2027/);
  });

  it('3 working days from Thursday 2027-02-04 skip the 2027 Spring Festival and count the make-up Saturday', () => {
    const { explanation } = earliestDeadline(shanghai('2027-02-04T10:00'), 3, 'working_days', twoYears);
    expect(explanation.counted).toEqual(['2027-02-05', '2027-02-15', '2027-02-16']);
  });
});

describe('deadlines on working days', () => {
  it('finds the next working day on or after a date', () => {
    expect(nextWorkingDay('2026-10-01', calendar)).toBe('2026-10-08');
    expect(nextWorkingDay('2026-10-10', calendar)).toBe('2026-10-10'); // make-up Saturday
    expect(nextWorkingDay('2026-12-31', calendar)).toBe('2026-12-31');
    expect(() => nextWorkingDay('2026-12-26', calendarOf([], [2026]))).not.toThrow();
  });

  it('names the rest day a deadline falls on (Shanghai date), or null', () => {
    expect(restDayOf(shanghai('2026-10-01T10:00'), calendar)).toBe('2026-10-01');
    expect(restDayOf(shanghai('2026-10-08T10:00'), calendar)).toBeNull();
    // 2026-12-05T16:30Z is Sunday 00:30 in Shanghai.
    expect(restDayOf(new Date('2026-12-05T16:30:00Z'), calendar)).toBe('2026-12-06');
  });
});

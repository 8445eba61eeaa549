import { calendar2026, shanghai } from '../../procurement/domain/test-calendar';
import { deadlineStatus, hasEnded, lastDayOf, workingDayPeriod } from './working-day-period';
import { calendarOf } from '../../procurement/domain/working-days';

const calendar = calendar2026();

describe('the challenge period (7 working days, to the close of the last one)', () => {
  it('counts Monday to Friday in an ordinary week and ends at 24:00 Shanghai of the 7th', () => {
    const { endsAt, explanation } = workingDayPeriod(shanghai('2026-11-23T10:00'), 7, calendar, 'challenge_period');
    expect(explanation.count.counted).toEqual(['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(explanation.count.skipped).toEqual([
      { date: '2026-11-28', reason: 'weekend' },
      { date: '2026-11-29', reason: 'weekend' },
    ]);
    expect(endsAt).toEqual(shanghai('2026-12-03T00:00'));
    expect(endsAt.toISOString()).toBe('2026-12-02T16:00:00.000Z');
    expect(explanation).toMatchObject({ kind: 'challenge_period', workingDays: 7, from: '2026-11-23T02:00:00.000Z', endsAt: '2026-12-02T16:00:00.000Z' });
    expect(lastDayOf(explanation)).toBe('2026-12-02');
  });

  it('skips 中秋 and 国庆 and counts the make-up Saturday 10-10 (award on Thursday 09-24)', () => {
    const { endsAt, explanation } = workingDayPeriod(shanghai('2026-09-24T10:00'), 7, calendar, 'challenge_period');
    expect(explanation.count.counted).toEqual(['2026-09-28', '2026-09-29', '2026-09-30', '2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12']);
    expect(explanation.count.skipped.map((d) => `${d.date}:${d.reason}`)).toEqual([
      '2026-09-25:holiday',
      '2026-09-26:holiday',
      '2026-09-27:holiday',
      '2026-10-01:holiday',
      '2026-10-02:holiday',
      '2026-10-03:holiday',
      '2026-10-04:holiday',
      '2026-10-05:holiday',
      '2026-10-06:holiday',
      '2026-10-07:holiday',
      '2026-10-11:weekend',
    ]);
    expect(explanation.count.makeUpDays).toEqual([{ date: '2026-10-10', reason: 'make_up_workday', nameZh: '国庆节调休上班', nameEn: 'Make-up working day' }]);
    expect(endsAt).toEqual(shanghai('2026-10-13T00:00'));
  });

  it('counts the make-up Sunday 09-20 right after an award on Friday 09-18', () => {
    const { endsAt, explanation } = workingDayPeriod(shanghai('2026-09-18T15:00'), 2, calendar, 'challenge_period');
    expect(explanation.count.counted).toEqual(['2026-09-20', '2026-09-21']);
    expect(explanation.count.skipped).toEqual([{ date: '2026-09-19', reason: 'weekend' }]);
    expect(endsAt).toEqual(shanghai('2026-09-22T00:00'));
  });

  it('crosses the Spring Festival: the make-up Saturdays 02-14 and 02-28 count, 02-15..23 do not', () => {
    const { endsAt, explanation } = workingDayPeriod(shanghai('2026-02-13T09:00'), 7, calendar, 'challenge_period');
    expect(explanation.count.counted).toEqual(['2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-02']);
    expect(explanation.count.skipped.filter((d) => d.reason === 'holiday')).toHaveLength(9);
    expect(explanation.count.makeUpDays.map((d) => d.date)).toEqual(['2026-02-14', '2026-02-28']);
    expect(endsAt).toEqual(shanghai('2026-03-03T00:00'));
  });

  it('counts from the Shanghai date, not the UTC one (an award at 00:30 on Tuesday is still Tuesday)', () => {
    const late = workingDayPeriod(shanghai('2026-11-23T23:30'), 1, calendar, 'challenge_period');
    expect(late.explanation.count.counted).toEqual(['2026-11-24']);
    const early = workingDayPeriod(shanghai('2026-11-24T00:30'), 1, calendar, 'challenge_period');
    expect(early.explanation.count.counted).toEqual(['2026-11-25']);
  });

  it('follows the calendar it is given: an added holiday moves the end', () => {
    const withHoliday = calendarOf([...calendar.values(), { day: '2026-11-25', kind: 'holiday', nameZh: '临时休假', nameEn: 'Extra holiday' }]);
    expect(workingDayPeriod(shanghai('2026-11-23T10:00'), 7, withHoliday, 'challenge_period').endsAt).toEqual(shanghai('2026-12-04T00:00'));
  });

  it('refuses a period of no working days', () => {
    expect(() => workingDayPeriod(shanghai('2026-11-23T10:00'), 0, calendar, 'challenge_period')).toThrow(RangeError);
  });

  it('has ended from the instant it ends, not a millisecond before', () => {
    const { endsAt } = workingDayPeriod(shanghai('2026-11-23T10:00'), 7, calendar, 'challenge_period');
    expect(hasEnded(new Date(endsAt.getTime() - 1), endsAt)).toBe(false);
    expect(hasEnded(endsAt, endsAt)).toBe(true);
  });
});

describe('deadline status on dashboards', () => {
  const due = shanghai('2026-12-03T00:00');
  it('rounds days left up and highlights three days or fewer', () => {
    expect(deadlineStatus(shanghai('2026-11-25T12:00'), due)).toEqual({ daysLeft: 8, isOverdue: false, isClose: false });
    expect(deadlineStatus(shanghai('2026-11-30T00:00'), due)).toEqual({ daysLeft: 3, isOverdue: false, isClose: true });
    expect(deadlineStatus(shanghai('2026-12-02T23:00'), due)).toEqual({ daysLeft: 1, isOverdue: false, isClose: true });
  });

  it('shows an overdue deadline as at least one day overdue', () => {
    expect(deadlineStatus(due, due)).toEqual({ daysLeft: -1, isOverdue: true, isClose: true });
    expect(deadlineStatus(shanghai('2026-12-03T01:00'), due)).toEqual({ daysLeft: -1, isOverdue: true, isClose: true });
    expect(deadlineStatus(shanghai('2026-12-05T01:00'), due)).toEqual({ daysLeft: -2, isOverdue: true, isClose: true });
  });
});

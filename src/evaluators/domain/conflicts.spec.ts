import { calendarDate, conflictWindowStart, isCalendarDate, isConflicting, lastConflictDay, yearsBefore } from './conflicts';

/** 2026-11-23 10:00 in Beijing. */
const asOf = new Date('2026-11-23T02:00:00Z');

describe('conflict of interest window', () => {
  it('counts an open relationship, however old', () => {
    expect(isConflicting({ endedOn: null }, asOf)).toBe(true);
  });

  it('counts a relationship that ended exactly three years before the draw', () => {
    expect(isConflicting({ endedOn: '2023-11-23' }, asOf)).toBe(true);
  });

  it('does not count one that ended three years and one day before the draw', () => {
    expect(isConflicting({ endedOn: '2023-11-22' }, asOf)).toBe(false);
  });

  it('counts a relationship that ended yesterday or ends in the future', () => {
    expect(isConflicting({ endedOn: '2026-11-22' }, asOf)).toBe(true);
    expect(isConflicting({ endedOn: '2027-06-30' }, asOf)).toBe(true);
  });

  it('counts a declared relationship that starts after the draw (a prospective tie)', () => {
    // Start dates do not shorten the window: only the end date can take a relationship out of it.
    const future = { startedOn: '2027-01-01', endedOn: null };
    expect(isConflicting(future, asOf)).toBe(true);
  });

  it('takes the draw day in Beijing, not in UTC', () => {
    // 2026-11-22 17:00 UTC is already 2026-11-23 01:00 in Beijing.
    const lateUtc = new Date('2026-11-22T17:00:00Z');
    expect(calendarDate(lateUtc)).toBe('2026-11-23');
    expect(conflictWindowStart(lateUtc)).toBe('2023-11-23');
    expect(isConflicting({ endedOn: '2023-11-22' }, lateUtc)).toBe(false);
  });

  it('falls back from 29 February to 28 February, keeping the longer window', () => {
    expect(yearsBefore('2028-02-29', 3)).toBe('2025-02-28');
    const leapDay = new Date('2028-02-29T04:00:00Z');
    expect(isConflicting({ endedOn: '2025-02-28' }, leapDay)).toBe(true);
    expect(isConflicting({ endedOn: '2025-02-27' }, leapDay)).toBe(false);
  });
});

describe('last day of a conflict', () => {
  it('is three years after the relationship ended, and agrees with the window', () => {
    expect(lastConflictDay('2023-11-23')).toBe('2026-11-23');
    expect(isConflicting({ endedOn: '2023-11-23' }, new Date('2026-11-23T15:59:59Z'))).toBe(true);
    expect(isConflicting({ endedOn: '2023-11-23' }, new Date('2026-11-23T16:00:00Z'))).toBe(false);
  });

  it('ends on 28 February for a relationship that ended on 29 February', () => {
    expect(lastConflictDay('2024-02-29')).toBe('2027-02-28');
    expect(isConflicting({ endedOn: '2024-02-29' }, new Date('2027-02-28T04:00:00Z'))).toBe(true);
    expect(isConflicting({ endedOn: '2024-02-29' }, new Date('2027-03-01T04:00:00Z'))).toBe(false);
  });
});

describe('calendar dates', () => {
  it('accepts real dates and refuses impossible or malformed ones', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2025-02-29')).toBe(false);
    expect(isCalendarDate('2025-04-31')).toBe(false);
    expect(isCalendarDate('2025-13-01')).toBe(false);
    expect(isCalendarDate('25-01-01')).toBe(false);
    expect(isCalendarDate('1899-12-31')).toBe(false);
    expect(isCalendarDate(20250101)).toBe(false);
  });
});

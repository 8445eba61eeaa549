import { isCalendarDate, parseDateRange, rangeBounds } from './date-range';

describe('date range filter', () => {
  it('accepts real calendar dates only', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('26-01-01')).toBe(false);
    expect(isCalendarDate('1999-12-31')).toBe(false);
  });

  it('reports every bad field at once and a reversed range on "to"', () => {
    expect(parseDateRange('2026-02-30', 'x')).toEqual({ range: {}, errors: { from: 'records.validation.date', to: 'records.validation.date' } });
    expect(parseDateRange('2026-12-07', '2026-12-01').errors).toEqual({ to: 'records.validation.range' });
    expect(parseDateRange(['2026-12-01', 'x'], ' ')).toEqual({ range: { from: '2026-12-01' }, errors: {} });
  });

  it('bounds whole Shanghai days, across a month and a year end', () => {
    expect(rangeBounds({ from: '2026-12-01', to: '2026-12-31' })).toEqual({ fromAt: '2026-12-01T00:00:00+08:00', beforeAt: '2027-01-01T00:00:00+08:00' });
    expect(rangeBounds({ to: '2028-02-28' })).toEqual({ beforeAt: '2028-02-29T00:00:00+08:00' });
    expect(rangeBounds({})).toEqual({});
  });
});

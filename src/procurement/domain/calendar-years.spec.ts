import { checkYearArrangement, missingCalendarYears, parseArrangementEntries } from './calendar-years';

describe('a year arrangement as typed from the State Council notice', () => {
  it('reads ranges and single days, holidays and make-up working days, in date order', () => {
    const { days, problems } = parseArrangementEntries(
      2027,
      '2027-02-20 班 春节调休上班 / Make-up working day\n\n  2027-02-06~2027-02-08 休 春节 / Spring Festival\n2027-01-01 holiday 元旦 / New Year',
    );
    expect(problems).toEqual([]);
    expect(days.map((d) => `${d.day} ${d.kind} ${d.nameZh} ${d.nameEn}`)).toEqual([
      '2027-01-01 holiday 元旦 New Year',
      '2027-02-06 holiday 春节 Spring Festival',
      '2027-02-07 holiday 春节 Spring Festival',
      '2027-02-08 holiday 春节 Spring Festival',
      '2027-02-20 workday 春节调休上班 Make-up working day',
    ]);
  });

  it('names every line it cannot read: bad date, other year, reversed range, unknown kind, no English name, a day twice', () => {
    const { problems } = parseArrangementEntries(
      2027,
      [
        '2027-02-30 休 错 / Wrong',
        '2026-12-31 休 错 / Wrong',
        '2027-02-08~2027-02-06 休 错 / Wrong',
        '2027-03-01 放 错 / Wrong',
        '2027-03-02 休 没有英文',
        '2027-01-01 休 元旦 / NY',
        '2027-01-01 班 元旦 / NY',
      ].join('\n'),
    );
    expect(problems).toEqual(['1', '2', '3', '4', '5', '7']);
  });

  it('needs the notice title and number, and at least one holiday for a year not entered', () => {
    const { problems } = checkYearArrangement({ year: '2027', noticeTitle: '', noticeNumber: 'x', entries: '' }, () => false);
    expect(Object.keys(problems).sort()).toEqual(['entries', 'noticeNumber', 'noticeTitle']);
    const numberOnly = checkYearArrangement({ year: '2026', noticeTitle: '国务院办公厅关于2026年部分节假日安排的通知', noticeNumber: '国办发明电〔2025〕7号', entries: '' }, (y) => y === 2026);
    expect(numberOnly.arrangement).toMatchObject({ year: 2026, days: [] });
    expect(checkYearArrangement({ year: '1999', noticeTitle: '国务院办公厅通知', noticeNumber: 'abc', entries: '' }, () => true).problems.year).toBeDefined();
  });
});

describe('the staff dashboard warning', () => {
  const entered = new Set([2026]);
  it('is silent on 31 October and warns from 1 November while next year is missing', () => {
    expect(missingCalendarYears('2026-10-31', entered)).toEqual([]);
    expect(missingCalendarYears('2026-11-01', entered)).toEqual([2027]);
    expect(missingCalendarYears('2026-12-07', entered)).toEqual([2027]);
    expect(missingCalendarYears('2026-12-07', new Set([2026, 2027]))).toEqual([]);
  });

  it('warns all year about the current year when it is missing (the new year came without a notice)', () => {
    expect(missingCalendarYears('2027-01-04', entered)).toEqual([2027]);
    expect(missingCalendarYears('2027-11-02', entered)).toEqual([2027, 2028]);
  });
});

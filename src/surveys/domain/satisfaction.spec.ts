import { averageCenti, averageFraction, distributionOf, formatAverage, meetsMinimum, satisfactionOf } from './satisfaction';

describe('satisfaction average', () => {
  it('is exact as a fraction: 7 ratings summing to 30 average 30/7', () => {
    expect(averageFraction(7, 30)).toEqual({ numerator: 30, denominator: 7 });
    expect(averageFraction(4, 18)).toEqual({ numerator: 9, denominator: 2 });
  });

  it('shows two decimals rounded half up, in integers (4.125 → 4.13, 30/7 → 4.29)', () => {
    expect(averageCenti(8, 33)).toBe(413); // 4.125
    expect(formatAverage(8, 33)).toBe('4.13');
    expect(formatAverage(7, 30)).toBe('4.29'); // 4.2857…
    expect(formatAverage(3, 13)).toBe('4.33'); // 4.333…
    expect(formatAverage(6, 25)).toBe('4.17'); // 4.1666…
    expect(formatAverage(1, 5)).toBe('5.00');
    expect(formatAverage(2, 2)).toBe('1.00');
  });

  it('has no average without responses', () => {
    expect(averageCenti(0, 0)).toBeNull();
    expect(averageFraction(0, 0)).toBeNull();
    expect(formatAverage(0, 0)).toBe('');
  });

  it('refuses a sum that ratings of 1–5 cannot make', () => {
    expect(() => averageCenti(2, 11)).toThrow(RangeError);
    expect(() => averageCenti(2, 1)).toThrow(RangeError);
    expect(() => averageCenti(-1, 0)).toThrow(RangeError);
    expect(() => averageCenti(1.5, 3)).toThrow(RangeError);
  });
});

describe('minimum rule', () => {
  it('counts towards the indicator from the minimum itself, not one before', () => {
    expect(meetsMinimum(9, 10)).toBe(false);
    expect(meetsMinimum(10, 10)).toBe(true);
    expect(meetsMinimum(11, 10)).toBe(true);
    expect(meetsMinimum(0, 1)).toBe(false);
  });

  it('refuses a minimum below one', () => {
    expect(() => meetsMinimum(3, 0)).toThrow(RangeError);
  });

  it('satisfactionOf carries the tally and the rule', () => {
    expect(satisfactionOf({ responses: 10, ratingSum: 43, minResponses: 10 })).toEqual({ responses: 10, ratingSum: 43, minResponses: 10, meetsMinimum: true });
    expect(satisfactionOf({ responses: 3, ratingSum: 12, minResponses: 10 }).meetsMinimum).toBe(false);
  });
});

describe('distribution', () => {
  it('lists every rating from 5 down to 1, missing ones as zero, with whole per cents', () => {
    expect(
      distributionOf([
        { rating: 5, count: 2 },
        { rating: 3, count: 1 },
      ]),
    ).toEqual([
      { rating: 5, count: 2, percent: 67 },
      { rating: 4, count: 0, percent: 0 },
      { rating: 3, count: 1, percent: 33 },
      { rating: 2, count: 0, percent: 0 },
      { rating: 1, count: 0, percent: 0 },
    ]);
    expect(distributionOf([]).every((r) => r.count === 0 && r.percent === 0)).toBe(true);
  });

  it('refuses a rating outside 1–5', () => {
    expect(() => distributionOf([{ rating: 6, count: 1 }])).toThrow(RangeError);
  });
});

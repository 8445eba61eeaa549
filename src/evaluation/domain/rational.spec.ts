import { add, compare, div, fromCenti, mean, parseFraction, rational, toDecimal, toFraction } from './rational';

describe('exact scores', () => {
  it('keeps fractions in lowest terms with a positive denominator', () => {
    expect(toFraction(rational(6n, -4n))).toBe('-3/2');
    expect(toFraction(add(rational(1n, 3n), rational(1n, 6n)))).toBe('1/2');
    expect(toFraction(parseFraction('200/7'))).toBe('200/7');
  });

  it('adds one third three times to exactly one (floats would not)', () => {
    const third = div(rational(1), rational(3));
    expect(compare(add(add(third, third), third), rational(1))).toBe(0);
  });

  it('rounds half up to two decimals only for display', () => {
    expect(toDecimal(rational(1n, 8n))).toBe('0.13');
    expect(toDecimal(rational(1n, 200n))).toBe('0.01');
    expect(toDecimal(rational(1n, 201n))).toBe('0.00');
    // 2.675 is 2.67499… as a float; exactly it is halfway and rounds up.
    expect(toDecimal(rational(2675n, 1000n))).toBe('2.68');
    expect(toDecimal(rational(200n, 7n))).toBe('28.57');
    expect(toDecimal(rational(-1n, 8n))).toBe('-0.13');
    expect(toDecimal(rational(30))).toBe('30.00');
  });

  it('reads hundredths of a point and takes means exactly', () => {
    expect(toFraction(fromCenti(1250))).toBe('25/2');
    expect(toDecimal(mean([fromCenti(7000), fromCenti(7001), fromCenti(7001)]))).toBe('70.01');
    expect(toFraction(mean([fromCenti(7000), fromCenti(7001), fromCenti(7001)]))).toBe('10501/150');
  });
});

import { compareExactScores, formatExactScore, parseExactScore } from './exact-score';

describe('exact scores', () => {
  it('shows n/d rounded half-up to two decimals', () => {
    expect(formatExactScore('257/3')).toBe('85.67');
    expect(formatExactScore('2/3')).toBe('0.67');
    expect(formatExactScore('1/8')).toBe('0.13');
    expect(formatExactScore('1/200')).toBe('0.01');
    expect(formatExactScore('1/201')).toBe('0.00');
    expect(formatExactScore('9000/100')).toBe('90.00');
    expect(formatExactScore('599999/6000')).toBe('100.00');
  });

  it('reads whole numbers and decimals too, and keeps an unreadable value visible', () => {
    expect(formatExactScore('85')).toBe('85.00');
    expect(formatExactScore('85.125')).toBe('85.13');
    expect(formatExactScore('x/0')).toBe('x/0');
    expect(parseExactScore('3/0')).toBeNull();
  });

  it('is exact far beyond floating point', () => {
    // 1.005 as a float is 1.00499…, so (1.005).toFixed(2) gives "1.00"; exactly, it is 1.01.
    expect(formatExactScore('201/200')).toBe('1.01');
    expect(formatExactScore('1.005')).toBe('1.01');
    expect(formatExactScore('66666666666666666666666666667/1000000000000000000000000000')).toBe('66.67');
    expect(formatExactScore('5/1000', 2)).toBe('0.01');
    expect(formatExactScore('257/3', 0)).toBe('86');
  });

  it('compares without rounding', () => {
    expect(compareExactScores('257/3', '85.67')).toBe(-1);
    expect(compareExactScores('1/2', '2/4')).toBe(0);
    expect(compareExactScores('9/10', '8/9')).toBe(1);
  });
});

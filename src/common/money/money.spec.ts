import { allocateMinor, formatMinor, minorToYuanInput, parseMinor, parseYuanToMinor } from './money';

describe('money', () => {
  it('formats fen as yuan with grouping', () => {
    expect(formatMinor(123456789)).toBe('¥1,234,567.89');
    expect(formatMinor(6900000)).toBe('¥69,000.00');
    expect(formatMinor(0)).toBe('¥0.00');
    expect(formatMinor(5)).toBe('¥0.05');
    expect(formatMinor(-150)).toBe('-¥1.50');
  });

  it('writes plain yuan for exports and inputs, exactly from whole fen', () => {
    expect(formatMinor(123456, { plain: true })).toBe('1234.56');
    expect(formatMinor(-5, { plain: true })).toBe('-0.05');
    expect(formatMinor(9_007_199_254_740_991, { plain: true })).toBe('90071992547409.91');
    expect(() => formatMinor(0.1 + 0.2)).toThrow();
    expect(minorToYuanInput(3000000)).toBe('30000');
    expect(minorToYuanInput(299950)).toBe('2999.50');
    expect(minorToYuanInput(5)).toBe('0.05');
    expect(minorToYuanInput(null)).toBe('');
    for (const m of [1, 99, 100, 299950, 123456789]) expect(parseYuanToMinor(minorToYuanInput(m))).toBe(m);
  });

  it('parses user yuan amounts without floating point error', () => {
    expect(parseYuanToMinor('0.29')).toBe(29);
    expect(parseYuanToMinor('1,234.5')).toBe(123450);
    expect(parseYuanToMinor('3000')).toBe(300000);
    expect(parseYuanToMinor('1.234')).toBeNull();
    expect(parseYuanToMinor('-1')).toBeNull();
    expect(parseYuanToMinor('abc')).toBeNull();
  });

  it('accepts thousands separators only in groups of three, and nothing else around the digits', () => {
    // Worked examples: each accepted string and the fen it stands for.
    expect(parseYuanToMinor('1,234,567.89')).toBe(123456789);
    expect(parseYuanToMinor('300,000')).toBe(30000000);
    expect(parseYuanToMinor('999')).toBe(99900);
    expect(parseYuanToMinor(' 186000.50 ')).toBe(18600050);
    expect(parseYuanToMinor('1234567')).toBe(123456700);
    // Refused, never read as another amount: irregular groups, spaces inside, currency signs, stray separators.
    for (const typo of ['1,0,0', '12,34.5', '1,2345', '1234,567', ',100', '100,', '1,,000', '300 000', '¥300000', '￥300000', '300000元', '1.', '.5', '1,000.', '１２３', '1e5', '0x10', '+100', '']) {
      expect([typo, parseYuanToMinor(typo)]).toEqual([typo, null]);
    }
    // At most 13 digits of yuan (the grouped form counts digits, not commas).
    expect(parseYuanToMinor('9,999,999,999,999.99')).toBe(999999999999999);
    expect(parseYuanToMinor('10,000,000,000,000')).toBeNull();
  });

  it('parses bigint strings and refuses unsafe values', () => {
    expect(parseMinor('9007199254740991')).toBe(9007199254740991);
    expect(() => parseMinor('9007199254740993')).toThrow(/safe integer/);
    expect(parseMinor(null)).toBeNull();
  });

  it('allocates with largest remainders so the parts sum exactly', () => {
    expect(allocateMinor(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocateMinor(1000001, [30, 30, 40])).toEqual([300000, 300000, 400001]);
    const parts = allocateMinor(9999999, [17, 29, 54]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(9999999);
  });

  it('refuses weights that cannot allocate', () => {
    expect(() => allocateMinor(100, [])).toThrow();
    expect(() => allocateMinor(100, [0, 0])).toThrow();
    expect(() => allocateMinor(100, [1.5])).toThrow();
  });
});

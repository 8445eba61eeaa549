import { amountInWords } from './amount-in-words';

describe('amounts in Chinese financial capitals (大写金额)', () => {
  it.each([
    [180_000_00, '壹拾捌万元整'],
    [186_000_50, '壹拾捌万陆仟元伍角'],
    [100_001, '壹仟元零壹分'],
    [1_005_000_00, '壹佰万零伍仟元整'],
    [10_050_00, '壹万零伍拾元整'],
    [1_680_32, '壹仟陆佰捌拾元叁角贰分'],
    [5, '伍分'],
    [50, '伍角'],
    [0, '零元整'],
    [100_000_000_00, '壹亿元整'],
    [100_000_001_00, '壹亿零壹元整'],
    [120_000_300_00, '壹亿贰仟万零叁佰元整'],
    [10_00, '壹拾元整'],
  ])('%i fen → %s', (minor, words) => {
    expect(amountInWords(minor)).toBe(words);
  });

  it('refuses negative and fractional amounts', () => {
    expect(() => amountInWords(-1)).toThrow(RangeError);
    expect(() => amountInWords(1.5)).toThrow();
  });
});

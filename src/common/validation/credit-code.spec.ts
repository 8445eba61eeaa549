import { CREDIT_CODE_WEIGHTS, checkCreditCode, computeCheckCharacter, isValidCreditCode } from './credit-code';

describe('unified social credit code (GB 32100-2015)', () => {
  it('uses weights 3^(i-1) mod 31', () => {
    const weights = Array.from({ length: 17 }, (_, i) => Array.from({ length: i }).reduce<number>((w) => (w * 3) % 31, 1));
    expect(CREDIT_CODE_WEIGHTS).toEqual(weights);
  });

  it.each([
    // Social organisations registered by civil affairs (5), types 1/2/3, computed by hand and hard-coded.
    ['51510107MJ0000000B', 'social group in Chengdu Wuhou'],
    ['52510104MJ7654321H', 'private non-enterprise unit'],
    ['51310115MJ48888884', 'digit check character'],
    ['531100005000000005', 'foundation'],
    ['51510107MJ00000260', 'check character 0 (31 - 0 wraps to 0)'],
    ['52510107MJ0000017Y', 'check character Y (value 30)'],
    // Published codes of well-known companies (9 = market regulation).
    ['914403001922038216', 'Huawei Technologies'],
    ['91440300708461136T', 'Shenzhen Tencent Computer Systems'],
  ])('accepts %s (%s)', (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, code });
    expect(isValidCreditCode(code)).toBe(true);
  });

  it.each([
    ['000000000000000000', 'all zeros: the check character is right, but no department 0 exists'],
    ['B0' + '510107MJ0000000', 'department B does not exist'],
    ['54510107MJ0000000', 'civil affairs registers no type 4'],
    ['94440300708461136', 'market regulation registers no type 4'],
    ['Y2510107MJ0000000', '"other" has only type 1'],
  ])('refuses %s: its first two characters are not a registrant GB 32100-2015 lists (%s)', (start) => {
    const code = start.length === 18 ? start : start + computeCheckCharacter(start);
    expect(checkCreditCode(code)).toEqual({ ok: false, reason: 'registrant', code });
  });

  it.each([['11'], ['12'], ['31'], ['51'], ['53'], ['59'], ['91'], ['92'], ['93'], ['A1'], ['N2'], ['Y1']])('accepts the registrant pair %s with a right check character', (pair) => {
    const first17 = `${pair}510107MJ0000000`;
    expect(checkCreditCode(first17 + computeCheckCharacter(first17)).ok).toBe(true);
  });

  it('computes the check character from the first 17 characters', () => {
    expect(computeCheckCharacter('51510107MJ0000000')).toBe('B');
    expect(computeCheckCharacter('51510107MJ0000026')).toBe('0');
    expect(computeCheckCharacter('91440300708461136')).toBe('T');
    expect(() => computeCheckCharacter('5151')).toThrow(RangeError);
    expect(() => computeCheckCharacter('51510107MJ000000I')).toThrow(RangeError);
  });

  it('refuses a wrong check character and says which one it should be', () => {
    expect(checkCreditCode('51510107MJ0000000A')).toEqual({ ok: false, reason: 'checkCharacter', code: '51510107MJ0000000A', expected: 'B' });
    expect(checkCreditCode('914403001922038217')).toMatchObject({ ok: false, reason: 'checkCharacter', expected: '6' });
    expect(isValidCreditCode('51510107MJ0000000A')).toBe(false);
  });

  it('catches two transposed characters', () => {
    expect(checkCreditCode('51510107JM0000000B')).toMatchObject({ ok: false, reason: 'checkCharacter' });
  });

  it.each([[''], ['51510107MJ0000000'], ['51510107MJ0000000BB'], ['   ']])('refuses %p for its length', (code) => {
    expect(checkCreditCode(code)).toMatchObject({ ok: false, reason: 'length' });
  });

  it.each(['I', 'O', 'Z', 'S', 'V'])('refuses the letter %s, which the alphabet leaves out', (letter) => {
    const code = `51510107MJ000000${letter}B`;
    expect(checkCreditCode(code)).toEqual({ ok: false, reason: 'characters', code, position: 17 });
    expect(checkCreditCode(code.toLowerCase())).toMatchObject({ ok: false, reason: 'characters' });
  });

  it('refuses punctuation, spaces inside and letters in the division code', () => {
    expect(checkCreditCode('51510107-J0000000B')).toMatchObject({ ok: false, reason: 'characters', position: 9 });
    expect(checkCreditCode('51510107 J0000000B')).toMatchObject({ ok: false, reason: 'characters', position: 9 });
    expect(checkCreditCode('515A0107MJ0000000B')).toMatchObject({ ok: false, reason: 'characters', position: 4 });
  });

  it('accepts lowercase and surrounding spaces, reporting the normalised code', () => {
    expect(checkCreditCode('  51510107mj0000000b\n')).toEqual({ ok: true, code: '51510107MJ0000000B' });
    expect(checkCreditCode('91440300708461136t')).toEqual({ ok: true, code: '91440300708461136T' });
    expect(checkCreditCode('51510107mj0000000a')).toEqual({ ok: false, reason: 'checkCharacter', code: '51510107MJ0000000A', expected: 'B' });
  });

  it('accepts full-width characters typed with a Chinese input method', () => {
    expect(checkCreditCode('５１５１０１０７ＭＪ０００００００Ｂ')).toEqual({ ok: true, code: '51510107MJ0000000B' });
  });

  it('does not enforce the GB 11714 check digit of the organisation code in positions 9–17', () => {
    // MJ0000000 is not a valid GB 11714 organisation code, yet the credit code is accepted.
    expect(isValidCreditCode('51510107MJ0000000B')).toBe(true);
  });

  it('answers false for values that are not strings', () => {
    expect(isValidCreditCode(undefined)).toBe(false);
    expect(isValidCreditCode(Number('914403001922038216'))).toBe(false);
  });
});

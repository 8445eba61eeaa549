import { passwordProblems } from './password-policy';

describe('password policy', () => {
  it('accepts a long password with letters and digits', () => {
    expect(passwordProblems('Community2026!', 'li.wei@wuhou.gov.cn')).toEqual([]);
  });

  it('refuses short, letter-only, digit-only, email-based and common passwords', () => {
    expect(passwordProblems('Ab1')).toContain('validation.passwordTooShort');
    expect(passwordProblems('abcdefghijkl')).toContain('validation.passwordLettersAndDigits');
    expect(passwordProblems('123456789012')).toContain('validation.passwordLettersAndDigits');
    expect(passwordProblems('zhangsan2026x', 'zhangsan@example.org')).toContain('validation.passwordContainsEmail');
    expect(passwordProblems('Password123')).toContain('validation.passwordCommon');
    expect(passwordProblems('a1'.repeat(65))).toContain('validation.passwordTooLong');
  });
});

/**
 * Password policy (pure): at least 10 characters, at most 128, letters and digits both present,
 * not containing the email's local part, not a well-known weak password.
 * Returns i18n keys of the rules broken (empty when acceptable).
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set([
  'password123',
  'password1234',
  'qwerty12345',
  '1234567890a',
  'a1234567890',
  'abc1234567',
  'abcd123456',
  'admin12345',
  'administrator1',
  'iloveyou123',
  'welcome123',
  'woaini1314',
  'qwertyuiop1',
  '1qaz2wsx3edc',
]);

export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) problems.push('validation.passwordTooShort');
  if (password.length > PASSWORD_MAX_LENGTH) problems.push('validation.passwordTooLong');
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) problems.push('validation.passwordLettersAndDigits');
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && password.toLowerCase().includes(local)) problems.push('validation.passwordContainsEmail');
  if (COMMON.has(password.toLowerCase())) problems.push('validation.passwordCommon');
  return problems;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { LOCALES, hasTranslation } from '../../i18n/i18n';
import { errorCodeKey, messageOf } from './http-exception.filter';

const SRC = path.join(__dirname, '..', '..');
/** `'MODULE.SCREAMING_SNAKE'`: every error code is written as such a literal somewhere in src/. */
const CODE = /'([A-Z][A-Z_]*\.[A-Z][A-Z0-9_]*)'/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [full] : [];
  });
}

function codesInSource(): string[] {
  const codes = new Set<string>();
  for (const file of sourceFiles(SRC)) for (const m of fs.readFileSync(file, 'utf8').matchAll(CODE)) codes.add(m[1]);
  return [...codes].sort();
}

describe('error codes', () => {
  it('finds the codes the modules throw', () => {
    const codes = codesInSource();
    expect(codes.length).toBeGreaterThan(150);
    expect(codes).toEqual(expect.arrayContaining(['PAYMENTS.DISBURSEMENT_NOT_PENDING', 'PROCUREMENT.BID_WINDOW_CLOSED', 'SECURITY.CSRF_TOKEN_INVALID']));
  });

  it.each(LOCALES)('has a %s translation for every code thrown in src/', (locale) => {
    const missing = codesInSource().filter((code) => !hasTranslation(errorCodeKey(code), locale));
    expect(missing).toEqual([]);
  });

  it('tells a Chinese page the translation of the code, not the English message', () => {
    const error = { code: 'PAYMENTS.DISBURSEMENT_NOT_PENDING', message: 'The disbursement is approved, not proposed' };
    expect(messageOf(error, 'zh-CN', false)).toBe('该拨付已不在待审批状态。');
    expect(messageOf(error, 'zh-CN', true)).toBe('该拨付已不在待审批状态。');
    expect(messageOf(error, 'en', false)).toBe('The disbursement is no longer waiting for a decision.');
    // English API clients keep the error's own message; its own key always wins.
    expect(messageOf(error, 'en', true)).toBe('The disbursement is approved, not proposed');
    expect(messageOf({ ...error, messageKey: 'errors.notFound' }, 'en', true)).toBe('The page you are looking for does not exist or has been removed.');
    expect(messageOf({ code: 'SOMETHING.NEW', message: 'kept' }, 'zh-CN', false)).toBe('kept');
  });
});

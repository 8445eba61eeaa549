import { dictionaryKeys, translate } from './i18n';

describe('translations', () => {
  it('has the same keys in every locale', () => {
    expect(dictionaryKeys('en').sort()).toEqual(dictionaryKeys('zh-CN').sort());
  });

  it('interpolates parameters', () => {
    expect(translate('en', 'validation.max', { property: 'pageSize', 0: 100 })).toContain('100');
  });

  it('falls back to the key so a missing string is visible', () => {
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
});

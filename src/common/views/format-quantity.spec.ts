import { formatQuantity } from './view-helpers';

describe('formatQuantity', () => {
  it('groups digits by the locale and keeps decimals', () => {
    expect(formatQuantity('20000', 'zh-CN')).toBe('20,000');
    expect(formatQuantity(20000, 'en')).toBe('20,000');
    expect(formatQuantity('2400.5', 'en')).toBe('2,400.5');
    expect(formatQuantity('1', 'zh-CN')).toBe('1');
  });
  it('shows what is not a number as it came, and nothing for nothing', () => {
    expect(formatQuantity('n/a')).toBe('n/a');
    expect(formatQuantity(null)).toBe('');
    expect(formatQuantity('')).toBe('');
  });
});

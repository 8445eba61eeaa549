import { COMMENT_MAX_LENGTH, parseResponse } from './response';

describe('survey response parsing', () => {
  it('accepts a rating alone', () => {
    expect(parseResponse({ rating: '4' })).toEqual({ ok: true, value: { rating: 4, comment: null, phone: null } });
  });

  it('keeps a trimmed comment and a normalised phone number', () => {
    expect(parseResponse({ rating: ' 5 ', comment: '  助餐很好吃\r\n谢谢 ', phone: '+86 139 0000 1111' })).toEqual({
      ok: true,
      value: { rating: 5, comment: '助餐很好吃\n谢谢', phone: '13900001111' },
    });
    expect(parseResponse({ rating: '3', comment: '   ', phone: '' })).toEqual({ ok: true, value: { rating: 3, comment: null, phone: null } });
  });

  it('refuses a missing rating, 0, 6 and anything else', () => {
    expect(parseResponse({})).toEqual({ ok: false, problems: { rating: { key: 'surveys.validation.ratingRequired' } } });
    for (const rating of ['0', '6', '4.5', 'five', '-1', ['4']]) {
      expect(parseResponse({ rating })).toEqual({
        ok: false,
        problems: { rating: { key: rating === '' || Array.isArray(rating) ? 'surveys.validation.ratingRequired' : 'surveys.validation.ratingRange' } },
      });
    }
  });

  it('allows 500 characters of comment (emoji counted as one) and refuses 501', () => {
    expect(parseResponse({ rating: '4', comment: '好'.repeat(COMMENT_MAX_LENGTH) }).ok).toBe(true);
    expect(parseResponse({ rating: '4', comment: '😀'.repeat(COMMENT_MAX_LENGTH) }).ok).toBe(true);
    expect(parseResponse({ rating: '4', comment: '好'.repeat(COMMENT_MAX_LENGTH + 1) })).toEqual({
      ok: false,
      problems: { comment: { key: 'surveys.validation.commentTooLong', params: { max: 500 } } },
    });
  });

  it('reports every problem at once', () => {
    const result = parseResponse({ rating: '9', comment: 'x'.repeat(600), phone: '12345' });
    expect(result.ok).toBe(false);
    expect(Object.keys((result as { problems: object }).problems).sort()).toEqual(['comment', 'phone', 'rating']);
  });
});

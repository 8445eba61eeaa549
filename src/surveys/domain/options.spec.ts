import { parseSurveyOptions } from './options';

describe('survey options', () => {
  // 2026-12-02 13:00 in Shanghai
  const now = new Date('2026-12-02T05:00:00Z');
  const context = { now, defaultMinResponses: 10, defaultOpenDays: 30 };

  it('defaults to the configured minimum and to the end of the day 30 days from today (Shanghai)', () => {
    expect(parseSurveyOptions({}, context)).toEqual({ ok: true, value: { closesAt: new Date('2027-01-01T16:00:00Z'), minResponses: 10, countsUnverified: false } });
    // 23:30 in Shanghai is still today there, though UTC says the day before.
    expect(parseSurveyOptions({}, { ...context, now: new Date('2026-12-02T15:30:00Z') })).toMatchObject({ value: { closesAt: new Date('2027-01-01T16:00:00Z') } });
    // 00:30 on 3 December in Shanghai (16:30 UTC on the 2nd) counts from the 3rd.
    expect(parseSurveyOptions({}, { ...context, now: new Date('2026-12-02T16:30:00Z') })).toMatchObject({ value: { closesAt: new Date('2027-01-02T16:00:00Z') } });
  });

  it('closes at the Shanghai midnight that ends the chosen day', () => {
    const result = parseSurveyOptions({ closesOn: '2026-12-20', minResponses: '15' }, context);
    expect(result).toEqual({ ok: true, value: { closesAt: new Date('2026-12-20T16:00:00Z'), minResponses: 15, countsUnverified: false } });
  });

  it('accepts today (it closes tonight) but not yesterday', () => {
    expect(parseSurveyOptions({ closesOn: '2026-12-02' }, context).ok).toBe(true);
    expect(parseSurveyOptions({ closesOn: '2026-12-01' }, context)).toEqual({ ok: false, problems: { closesOn: { key: 'surveys.validation.closesInPast' } } });
  });

  it('refuses impossible dates, more than a year ahead, and a minimum outside 1–1000', () => {
    expect(parseSurveyOptions({ closesOn: '2026-02-30' }, context)).toEqual({ ok: false, problems: { closesOn: { key: 'surveys.validation.dateFormat' } } });
    expect(parseSurveyOptions({ closesOn: '20261220' }, context).ok).toBe(false);
    expect(parseSurveyOptions({ closesOn: '2028-01-01' }, context)).toMatchObject({ ok: false, problems: { closesOn: { key: 'surveys.validation.closesTooLate' } } });
    for (const minResponses of ['0', '1001', '-3', '2.5', 'ten']) {
      expect(parseSurveyOptions({ minResponses }, context)).toMatchObject({ ok: false, problems: { minResponses: { key: 'surveys.validation.minResponsesRange' } } });
    }
    expect(parseSurveyOptions({ minResponses: '1' }, context)).toMatchObject({ ok: true, value: { minResponses: 1 } });
  });

  it('counts answers without a phone number only when the opener says so', () => {
    expect(parseSurveyOptions({}, context)).toMatchObject({ ok: true, value: { countsUnverified: false } });
    expect(parseSurveyOptions({ unverifiedAnswers: 'exclude' }, context)).toMatchObject({ ok: true, value: { countsUnverified: false } });
    expect(parseSurveyOptions({ unverifiedAnswers: 'count' }, context)).toMatchObject({ ok: true, value: { countsUnverified: true } });
    expect(parseSurveyOptions({ unverifiedAnswers: 'yes', minResponses: '0' }, context)).toEqual({
      ok: false,
      problems: { unverifiedAnswers: { key: 'surveys.validation.unverifiedAnswers' }, minResponses: { key: 'surveys.validation.minResponsesRange', params: { max: 1000 } } },
    });
  });
});

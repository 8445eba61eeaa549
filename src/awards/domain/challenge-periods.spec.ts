import { calendar2026, shanghai } from '../../procurement/domain/test-calendar';
import { documentsChallengePeriod, procedureChallengePeriod, resultChallengeEndsAt, resultChallengePeriod } from './challenge-periods';

const calendar = calendar2026();
const statutory = { noticeWorkingDays: 1, challengeWorkingDays: 7 };

describe('the result challenge period (政府采购法 第五十二条, 实施条例 第五十三条(三), 87号令 第六十九条)', () => {
  it('notice published 2026-09-30: the notice period ends with 10-08, a challenge on 10-16 is in time, 10-17 00:00 is late', () => {
    const period = resultChallengePeriod(shanghai('2026-09-30T15:00'), calendar, statutory);
    expect(period.explanation.start).toMatchObject({ basis: 'award_notice', workingDays: 1, lastDay: '2026-10-08', endsAt: shanghai('2026-10-09T00:00').toISOString() });
    expect(period.knowsAt).toEqual(shanghai('2026-10-09T00:00'));
    expect(period.explanation.count.counted).toEqual(['2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16']);
    const endsAt = resultChallengeEndsAt(shanghai('2026-09-30T15:00'), calendar, statutory);
    expect(endsAt).toEqual(shanghai('2026-10-17T00:00'));
    expect(shanghai('2026-10-16T23:59').getTime()).toBeLessThan(endsAt.getTime());
    expect(shanghai('2026-10-17T00:00').getTime()).toBe(endsAt.getTime());
  });

  it('any hour of the publication day gives the same end (00:01 and 23:59 on 09-30)', () => {
    expect(resultChallengeEndsAt(shanghai('2026-09-30T00:01'), calendar, statutory)).toEqual(shanghai('2026-10-17T00:00'));
    expect(resultChallengeEndsAt(shanghai('2026-09-30T23:59'), calendar, statutory)).toEqual(shanghai('2026-10-17T00:00'));
  });

  it('an ordinary week: published Monday 11-23, notice ends Tuesday, challenge Wednesday 11-25 to Thursday 12-03', () => {
    const period = resultChallengePeriod(shanghai('2026-11-23T10:00'), calendar, statutory);
    expect(period.explanation.start?.lastDay).toBe('2026-11-24');
    expect(period.explanation.count.counted).toEqual(['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']);
    expect(period.endsAt).toEqual(shanghai('2026-12-04T00:00'));
  });

  it('published on Friday 09-18: the make-up Sunday 09-20 is the notice day, then 中秋 is skipped', () => {
    const period = resultChallengePeriod(shanghai('2026-09-18T16:00'), calendar, statutory);
    expect(period.explanation.start?.lastDay).toBe('2026-09-20');
    expect(period.explanation.count.counted).toEqual(['2026-09-21', '2026-09-22', '2026-09-23', '2026-09-24', '2026-09-28', '2026-09-29', '2026-09-30']);
    expect(period.endsAt).toEqual(shanghai('2026-10-01T00:00'));
  });

  it('published on a holiday (10-03): the notice day is 10-08, as if published on the last holiday', () => {
    expect(resultChallengeEndsAt(shanghai('2026-10-03T09:00'), calendar, statutory)).toEqual(shanghai('2026-10-17T00:00'));
  });

  it('published the day before the Spring Festival (02-13): 02-14 is a make-up working day and the notice day', () => {
    const period = resultChallengePeriod(shanghai('2026-02-13T09:00'), calendar, statutory);
    expect(period.explanation.start?.lastDay).toBe('2026-02-14');
    expect(period.explanation.count.counted).toEqual(['2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-02', '2026-03-03']);
    expect(period.endsAt).toEqual(shanghai('2026-03-04T00:00'));
  });

  it('follows longer periods a rule may set, and refuses none', () => {
    expect(resultChallengeEndsAt(shanghai('2026-11-23T10:00'), calendar, { noticeWorkingDays: 2, challengeWorkingDays: 7 })).toEqual(shanghai('2026-12-05T00:00'));
    expect(() => resultChallengeEndsAt(shanghai('2026-11-23T10:00'), calendar, { noticeWorkingDays: 0, challengeWorkingDays: 7 })).toThrow(RangeError);
    expect(() => resultChallengeEndsAt(shanghai('2026-11-23T10:00'), calendar, { noticeWorkingDays: 1, challengeWorkingDays: 0 })).toThrow(RangeError);
  });
});

describe('a challenge against the procurement documents (实施条例 第五十三条(一), 87号令 第十六条)', () => {
  const options = { documentsNoticeWorkingDays: 5, challengeWorkingDays: 7 };

  it('counts from the end of the 5-working-day notice period: published Monday 11-02, notice ends 11-09, challenge to 11-18', () => {
    const period = documentsChallengePeriod({ publishedAt: shanghai('2026-11-02T09:00') }, calendar, options);
    expect(period.explanation.start).toMatchObject({ basis: 'documents_notice', workingDays: 5, lastDay: '2026-11-09' });
    expect(period.explanation.count.counted).toEqual(['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-16', '2026-11-17', '2026-11-18']);
    expect(period.endsAt).toEqual(shanghai('2026-11-19T00:00'));
    expect(period.explanation.kind).toBe('documents_challenge');
  });

  it('counts from the day the supplier received the documents when that is known', () => {
    const period = documentsChallengePeriod({ publishedAt: shanghai('2026-11-02T09:00'), receivedAt: shanghai('2026-11-04T20:00') }, calendar, options);
    expect(period.explanation.start).toMatchObject({ basis: 'documents_received', lastDay: '2026-11-04' });
    expect(period.endsAt).toEqual(shanghai('2026-11-14T00:00'));
  });

  it('crosses 国庆: published 09-28, notice 09-29, 09-30, 10-08, 10-09, 10-10; challenge 10-12 to 10-20', () => {
    const period = documentsChallengePeriod({ publishedAt: shanghai('2026-09-28T09:00') }, calendar, options);
    expect(period.explanation.start?.lastDay).toBe('2026-10-10');
    expect(period.explanation.count.counted).toEqual(['2026-10-12', '2026-10-13', '2026-10-14', '2026-10-15', '2026-10-16', '2026-10-19', '2026-10-20']);
    expect(period.endsAt).toEqual(shanghai('2026-10-21T00:00'));
  });
});

describe('a challenge against a procedural step (实施条例 第五十三条(二))', () => {
  it('counts 7 working days from the day after the step ended (bids opened Thursday 12-03 at 09:30)', () => {
    const period = procedureChallengePeriod(shanghai('2026-12-03T09:30'), calendar, { challengeWorkingDays: 7 });
    expect(period.explanation.start).toMatchObject({ basis: 'step_ended', lastDay: '2026-12-03' });
    expect(period.explanation.count.counted).toEqual(['2026-12-04', '2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11', '2026-12-14']);
    expect(period.endsAt).toEqual(shanghai('2026-12-15T00:00'));
  });

  it('a step ending at 23:59 Shanghai (15:59 UTC) still ended that Shanghai day', () => {
    expect(procedureChallengePeriod(shanghai('2026-12-03T23:59'), calendar, { challengeWorkingDays: 7 }).endsAt).toEqual(shanghai('2026-12-15T00:00'));
    expect(procedureChallengePeriod(shanghai('2026-12-04T00:01'), calendar, { challengeWorkingDays: 7 }).endsAt).toEqual(shanghai('2026-12-16T00:00'));
  });
});

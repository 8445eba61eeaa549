import { ConfigError } from '../config/app.config';
import { loadAwardsConfig } from './awards.config';

describe('award stage periods', () => {
  it('default to the law: a 1-working-day notice, 7 working days to challenge and 7 to answer', () => {
    expect(loadAwardsConfig({})).toEqual({ challengePeriodWorkingDays: 7, challengeAnswerWorkingDays: 7, awardNoticeWorkingDays: 1, documentsNoticeWorkingDays: 5 });
  });

  it('follow the settings where they are no less favourable to suppliers than the law', () => {
    expect(loadAwardsConfig({ CHALLENGE_PERIOD_WORKING_DAYS: '10', CHALLENGE_ANSWER_WORKING_DAYS: ' 5 ', AWARD_NOTICE_WORKING_DAYS: '3' })).toMatchObject({
      challengePeriodWorkingDays: 10,
      challengeAnswerWorkingDays: 5,
      awardNoticeWorkingDays: 3,
    });
  });

  it('refuses a challenge period below 7 working days, an answer period above 7 and no notice period, naming the article', () => {
    expect(() => loadAwardsConfig({ CHALLENGE_PERIOD_WORKING_DAYS: '6' })).toThrow(/第五十二条/);
    expect(() => loadAwardsConfig({ CHALLENGE_ANSWER_WORKING_DAYS: '8' })).toThrow(/第五十三条/);
    expect(() => loadAwardsConfig({ AWARD_NOTICE_WORKING_DAYS: '0' })).toThrow(/第六十九条/);
  });

  it.each(['0', '61', 'seven', '7.5', '-1'])('refuses %s', (raw) => {
    expect(() => loadAwardsConfig({ CHALLENGE_PERIOD_WORKING_DAYS: raw })).toThrow(ConfigError);
    expect(() => loadAwardsConfig({ CHALLENGE_ANSWER_WORKING_DAYS: raw })).toThrow(ConfigError);
  });
});

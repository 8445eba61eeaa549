import { ConfigError } from '../config/app.config';
import { loadAwardsConfig } from './awards.config';

describe('award stage periods', () => {
  it('default to 7 working days to challenge and 7 to answer', () => {
    expect(loadAwardsConfig({})).toEqual({ challengePeriodWorkingDays: 7, challengeAnswerWorkingDays: 7 });
  });

  it('follow CHALLENGE_PERIOD_WORKING_DAYS and CHALLENGE_ANSWER_WORKING_DAYS', () => {
    expect(loadAwardsConfig({ CHALLENGE_PERIOD_WORKING_DAYS: '10', CHALLENGE_ANSWER_WORKING_DAYS: ' 5 ' })).toEqual({ challengePeriodWorkingDays: 10, challengeAnswerWorkingDays: 5 });
  });

  it.each(['0', '61', 'seven', '7.5', '-1'])('refuses %s', (raw) => {
    expect(() => loadAwardsConfig({ CHALLENGE_PERIOD_WORKING_DAYS: raw })).toThrow(ConfigError);
    expect(() => loadAwardsConfig({ CHALLENGE_ANSWER_WORKING_DAYS: raw })).toThrow(ConfigError);
  });
});

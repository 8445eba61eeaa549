import { ConfigError } from '../config/app.config';
import { STATUTORY_AWARD_NOTICE_WORKING_DAYS, STATUTORY_CHALLENGE_WORKING_DAYS, STATUTORY_DOCUMENTS_NOTICE_WORKING_DAYS } from './domain/challenge-periods';

/** Periods of the award stage, in working days, read once at boot. None may be set below the law. */
export interface AwardsConfig {
  /** CHALLENGE_PERIOD_WORKING_DAYS: how long bidders may challenge (default and minimum 7, 《政府采购法》第五十二条). */
  challengePeriodWorkingDays: number;
  /** CHALLENGE_ANSWER_WORKING_DAYS: how long the bureau has to answer a challenge (default and maximum 7, 《政府采购法》第五十三条). */
  challengeAnswerWorkingDays: number;
  /** AWARD_NOTICE_WORKING_DAYS: how long the award notice is up before the challenge period starts (default and minimum 1, 财政部令第87号 第六十九条). */
  awardNoticeWorkingDays: number;
  /** The documents' notice period (5 working days, 财政部令第87号 第十六条), from which a challenge against them counts. */
  documentsNoticeWorkingDays: number;
}

export const AWARDS_CONFIG = Symbol('AWARDS_CONFIG');

/**
 * A whole number of working days from `min` (default 1) to `max` (default 60); `fallback` when
 * unset. The bounds are the law's where it sets one. Shared with the contracts module's config.
 */
export function workingDaysSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, bounds: { min?: number; max?: number; citation?: string } = {}): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const { min = 1, max = 60 } = bounds;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError(`${name} must be a whole number of working days from ${min} to ${max}${bounds.citation ? ` (${bounds.citation})` : ''}, got "${raw}"`);
  }
  return value;
}

export function loadAwardsConfig(env: NodeJS.ProcessEnv = process.env): AwardsConfig {
  return {
    challengePeriodWorkingDays: workingDaysSetting(env, 'CHALLENGE_PERIOD_WORKING_DAYS', STATUTORY_CHALLENGE_WORKING_DAYS, {
      min: STATUTORY_CHALLENGE_WORKING_DAYS,
      citation: '《政府采购法》第五十二条: at least 7',
    }),
    challengeAnswerWorkingDays: workingDaysSetting(env, 'CHALLENGE_ANSWER_WORKING_DAYS', 7, { max: 7, citation: '《政府采购法》第五十三条: at most 7' }),
    awardNoticeWorkingDays: workingDaysSetting(env, 'AWARD_NOTICE_WORKING_DAYS', STATUTORY_AWARD_NOTICE_WORKING_DAYS, {
      min: STATUTORY_AWARD_NOTICE_WORKING_DAYS,
      citation: '财政部令第87号 第六十九条: at least 1',
    }),
    documentsNoticeWorkingDays: STATUTORY_DOCUMENTS_NOTICE_WORKING_DAYS,
  };
}

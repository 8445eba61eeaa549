import { ConfigError } from '../config/app.config';

/** Periods of the award stage, in working days, read once at boot. */
export interface AwardsConfig {
  /** CHALLENGE_PERIOD_WORKING_DAYS: how long bidders may challenge an award notice (default 7, 《政府采购法》第五十二条). */
  challengePeriodWorkingDays: number;
  /** CHALLENGE_ANSWER_WORKING_DAYS: how long the bureau has to answer a challenge (default 7, 《政府采购法》第五十三条). */
  challengeAnswerWorkingDays: number;
}

export const AWARDS_CONFIG = Symbol('AWARDS_CONFIG');

/** A whole number of working days from 1 to 60; `fallback` when unset. Shared with the contracts module's config. */
export function workingDaysSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= 60)) throw new ConfigError(`${name} must be a whole number of working days from 1 to 60, got "${raw}"`);
  return value;
}

export function loadAwardsConfig(env: NodeJS.ProcessEnv = process.env): AwardsConfig {
  return {
    challengePeriodWorkingDays: workingDaysSetting(env, 'CHALLENGE_PERIOD_WORKING_DAYS', 7),
    challengeAnswerWorkingDays: workingDaysSetting(env, 'CHALLENGE_ANSWER_WORKING_DAYS', 7),
  };
}

import { loadBiddingConfig } from '../bidding/bidding.config';
import { ConfigError } from '../config/app.config';

/** Delivery settings read once at boot. */
export interface DeliveryConfig {
  /** DELIVERY_REMINDER_DAYS: the organisation is reminded this many days before a milestone is due (default 7, 0–90). */
  reminderDays: number;
  /** JOBS_ENABLED (shared with the opening job): run the reminder job. */
  jobsEnabled: boolean;
}

export const DELIVERY_CONFIG = Symbol('DELIVERY_CONFIG');

export function loadDeliveryConfig(env: NodeJS.ProcessEnv = process.env, nodeEnv = env.NODE_ENV ?? 'development'): DeliveryConfig {
  const raw = env.DELIVERY_REMINDER_DAYS?.trim() || '7';
  const reminderDays = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(reminderDays >= 0 && reminderDays <= 90)) throw new ConfigError(`DELIVERY_REMINDER_DAYS must be a whole number of days from 0 to 90, got "${raw}"`);
  return { reminderDays, jobsEnabled: loadBiddingConfig(env, nodeEnv).jobsEnabled };
}

import { ConfigError } from '../config/app.config';

/** Settings of sealed bidding read once at boot (the master key is loaded by sealing/master-key.ts). */
export interface BiddingConfig {
  /** JOBS_ENABLED: run the job queue (the automatic opening). Default true, false when NODE_ENV=test. */
  jobsEnabled: boolean;
  /** BID_SUBMISSION_CONCURRENCY: bid transactions one instance runs at once (default 14; see submission-gate.ts). */
  submissionConcurrency: number;
}

export const BIDDING_CONFIG = Symbol('BIDDING_CONFIG');

export function loadBiddingConfig(env: NodeJS.ProcessEnv = process.env, nodeEnv = env.NODE_ENV ?? 'development'): BiddingConfig {
  const raw = env.JOBS_ENABLED?.trim();
  let jobsEnabled = nodeEnv !== 'test';
  if (raw) {
    if (/^(1|true|yes|on)$/i.test(raw)) jobsEnabled = true;
    else if (/^(0|false|no|off)$/i.test(raw)) jobsEnabled = false;
    else throw new ConfigError(`JOBS_ENABLED must be true or false, got "${raw}"`);
  }
  const rawConcurrency = env.BID_SUBMISSION_CONCURRENCY?.trim() || '14';
  const submissionConcurrency = /^\d+$/.test(rawConcurrency) ? Number(rawConcurrency) : NaN;
  if (!(submissionConcurrency >= 1 && submissionConcurrency <= 200)) {
    throw new ConfigError(`BID_SUBMISSION_CONCURRENCY must be a whole number from 1 to 200, got "${rawConcurrency}"`);
  }
  return { jobsEnabled, submissionConcurrency };
}

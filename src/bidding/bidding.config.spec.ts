import { ConfigError } from '../config/app.config';
import { loadBiddingConfig } from './bidding.config';

describe('JOBS_ENABLED', () => {
  it('is on by default, off by default under NODE_ENV=test', () => {
    expect(loadBiddingConfig({}, 'production').jobsEnabled).toBe(true);
    expect(loadBiddingConfig({}, 'development').jobsEnabled).toBe(true);
    expect(loadBiddingConfig({}, 'test').jobsEnabled).toBe(false);
  });
  it('follows the variable either way', () => {
    expect(loadBiddingConfig({ JOBS_ENABLED: 'false' }, 'production').jobsEnabled).toBe(false);
    expect(loadBiddingConfig({ JOBS_ENABLED: 'true' }, 'test').jobsEnabled).toBe(true);
    expect(() => loadBiddingConfig({ JOBS_ENABLED: 'sometimes' }, 'production')).toThrow(ConfigError);
  });
});

describe('BID_SUBMISSION_CONCURRENCY', () => {
  it('defaults to 6 and accepts 1–200', () => {
    expect(loadBiddingConfig({}, 'production').submissionConcurrency).toBe(14);
    expect(loadBiddingConfig({ BID_SUBMISSION_CONCURRENCY: '12' }, 'production').submissionConcurrency).toBe(12);
  });
  it.each(['0', '201', 'many', '2.5'])('refuses %s', (raw) => {
    expect(() => loadBiddingConfig({ BID_SUBMISSION_CONCURRENCY: raw }, 'production')).toThrow(ConfigError);
  });
});

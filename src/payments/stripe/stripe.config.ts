import { ConfigError } from '../../config/app.config';

/**
 * Settings of the Stripe rail, read once at boot. Without STRIPE_SECRET_KEY the rail is off:
 * the treasury rail is every organisation's rail, the Stripe options are hidden on the pages and
 * refused by the services, and the webhook endpoint refuses every call.
 */
export interface StripeConfig {
  secretKey: string | null;
  webhookSecret: string | null;
  /** Tests only: the local fake Stripe server (STRIPE_API_HOST / _PORT / _PROTOCOL). */
  api: { host: string; port: number; protocol: 'http' | 'https' } | null;
  /** STRIPE_TIMEOUT_MS: one API call's timeout. */
  timeoutMs: number;
  /** STRIPE_MAX_ATTEMPTS: transient failures before the outbox row is dead and the disbursement failed. */
  maxAttempts: number;
  /** STRIPE_RETRY_BASE_SECONDS: first back-off; doubled per attempt, at most an hour. */
  retryBaseSeconds: number;
  /** STRIPE_OUTBOX_LEASE_SECONDS: how long a claimed row is held before another instance may take it over. */
  leaseSeconds: number;
  /** STRIPE_OUTBOX_POLL_SECONDS: how often each instance sweeps the outbox for due rows. */
  pollSeconds: number;
  /** STRIPE_CONNECT_COUNTRY: country of new connected accounts (Stripe's default when unset). */
  connectCountry: string | null;
  /** JOBS_ENABLED, as for the opening jobs: the worker, the sweep and the reconciliation schedule. */
  jobsEnabled: boolean;
  /** Tests only (NODE_ENV=test): the worker waits this long after claiming a row, before calling Stripe. */
  testHangBeforeSendMs: number;
}

export const STRIPE_CONFIG = Symbol('STRIPE_CONFIG');

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  return Number(value);
}

export function loadStripeConfig(env: NodeJS.ProcessEnv = process.env, nodeEnv = env.NODE_ENV ?? 'development'): StripeConfig {
  const secretKey = env.STRIPE_SECRET_KEY?.trim() || null;
  if (secretKey && !/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY must look like sk_live_… or sk_test_…');
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET?.trim() || null;
  if (webhookSecret && !/^whsec_[A-Za-z0-9_]+$/.test(webhookSecret)) throw new ConfigError('STRIPE_WEBHOOK_SECRET must look like whsec_…');
  if (secretKey && !webhookSecret && nodeEnv === 'production') throw new ConfigError('STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY is set');
  const host = env.STRIPE_API_HOST?.trim();
  if (host && nodeEnv === 'production') throw new ConfigError('STRIPE_API_HOST is for tests against a fake Stripe only');
  const protocol = (env.STRIPE_API_PROTOCOL?.trim() || 'https') as 'http' | 'https';
  if (!['http', 'https'].includes(protocol)) throw new ConfigError(`STRIPE_API_PROTOCOL must be http or https, got "${protocol}"`);
  const rawJobs = env.JOBS_ENABLED?.trim();
  let jobsEnabled = nodeEnv !== 'test';
  if (rawJobs) {
    if (/^(1|true|yes|on)$/i.test(rawJobs)) jobsEnabled = true;
    else if (/^(0|false|no|off)$/i.test(rawJobs)) jobsEnabled = false;
    else throw new ConfigError(`JOBS_ENABLED must be true or false, got "${rawJobs}"`);
  }
  const country = env.STRIPE_CONNECT_COUNTRY?.trim().toUpperCase() || null;
  if (country && !/^[A-Z]{2}$/.test(country)) throw new ConfigError('STRIPE_CONNECT_COUNTRY must be a two-letter country code');
  return {
    secretKey,
    webhookSecret,
    api: host ? { host, port: int('STRIPE_API_PORT', env.STRIPE_API_PORT, protocol === 'http' ? 80 : 443, 1, 65535), protocol } : null,
    timeoutMs: int('STRIPE_TIMEOUT_MS', env.STRIPE_TIMEOUT_MS, 30_000, 100, 600_000),
    maxAttempts: int('STRIPE_MAX_ATTEMPTS', env.STRIPE_MAX_ATTEMPTS, 8, 1, 100),
    retryBaseSeconds: int('STRIPE_RETRY_BASE_SECONDS', env.STRIPE_RETRY_BASE_SECONDS, 30, 0, 3600),
    leaseSeconds: int('STRIPE_OUTBOX_LEASE_SECONDS', env.STRIPE_OUTBOX_LEASE_SECONDS, 120, 1, 3600),
    pollSeconds: int('STRIPE_OUTBOX_POLL_SECONDS', env.STRIPE_OUTBOX_POLL_SECONDS, 10, 1, 3600),
    connectCountry: country,
    jobsEnabled,
    testHangBeforeSendMs: nodeEnv === 'test' ? int('STRIPE_TEST_HANG_BEFORE_SEND_MS', env.STRIPE_TEST_HANG_BEFORE_SEND_MS, 0, 0, 3_600_000) : 0,
  };
}

import * as path from 'node:path';

/**
 * Typed configuration read once from the environment and validated at boot.
 * Every variable is documented in README.md (keep the table in step with this file).
 */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** Set: use this PostgreSQL (15+). Unset: start an embedded cluster under `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Port for the embedded cluster; 0 picks a free port. */
  embeddedPgPort: number;
  /** Run pending migrations at start-up (under an advisory lock). */
  migrationsRun: boolean;
  logLevel: string;
  /** Public base URL used in links and origin checks. */
  publicUrl: string;
  identity: IdentityConfig;
  /** Seed the demo district on start (DEMO=1 or `npm start -- --demo`). */
  demo: boolean;
  /** Serve the OpenAPI description at /api/docs (API_DOCS=true); off by default. */
  apiDocs: boolean;
  /** First admin, created on start when no admin exists yet. */
  bootstrapAdmin: { email: string; password: string } | null;
  mail: MailConfig;
}

/** Email of notifications (SMTP_URL, MAIL_FROM, MAIL_*): sent from the PostgreSQL outbox. */
export interface MailConfig {
  /** smtp:// or smtps:// URL (credentials inside). Unset: messages stay in the outbox (/admin/outbox). */
  smtpUrl: string | null;
  /** The From header, e.g. `社区公共服务购买平台 <noreply@mz.gov.example>`. */
  from: string;
  /** MAIL_MAX_ATTEMPTS: failed deliveries before a message is given up ('dead'). */
  maxAttempts: number;
  /** MAIL_RETRY_BASE_SECONDS: first back-off; doubled per attempt, at most an hour. */
  retryBaseSeconds: number;
  /** MAIL_LEASE_SECONDS: how long a claimed message is held before another instance may take it over. */
  leaseSeconds: number;
  /** MAIL_POLL_SECONDS: how often each instance sweeps the outbox for due messages. */
  pollSeconds: number;
  /** JOBS_ENABLED: deliver through the job queue and the sweep (tests call `sendPending` instead). */
  jobsEnabled: boolean;
}

export interface IdentityConfig {
  /** Signs the session cookie. Required in production; in development kept in DATA_DIR. */
  sessionSecret: string | null;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginMaxFailures: number;
  loginLockMinutes: number;
  /** Per-IP sign-in attempts allowed per window (PostgreSQL-backed throttle). */
  loginRateLimit: number;
  loginRateWindowSeconds: number;
  secureCookies: boolean;
}

const PLACEHOLDER_SECRETS = /^(changeme|change-me|secret|password|test|dev|xxx+|\*+)$/i;

export class ConfigError extends Error {}

function int(name: string, raw: string | undefined, fallback: number, min = 0, max = 65535): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function bool(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['env'];
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError(`NODE_ENV must be development, production or test, got "${nodeEnv}"`);
  }
  const port = int('PORT', env.PORT, 3000, 0);
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  return {
    env: nodeEnv,
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || '.data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', env.EMBEDDED_PG_PORT, 0),
    migrationsRun: bool('MIGRATIONS_RUN', env.MIGRATIONS_RUN, true),
    logLevel: env.LOG_LEVEL?.trim() || (nodeEnv === 'test' ? 'silent' : 'info'),
    publicUrl: (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/$/, ''),
    identity: {
      sessionSecret: sessionSecret(nodeEnv, env.SESSION_SECRET),
      sessionIdleMinutes: int('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 30, 1, 24 * 60),
      sessionAbsoluteHours: int('SESSION_ABSOLUTE_HOURS', env.SESSION_ABSOLUTE_HOURS, 12, 1, 24 * 14),
      loginMaxFailures: int('LOGIN_MAX_FAILURES', env.LOGIN_MAX_FAILURES, 5, 1, 100),
      loginLockMinutes: int('LOGIN_LOCK_MINUTES', env.LOGIN_LOCK_MINUTES, 15, 1, 24 * 60),
      loginRateLimit: int('LOGIN_RATE_LIMIT', env.LOGIN_RATE_LIMIT, 20, 1, 100000),
      loginRateWindowSeconds: int('LOGIN_RATE_WINDOW_SECONDS', env.LOGIN_RATE_WINDOW_SECONDS, 600, 1, 86400),
      secureCookies: bool('SECURE_COOKIES', env.SECURE_COOKIES, nodeEnv === 'production'),
    },
    demo: bool('DEMO', env.DEMO, false),
    apiDocs: bool('API_DOCS', env.API_DOCS, false),
    bootstrapAdmin: bootstrapAdmin(env),
    mail: mailConfig(env, nodeEnv),
  };
}

/** A bare address or `Name <address>`; no line breaks (header injection). */
const MAIL_FROM = /^(?:[^<>\r\n]*<[^@\s<>]+@[^@\s<>]+>|[^@\s<>]+@[^@\s<>]+)$/;

function mailConfig(env: NodeJS.ProcessEnv, nodeEnv: AppConfig['env']): MailConfig {
  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw new ConfigError('SMTP_URL must be a URL like smtp://user:pass@mail.example:587 or smtps://…:465');
    }
    if (!['smtp:', 'smtps:'].includes(url.protocol) || !url.hostname) {
      throw new ConfigError('SMTP_URL must be a URL like smtp://user:pass@mail.example:587 or smtps://…:465');
    }
  }
  const from = env.MAIL_FROM?.trim() || null;
  if (from && !MAIL_FROM.test(from)) throw new ConfigError(`MAIL_FROM must be an address or "Name <address>", got "${from}"`);
  if (smtpUrl && !from && nodeEnv === 'production') throw new ConfigError('MAIL_FROM is required in production when SMTP_URL is set');
  return {
    smtpUrl,
    from: from ?? 'noreply@localhost',
    maxAttempts: int('MAIL_MAX_ATTEMPTS', env.MAIL_MAX_ATTEMPTS, 8, 1, 100),
    retryBaseSeconds: int('MAIL_RETRY_BASE_SECONDS', env.MAIL_RETRY_BASE_SECONDS, 60, 0, 3600),
    leaseSeconds: int('MAIL_LEASE_SECONDS', env.MAIL_LEASE_SECONDS, 120, 5, 3600),
    pollSeconds: int('MAIL_POLL_SECONDS', env.MAIL_POLL_SECONDS, 30, 1, 3600),
    jobsEnabled: bool('JOBS_ENABLED', env.JOBS_ENABLED, nodeEnv !== 'test'),
  };
}

function sessionSecret(nodeEnv: AppConfig['env'], raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) {
    if (nodeEnv === 'production') throw new ConfigError('SESSION_SECRET is required in production (32+ random characters)');
    return null;
  }
  if (nodeEnv === 'production' && (value.length < 32 || PLACEHOLDER_SECRETS.test(value))) {
    throw new ConfigError('SESSION_SECRET must be at least 32 random characters, not a placeholder');
  }
  return value;
}

function bootstrapAdmin(env: NodeJS.ProcessEnv): AppConfig['bootstrapAdmin'] {
  const email = env.ADMIN_EMAIL?.trim();
  const password = env.ADMIN_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password) throw new ConfigError('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  return { email, password };
}

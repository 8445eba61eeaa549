import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../config/app.config';

/** Resident survey settings, read once at boot (README: SURVEY_*). */
export interface SurveysConfig {
  /** SURVEY_MIN_RESPONSES: responses needed before the average counts towards the satisfaction indicator (default 10). */
  defaultMinResponses: number;
  /** SURVEY_OPEN_DAYS: how long a survey stays open when the opener names no closing date (default 30). */
  defaultOpenDays: number;
  /** SURVEY_RATE_LIMIT / SURVEY_RATE_WINDOW_SECONDS: answers one client address may send per window (default 60 per 600 s). */
  rateLimit: number;
  rateWindowSeconds: number;
  /** SURVEY_HASH_SECRET: keys the HMAC of phone numbers and device cookies. */
  hashSecret: string;
  /** Secure flag on the device cookie (SECURE_COOKIES). */
  secureCookies: boolean;
}

export const SURVEYS_CONFIG = Symbol('SURVEYS_CONFIG');
export const SECRET_FILE_NAME = 'survey-hash-secret';
const PLACEHOLDER = /^(changeme|change-me|secret|password|test|dev|x+|\*+)$/i;

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/**
 * SURVEY_HASH_SECRET is required in production (32+ characters, not a placeholder): without it
 * the stored phone hashes could not be compared after a restart. In development one is generated
 * once into $DATA_DIR/survey-hash-secret (0600); tests get a random one per app.
 */
function hashSecret(env: NodeJS.ProcessEnv, nodeEnv: string, dataDir: string): string {
  const raw = env.SURVEY_HASH_SECRET?.trim();
  if (raw) {
    if (raw.length < 32 || PLACEHOLDER.test(raw)) throw new ConfigError('SURVEY_HASH_SECRET must be at least 32 random characters, not a placeholder');
    return raw;
  }
  if (nodeEnv === 'production') throw new ConfigError('SURVEY_HASH_SECRET is required in production (32+ random characters): it keys the hashes of residents’ phone numbers');
  if (nodeEnv === 'test') return randomBytes(32).toString('hex');
  const file = path.join(dataDir, SECRET_FILE_NAME);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export function loadSurveysConfig(env: NodeJS.ProcessEnv, app: { env: string; dataDir: string; secureCookies: boolean }): SurveysConfig {
  return {
    defaultMinResponses: whole(env, 'SURVEY_MIN_RESPONSES', 10, 1, 1000),
    defaultOpenDays: whole(env, 'SURVEY_OPEN_DAYS', 30, 1, 365),
    rateLimit: whole(env, 'SURVEY_RATE_LIMIT', 60, 1, 100000),
    rateWindowSeconds: whole(env, 'SURVEY_RATE_WINDOW_SECONDS', 600, 1, 86400),
    hashSecret: hashSecret(env, app.env, app.dataDir),
    secureCookies: app.secureCookies,
  };
}

import type { FactoryProvider } from '@nestjs/common';
import { parseYuanToMinor } from '../common/money/money';
import { ConfigError } from '../config/app.config';

/** Settings of the registry, read once from the environment and validated at boot. */
export interface OrganisationsConfig {
  /** ORG_MIN_REGISTERED_CAPITAL_YUAN in fen: the least registered capital (开办资金/注册资金) accepted at registration. */
  minRegisteredCapitalMinor: number;
  /** REGISTRATION_RATE_LIMIT / REGISTRATION_RATE_WINDOW_SECONDS: registration attempts one client address may send per window. */
  registrationRateLimit: number;
  registrationRateWindowSeconds: number;
}

export const ORGANISATIONS_CONFIG = Symbol('ORGANISATIONS_CONFIG');

export const DEFAULT_MIN_REGISTERED_CAPITAL_YUAN = '3000';

/** Throws ConfigError (the app refuses to start) when ORG_MIN_REGISTERED_CAPITAL_YUAN is not an amount in yuan. */
export function loadOrganisationsConfig(env: NodeJS.ProcessEnv = process.env): OrganisationsConfig {
  const raw = env.ORG_MIN_REGISTERED_CAPITAL_YUAN?.trim() || DEFAULT_MIN_REGISTERED_CAPITAL_YUAN;
  const minor = /^\d+(\.\d{1,2})?$/.test(raw) ? parseYuanToMinor(raw) : null;
  if (minor === null) {
    throw new ConfigError(`ORG_MIN_REGISTERED_CAPITAL_YUAN must be an amount in yuan such as 3000 or 3000.50, got "${raw}"`);
  }
  // Ten attempts an hour is plenty for a person (or an office sharing one address); tests register far more.
  const testing = (env.NODE_ENV ?? '') === 'test';
  return {
    minRegisteredCapitalMinor: minor,
    registrationRateLimit: whole(env, 'REGISTRATION_RATE_LIMIT', testing ? 100_000 : 10, 1, 100_000),
    registrationRateWindowSeconds: whole(env, 'REGISTRATION_RATE_WINDOW_SECONDS', 3600, 1, 86_400),
  };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/** Read when the app starts: a malformed ORG_MIN_REGISTERED_CAPITAL_YUAN stops it with a ConfigError. */
export const organisationsConfigProvider: FactoryProvider<OrganisationsConfig> = {
  provide: ORGANISATIONS_CONFIG,
  useFactory: () => loadOrganisationsConfig(),
};

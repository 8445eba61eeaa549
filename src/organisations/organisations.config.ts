import type { FactoryProvider } from '@nestjs/common';
import { parseYuanToMinor } from '../common/money/money';
import { ConfigError } from '../config/app.config';

/** Settings of the registry, read once from the environment and validated at boot. */
export interface OrganisationsConfig {
  /** ORG_MIN_REGISTERED_CAPITAL_YUAN in fen: the least registered capital (开办资金/注册资金) accepted at registration. */
  minRegisteredCapitalMinor: number;
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
  return { minRegisteredCapitalMinor: minor };
}

/** Read when the app starts: a malformed ORG_MIN_REGISTERED_CAPITAL_YUAN stops it with a ConfigError. */
export const organisationsConfigProvider: FactoryProvider<OrganisationsConfig> = {
  provide: ORGANISATIONS_CONFIG,
  useFactory: () => loadOrganisationsConfig(),
};

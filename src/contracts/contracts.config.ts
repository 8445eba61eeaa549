import { workingDaysSetting } from '../awards/awards.config';

/** Contract settings read once at boot. */
export interface ContractsConfig {
  /**
   * CONTRACT_PUBLICATION_WORKING_DAYS: an active contract is due on the public board within this
   * many working days (default 2, 《政府采购法实施条例》第五十条). It is published at activation.
   */
  publicationWorkingDays: number;
}

export const CONTRACTS_CONFIG = Symbol('CONTRACTS_CONFIG');

export function loadContractsConfig(env: NodeJS.ProcessEnv = process.env): ContractsConfig {
  return { publicationWorkingDays: workingDaysSetting(env, 'CONTRACT_PUBLICATION_WORKING_DAYS', 2) };
}

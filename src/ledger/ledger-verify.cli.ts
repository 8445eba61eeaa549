import 'reflect-metadata';
import { runVerificationCli, verifyAt } from '../database/verification.cli';
import { LedgerQueries, LedgerVerification, describeLedgerVerification } from './ledger.queries';

/**
 * `npm run ledger:verify` against DATABASE_URL, or the embedded cluster under DATA_DIR when it is
 * unset: the trial balance. Exits 1 when anything disagrees (or the check could not run).
 */
export function verifyLedgerAt(url: string, print: (line: string) => void = console.log): Promise<LedgerVerification> {
  return verifyAt(url, (dataSource) => new LedgerQueries(dataSource).verifyLedger(), describeLedgerVerification, print);
}

if (require.main === module) runVerificationCli(verifyLedgerAt, 'the journal tables do not exist');

import 'reflect-metadata';
import { runVerificationCli, verifyAt } from '../database/verification.cli';
import { AuditService } from './audit.service';
import { ChainVerification } from './domain/audit-chain';

/**
 * `npm run audit:verify` against DATABASE_URL, or the embedded cluster under DATA_DIR when it is
 * unset. Prints the result; exits 1 when the chain is broken (or the check could not run).
 */
const REASONS = {
  prev_hash_mismatch: 'it does not point at the event before it (an event was deleted, inserted or reordered)',
  hash_mismatch: 'its content does not match its hash (it was changed after it was written)',
} as const;

export function describeVerification(result: ChainVerification): string {
  if (result.ok) return `audit log OK: ${result.checked} events checked, hash chain intact`;
  return `audit log BROKEN at event ${result.firstBrokenId}: ${result.reason}: ${REASONS[result.reason]}; ${result.checked} events before it are intact`;
}

/** Verifies the chain in the database at `url`, prints one line and returns the result. */
export function verifyAuditLog(url: string, print: (line: string) => void = console.log): Promise<ChainVerification> {
  return verifyAt(url, (dataSource) => new AuditService(dataSource).verify(), describeVerification, print);
}

if (require.main === module) runVerificationCli(verifyAuditLog, 'the audit_events table does not exist');

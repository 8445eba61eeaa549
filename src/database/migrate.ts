import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';

/** Arbitrary constant: the key of the advisory lock held while migrating. */
export const MIGRATION_LOCK_KEY = 728_341_009;

/**
 * Runs pending migrations while holding a session-level advisory lock, so that several
 * instances starting together migrate once: the others wait, then find nothing to do.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, { extra: { max: 1 } });
  await dataSource.initialize();
  try {
    return await withMigrationLock(dataSource, async () => {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    });
  } finally {
    await dataSource.destroy();
  }
}

export async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  // Pool of one connection: the lock and the migrations share the same session.
  await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    return await work();
  } finally {
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

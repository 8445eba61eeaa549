import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { RUN_DATABASE_PREFIX, templateDatabase, urlFor, withAdminClient } from './test-database';

const STALE_AFTER_SECONDS = 3 * 3600;

/**
 * Starts PostgreSQL for the whole run (DATABASE_URL's server when set, else an embedded cluster
 * under .data/test, kept between runs so it starts in well under a second, and shared with a
 * test run already using it), then builds this run's migrated template database.
 */
export default async function globalSetup(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  process.env.TEST_RUN_ID = `${now}${randomBytes(3).toString('hex')}`;
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    const cluster = await startEmbeddedPostgres({ dataDir: path.resolve(process.env.DATA_DIR || '.data', 'test'), reuseRunning: true });
    (globalThis as { __PG_CLUSTER__?: unknown }).__PG_CLUSTER__ = cluster;
    admin = cluster.url('postgres');
  }
  process.env.TEST_DATABASE_ADMIN_URL = admin;
  await withAdminClient(async (client) => {
    // Databases left by killed runs (older than three hours) are dropped.
    const stale = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${RUN_DATABASE_PREFIX}%`]);
    for (const { datname } of stale.rows) {
      const started = Number(/^mkt_(\d{10})/.exec(datname)?.[1] ?? 0);
      if (now - started > STALE_AFTER_SECONDS) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await client.query(`CREATE DATABASE "${templateDatabase()}"`);
  }, admin);
  await runMigrations(urlFor(templateDatabase(), admin));
}

import * as path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, urlFor, withAdminClient } from './test-database';

/**
 * Starts PostgreSQL for the whole run (DATABASE_URL's server when set, else an embedded cluster
 * under .data/test, kept between runs so it starts in well under a second), then builds the
 * migrated template database every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    const cluster = await startEmbeddedPostgres({ dataDir: path.resolve(process.env.DATA_DIR || '.data', 'test') });
    (globalThis as { __PG_CLUSTER__?: unknown }).__PG_CLUSTER__ = cluster;
    admin = cluster.url('postgres');
  }
  process.env.TEST_DATABASE_ADMIN_URL = admin;
  await withAdminClient(async (client) => {
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [TEMPLATE_DATABASE, `${TEST_DATABASE_PREFIX}%`],
    );
    for (const { datname } of stale.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  }, admin);
  await runMigrations(urlFor(TEMPLATE_DATABASE, admin));
}

import { Client } from 'pg';
import { AppConfig } from '../config/app.config';
import { EmbeddedCluster, startEmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'marketplace';

export interface ResolvedDatabase {
  url: string;
  embedded?: EmbeddedCluster;
}

/** DATABASE_URL when set; otherwise an embedded cluster (started here) and its `marketplace` database. */
export async function resolveDatabase(config: AppConfig, log?: (message: string) => void, options: { ownProcessGroup?: boolean } = {}): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log, ownProcessGroup: options.ownProcessGroup });
  await ensureDatabase(embedded.url('postgres'), EMBEDDED_DATABASE_NAME);
  return { url: embedded.url(EMBEDDED_DATABASE_NAME), embedded };
}

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // Two instances creating the database at once: the loser sees duplicate_database.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

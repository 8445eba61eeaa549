import { RUN_DATABASE_PREFIX, runId, withAdminClient } from './test-database';

/** Drops this run's databases; stops the embedded cluster if this run started it and no other run is using it. */
export default async function globalTeardown(): Promise<void> {
  const others = await withAdminClient(async (client) => {
    const mine = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${RUN_DATABASE_PREFIX}${runId()}_%`]);
    for (const { datname } of mine.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    const rest = await client.query(`SELECT 1 FROM pg_database WHERE datname LIKE $1 AND datname LIKE '%_template'`, [`${RUN_DATABASE_PREFIX}%`]);
    return rest.rowCount ?? 0;
  });
  const cluster = (globalThis as { __PG_CLUSTER__?: { stop(): Promise<void>; reused: boolean } }).__PG_CLUSTER__;
  if (cluster && !cluster.reused && others === 0) await cluster.stop();
}

import { TEMPLATE_DATABASE, TEST_DATABASE_PREFIX, withAdminClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  await withAdminClient(async (client) => {
    const left = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`, [
      TEMPLATE_DATABASE,
      `${TEST_DATABASE_PREFIX}%`,
    ]);
    for (const { datname } of left.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  const cluster = (globalThis as { __PG_CLUSTER__?: { stop(): Promise<void> } }).__PG_CLUSTER__;
  await cluster?.stop();
}

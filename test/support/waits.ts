import { DataSource } from 'typeorm';

/**
 * Waits until another session of this test's database is blocked on a lock while running a
 * statement that matches `queryLike` (a LIKE pattern over pg_stat_activity.query). It proves the
 * race is real: the competitor is queued behind the lock the test holds, not merely slower.
 * Resolves with the number of blocked sessions once `sessions` of them wait; throws when they do
 * not within `timeoutMs`, so a test whose lock disappeared fails here.
 */
export async function waitForLockWait(dataSource: DataSource, queryLike: string, { sessions = 1, timeoutMs = 10_000 } = {}): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ waiting }] = (await dataSource.query(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND query LIKE $1`,
      [queryLike],
    )) as Array<{ waiting: number }>;
    if (waiting >= sessions) return waiting;
    if (Date.now() > deadline) throw new Error(`${waiting} of ${sessions} sessions waited on a lock running ${queryLike} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until no job of the pg-boss queue `name` is waiting or running (created, retry, active):
 * every run queued so far has finished. Throws after `timeoutMs`.
 */
export async function waitForQueueIdle(dataSource: DataSource, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [{ pending }] = (await dataSource.query(`SELECT count(*)::int AS pending FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [name])) as Array<{
      pending: number;
    }>;
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`jobs of ${name} still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

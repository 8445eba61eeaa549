import PgBoss from 'pg-boss';
import type { QueryRunner } from 'typeorm';
import { CreateJobQueue1795490000500 } from '../../migrations/1795490000500-CreateJobQueue';

/**
 * The job queue's schema is one frozen string in a landed migration (never edited). This keeps it
 * honest: it must be exactly what the installed pg-boss would create. When pg-boss is upgraded this
 * fails, and the upgrade is a new migration with PgBoss.getMigrationPlans('pgboss', <old version>).
 * To read the schema: node -e "console.log(require('pg-boss').getConstructionPlans('pgboss'))"
 */
describe('the job-queue migration', () => {
  it("runs exactly pg-boss's own construction plan for the installed version, inside the migration's transaction", async () => {
    const statements: string[] = [];
    const runner = { query: (sql: string) => Promise.resolve(void statements.push(sql)) } as unknown as QueryRunner;
    await new CreateJobQueue1795490000500().up(runner);
    // Without pg-boss's own BEGIN/COMMIT: the migrator runs each migration in its transaction.
    const plan = PgBoss.getConstructionPlans('pgboss')
      .replace(/^\s*BEGIN;\s*/, '')
      .replace(/COMMIT;\s*$/, '');
    expect(statements).toEqual([plan]);
  });
});

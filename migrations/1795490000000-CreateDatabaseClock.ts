import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines are decided by the database clock: app_now() is clock_timestamp() plus an offset that
 * only tests move (the app refuses to start in production with a non-zero offset). Every
 * deadline check in SQL and the Clock service read app_now().
 */
export class CreateDatabaseClock1795490000000 implements MigrationInterface {
  name = 'CreateDatabaseClock1795490000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE clock_settings (
        id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        offset_ms  bigint  NOT NULL DEFAULT 0
      )`);
    await q.query(`INSERT INTO clock_settings (id, offset_ms) VALUES (1, 0)`);
    await q.query(`
      CREATE FUNCTION app_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
        SELECT clock_timestamp() + (SELECT offset_ms FROM clock_settings WHERE id = 1) * interval '1 millisecond'
      $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_now()`);
    await q.query(`DROP TABLE clock_settings`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The in-app inbox: one row per recipient, written in the transaction of the event it reports. */
export class CreateNotifications1795495000000 implements MigrationInterface {
  name = 'CreateNotifications1795495000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid        NOT NULL REFERENCES users(id),
        kind        text        NOT NULL CHECK (kind ~ '^[a-z_.]+$'),
        title_key   text        NOT NULL,
        params      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        link        text        CHECK (link IS NULL OR link ~ '^/'),
        created_at  timestamptz NOT NULL DEFAULT now(),
        read_at     timestamptz
      )`);
    await q.query(`CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email for decisions (issue 10): the language a person reads email in (identity owns users), each
 * person's choice about non-essential email, and the outbox of rendered messages, written in the
 * transaction of the notification they copy and sent by a worker that claims rows under a lease.
 */
export class CreateMailOutbox1795601000000 implements MigrationInterface {
  name = 'CreateMailOutbox1795601000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN preferred_locale text NOT NULL DEFAULT 'zh-CN' CHECK (preferred_locale IN ('zh-CN', 'en'))`);
    await q.query(`
      CREATE TABLE notification_settings (
        user_id              uuid        PRIMARY KEY REFERENCES users(id),
        email_non_essential  boolean     NOT NULL DEFAULT true,
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE mail_outbox (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        notification_id  uuid        REFERENCES notifications(id),
        user_id          uuid        NOT NULL REFERENCES users(id),
        recipient        text        NOT NULL,
        locale           text        NOT NULL CHECK (locale IN ('zh-CN', 'en')),
        kind             text        NOT NULL,
        is_essential     boolean     NOT NULL,
        subject          text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 500),
        body_text        text        NOT NULL,
        status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
        attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        locked_until     timestamptz,
        last_error       text,
        message_id       text,
        created_at       timestamptz NOT NULL DEFAULT now(),
        sent_at          timestamptz,
        CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
        CHECK (status <> 'sending' OR locked_until IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`);
    await q.query(`CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC)`);
    await q.query(`CREATE INDEX mail_outbox_notification_idx ON mail_outbox (notification_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE mail_outbox`);
    await q.query(`DROP TABLE notification_settings`);
    await q.query(`ALTER TABLE users DROP COLUMN preferred_locale`);
  }
}

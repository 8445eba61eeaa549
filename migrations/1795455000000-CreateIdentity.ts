import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdentity1795455000000 implements MigrationInterface {
  name = 'CreateIdentity1795455000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id                    uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        email                 text        NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\\s]+@[^@\\s]+$'),
        display_name          text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
        password_hash         text        NOT NULL,
        roles                 text[]      NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY[
                                'org_member','org_admin','bureau_officer','bureau_approver','evaluator','admin','auditor']::text[]),
        organisation_id       uuid,
        is_active             boolean     NOT NULL DEFAULT true,
        failed_login_count    integer     NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
        locked_until          timestamptz,
        last_login_at         timestamptz,
        password_changed_at   timestamptz NOT NULL DEFAULT now(),
        must_change_password  boolean     NOT NULL DEFAULT false,
        created_at            timestamptz NOT NULL DEFAULT now(),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        -- An organisation member acts for exactly one organisation and holds no staff or evaluator role.
        CONSTRAINT users_org_roles_exclusive CHECK (
          NOT (roles && ARRAY['org_member','org_admin']::text[]
               AND roles && ARRAY['bureau_officer','bureau_approver','evaluator','admin','auditor']::text[])),
        CONSTRAINT users_org_member_has_org CHECK (
          (roles && ARRAY['org_member','org_admin']::text[]) = (organisation_id IS NOT NULL)),
        CONSTRAINT users_org_admin_is_member CHECK (NOT ('org_admin' = ANY(roles)) OR 'org_member' = ANY(roles))
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`CREATE INDEX users_organisation_idx ON users (organisation_id)`);
    await q.query(`
      CREATE TABLE password_reset_tokens (
        id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid        NOT NULL REFERENCES users(id),
        token_hash  char(64)    NOT NULL UNIQUE,
        created_by  uuid        REFERENCES users(id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        used_at     timestamptz
      )`);
    await q.query(`CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
    // express-session store (connect-pg-simple's layout), shared by every app instance.
    await q.query(`
      CREATE TABLE user_sessions (
        sid     varchar     PRIMARY KEY,
        sess    json        NOT NULL,
        expire  timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX user_sessions_expire_idx ON user_sessions (expire)`);
    // Rate-limit counters shared by every app instance (@nestjs/throttler storage).
    await q.query(`
      CREATE TABLE throttle_counters (
        key            text        PRIMARY KEY,
        hits           integer     NOT NULL,
        window_ends_at timestamptz NOT NULL,
        blocked_until  timestamptz
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE throttle_counters`);
    await q.query(`DROP TABLE user_sessions`);
    await q.query(`DROP TABLE password_reset_tokens`);
    await q.query(`DROP TABLE users`);
  }
}

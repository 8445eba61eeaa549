import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditLog1795460000000 implements MigrationInterface {
  name = 'CreateAuditLog1795460000000';

  public async up(q: QueryRunner): Promise<void> {
    // Append-only, hash-chained (src/audit/domain/audit-chain.ts). actor_id has no foreign key:
    // events outlive the users who caused them.
    await q.query(`
      CREATE TABLE audit_events (
        id           bigserial   PRIMARY KEY,
        occurred_at  timestamptz NOT NULL,
        actor_id     uuid,
        actor_roles  text[]      NOT NULL CHECK (array_position(actor_roles, NULL) IS NULL),
        action       text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
        entity_type  text        NOT NULL CHECK (length(entity_type) > 0),
        entity_id    text        NOT NULL CHECK (length(entity_id) > 0),
        summary      jsonb       NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
        request_id   text,
        ip           text,
        prev_hash    char(64)    NOT NULL CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash         char(64)    NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT audit_events_hash_key UNIQUE (hash),
        -- One successor per event: two writers that read the same head cannot fork the chain.
        CONSTRAINT audit_events_prev_hash_key UNIQUE (prev_hash)
      )`);
    await q.query(`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id)`);
    await q.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at)`);
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP FUNCTION audit_events_refuse_change()`);
  }
}

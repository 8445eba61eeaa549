import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit events are now chained after they commit instead of inside the business transaction.
 * Every audited write used to take one advisory lock held to COMMIT (WAL flush included), so all
 * audited transactions ran one at a time (the bid-surge benchmark's ceiling). Now a transaction
 * only inserts its event (chain_seq, prev_hash and hash NULL); a single chainer at a time (an
 * advisory lock, in any instance) takes the committed, unchained events in id order, links them
 * after the chain head and fills in the three columns, once. The append-only trigger allows
 * exactly that one update and refuses every other UPDATE, DELETE and TRUNCATE.
 *
 * Existing rows were chained in id order: their chain_seq is their id.
 */
export class ChainAuditEventsAsynchronously1795512000000 implements MigrationInterface {
  name = 'ChainAuditEventsAsynchronously1795512000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
    await q.query(`ALTER TABLE audit_events ADD COLUMN chain_seq bigint`);
    await q.query(`UPDATE audit_events SET chain_seq = id`);
    await q.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
    await q.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_chain_seq_key UNIQUE (chain_seq)`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    await q.query(`
      ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained_whole
        CHECK ((chain_seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))`);
    await q.query(`CREATE INDEX audit_events_unchained_idx ON audit_events (id) WHERE chain_seq IS NULL`);
    await q.query(`
      CREATE FUNCTION audit_events_guard_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL
           AND (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.actor_roles, NEW.action, NEW.entity_type,
                NEW.entity_id, NEW.summary, NEW.request_id, NEW.ip)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.actor_roles, OLD.action, OLD.entity_type,
                OLD.entity_id, OLD.summary, OLD.request_id, OLD.ip) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`DROP TRIGGER audit_events_append_only ON audit_events`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_guard_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_events_append_only ON audit_events`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()`);
    await q.query(`DROP FUNCTION audit_events_guard_change()`);
    await q.query(`DROP INDEX audit_events_unchained_idx`);
    await q.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_chained_whole`);
    await q.query(`ALTER TABLE audit_events ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
    await q.query(`ALTER TABLE audit_events DROP COLUMN chain_seq`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Milestone deliveries (交付): what the organisation submits for a milestone of an active
 * contract, once per round (1 = the first delivery, 2 = the delivery after rectification),
 * with its service records (one row per line of the form or of the uploaded service log) and
 * attachments (documents module: photos, sign-in sheets). Read by the service evaluation.
 *
 * Deliveries are evidence: append-only. `submitted_at` comes from the database clock and
 * `late` is checked against the deadline recorded beside it. Reminders of due and overdue
 * milestones are written once per milestone, kind and due date (the job may run twice).
 */
export class CreateMilestoneDeliveries1795520000000 implements MigrationInterface {
  name = 'CreateMilestoneDeliveries1795520000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE milestone_deliveries (
        id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        round               integer     NOT NULL CHECK (round IN (1, 2)),
        narrative           text        NOT NULL CHECK (length(btrim(narrative)) BETWEEN 10 AND 20000),
        submitted_by        uuid        NOT NULL REFERENCES users(id),
        submitted_at        timestamptz NOT NULL DEFAULT app_now(),
        late                boolean     NOT NULL,
        organisation_id     uuid        NOT NULL REFERENCES organisations(id),
        deadline_at         timestamptz NOT NULL,
        records_source      text        NOT NULL CHECK (records_source IN ('form', 'csv', 'xlsx')),
        service_log_name    text        CHECK (service_log_name IS NULL OR length(service_log_name) BETWEEN 1 AND 255),
        service_log_sha256  char(64)    CHECK (service_log_sha256 IS NULL OR service_log_sha256 ~ '^[0-9a-f]{64}$'),
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        UNIQUE (contract_id, milestone_position, round),
        CONSTRAINT milestone_deliveries_late CHECK (late = (submitted_at > deadline_at)),
        CONSTRAINT milestone_deliveries_log CHECK ((records_source = 'form') = (service_log_sha256 IS NULL) AND (service_log_sha256 IS NULL) = (service_log_name IS NULL))
      )`);
    await q.query(`CREATE INDEX milestone_deliveries_organisation_idx ON milestone_deliveries (organisation_id, submitted_at DESC)`);
    await q.query(`CREATE INDEX milestone_deliveries_submitted_idx ON milestone_deliveries (submitted_at DESC)`);
    await q.query(`
      CREATE TABLE delivery_service_records (
        delivery_id    uuid        NOT NULL REFERENCES milestone_deliveries(id),
        line           integer     NOT NULL CHECK (line >= 1),
        item_code      varchar(16) NOT NULL REFERENCES catalogue_items(code),
        service_date   date,
        sessions       integer     NOT NULL DEFAULT 0 CHECK (sessions >= 0),
        person_visits  integer     NOT NULL DEFAULT 0 CHECK (person_visits >= 0),
        households     integer     NOT NULL DEFAULT 0 CHECK (households >= 0),
        hours_centi    integer     NOT NULL DEFAULT 0 CHECK (hours_centi >= 0),
        note           text        CHECK (note IS NULL OR length(note) <= 500),
        PRIMARY KEY (delivery_id, line)
      )`);
    await q.query(`
      CREATE TABLE delivery_attachments (
        delivery_id    uuid        NOT NULL REFERENCES milestone_deliveries(id),
        document_id    uuid        NOT NULL UNIQUE REFERENCES documents(id),
        kind           text        NOT NULL CHECK (kind IN ('photo', 'sign_in_sheet', 'other')),
        position       integer     NOT NULL CHECK (position >= 1),
        original_name  text        NOT NULL,
        sha256         char(64)    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        uploaded_at    timestamptz NOT NULL,
        PRIMARY KEY (delivery_id, document_id),
        UNIQUE (delivery_id, position)
      )`);
    await q.query(`
      CREATE FUNCTION milestone_deliveries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    for (const table of ['milestone_deliveries', 'delivery_service_records', 'delivery_attachments']) {
      await q.query(`CREATE TRIGGER ${table}_no_change BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION milestone_deliveries_append_only()`);
      await q.query(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION milestone_deliveries_append_only()`);
    }
    await q.query(`
      CREATE TABLE milestone_reminders (
        contract_id         uuid        NOT NULL,
        milestone_position  integer     NOT NULL,
        kind                text        NOT NULL CHECK (kind IN ('due_soon', 'overdue')),
        due_date            date        NOT NULL,
        sent_at             timestamptz NOT NULL DEFAULT app_now(),
        PRIMARY KEY (contract_id, milestone_position, kind, due_date),
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE milestone_reminders`);
    await q.query(`DROP TABLE delivery_attachments`);
    await q.query(`DROP TABLE delivery_service_records`);
    await q.query(`DROP TABLE milestone_deliveries`);
    await q.query(`DROP FUNCTION milestone_deliveries_append_only()`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sealed bids. Contents are AES-256-GCM ciphertext under a per-project data key, itself wrapped
 * by a master key that never enters the database. Every submission, amendment and withdrawal is
 * a new bid_versions row (the latest counts; earlier ones are kept). A deferred constraint
 * trigger checks the deadline against the database clock at COMMIT, so a bid committed after
 * the deadline is refused however the request was timed; the project row is share-locked by
 * submissions and exclusively locked by the opening, so the opening sees every acknowledged bid.
 */
export class CreateSealedBids1795490000400 implements MigrationInterface {
  name = 'CreateSealedBids1795490000400';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE project_keys (
        project_id     uuid        PRIMARY KEY REFERENCES projects(id),
        master_key_id  text        NOT NULL,
        wrapped_key    bytea       NOT NULL,
        wrap_iv        bytea       NOT NULL,
        wrap_tag       bytea       NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE bids (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id       uuid        NOT NULL REFERENCES projects(id),
        organisation_id  uuid        NOT NULL REFERENCES organisations(id),
        status           text        NOT NULL CHECK (status IN ('submitted', 'withdrawn')),
        current_version  integer     NOT NULL CHECK (current_version >= 1),
        first_submitted_at timestamptz NOT NULL,
        last_changed_at  timestamptz NOT NULL,
        needs_review     boolean     NOT NULL DEFAULT false,
        CONSTRAINT bids_one_per_organisation UNIQUE (project_id, organisation_id)
      )`);
    await q.query(`
      CREATE TABLE bid_versions (
        bid_id          uuid        NOT NULL REFERENCES bids(id),
        version         integer     NOT NULL CHECK (version >= 1),
        project_id      uuid        NOT NULL REFERENCES projects(id),
        kind            text        NOT NULL CHECK (kind IN ('submission', 'amendment', 'withdrawal')),
        sealed_content  bytea,
        iv              bytea,
        auth_tag        bytea,
        receipt_sha256  char(64),
        submitted_at    timestamptz NOT NULL,
        submitted_by    uuid        NOT NULL REFERENCES users(id),
        PRIMARY KEY (bid_id, version),
        CONSTRAINT bid_versions_sealed CHECK (
          (kind = 'withdrawal') = (sealed_content IS NULL) AND (sealed_content IS NULL) = (receipt_sha256 IS NULL)
          AND (sealed_content IS NULL) = (iv IS NULL) AND (iv IS NULL) = (auth_tag IS NULL))
      )`);
    await q.query(`
      CREATE FUNCTION bid_versions_before_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        p record;
      BEGIN
        SELECT status, bid_deadline_at INTO p FROM projects WHERE id = NEW.project_id;
        IF p.status <> 'published' OR app_now() >= p.bid_deadline_at THEN
          RAISE EXCEPTION 'bidding closed for project %', NEW.project_id
            USING ERRCODE = 'P0001', HINT = 'PROCUREMENT.BID_WINDOW_CLOSED';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER bid_versions_deadline
        AFTER INSERT ON bid_versions DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION bid_versions_before_deadline()`);
    // Versions are evidence: never changed or removed.
    await q.query(`
      CREATE FUNCTION bid_versions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'bid_versions is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER bid_versions_no_change BEFORE UPDATE OR DELETE ON bid_versions FOR EACH ROW EXECUTE FUNCTION bid_versions_append_only()`);
    // The opening record (开标记录): what was read out, per bid, once.
    await q.query(`
      CREATE TABLE bid_openings (
        project_id   uuid        PRIMARY KEY REFERENCES projects(id),
        opened_at    timestamptz NOT NULL,
        opened_by    uuid        REFERENCES users(id),
        trigger      text        NOT NULL CHECK (trigger IN ('job', 'staff')),
        bid_count    integer     NOT NULL CHECK (bid_count >= 0)
      )`);
    await q.query(`
      CREATE TABLE opened_bids (
        bid_id           uuid        PRIMARY KEY REFERENCES bids(id),
        project_id       uuid        NOT NULL REFERENCES bid_openings(project_id),
        organisation_id  uuid        NOT NULL REFERENCES organisations(id),
        version          integer     NOT NULL,
        submitted_at     timestamptz NOT NULL,
        receipt_sha256   char(64)    NOT NULL,
        decrypted        boolean     NOT NULL,
        decrypt_error    text,
        price_minor      bigint      CHECK (price_minor > 0),
        content          jsonb,
        CONSTRAINT opened_bids_decrypted CHECK (decrypted = (price_minor IS NOT NULL AND content IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX opened_bids_project_idx ON opened_bids (project_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ['opened_bids', 'bid_openings', 'bid_versions', 'bids', 'project_keys']) await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP FUNCTION bid_versions_append_only()`);
    await q.query(`DROP FUNCTION bid_versions_before_deadline()`);
  }
}

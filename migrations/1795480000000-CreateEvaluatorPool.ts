import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEvaluatorPool1795480000000 implements MigrationInterface {
  name = 'CreateEvaluatorPool1795480000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evaluator_profiles (
        user_id     uuid        PRIMARY KEY REFERENCES users(id),
        expertise   text[]      NOT NULL CHECK (
                      cardinality(expertise) BETWEEN 1 AND 20
                      AND array_to_string(expertise, ',') ~ '^C[0-9]{2}(,C[0-9]{2})*$'),
        employer    text        NOT NULL CHECK (length(employer) BETWEEN 1 AND 100),
        title       text        CHECK (title IS NULL OR length(title) BETWEEN 1 AND 50),
        phone       text        CHECK (phone IS NULL OR phone ~ '^[0-9+() -]{7,20}$'),
        bio         text        CHECK (bio IS NULL OR length(bio) BETWEEN 1 AND 2000),
        is_active   boolean     NOT NULL DEFAULT true,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX evaluator_profiles_expertise_idx ON evaluator_profiles USING gin (expertise)`);
    // Expertise entries are catalogue category codes (an array cannot carry a foreign key).
    await q.query(`
      CREATE FUNCTION evaluator_profiles_check_expertise() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM unnest(NEW.expertise) AS e(code)
                    WHERE NOT EXISTS (SELECT 1 FROM catalogue_categories c WHERE c.code = e.code)) THEN
          RAISE EXCEPTION 'evaluator expertise % contains a code that is not a catalogue category', NEW.expertise
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER evaluator_profiles_expertise_known BEFORE INSERT OR UPDATE OF expertise ON evaluator_profiles
        FOR EACH ROW EXECUTE FUNCTION evaluator_profiles_check_expertise()`);

    await q.query(`
      CREATE TABLE evaluator_relationships (
        id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        evaluator_id     uuid        NOT NULL REFERENCES evaluator_profiles(user_id),
        organisation_id  uuid        NOT NULL REFERENCES organisations(id),
        kind             text        NOT NULL CHECK (kind IN
                           ('employment', 'directorship', 'close_relative_of_legal_representative', 'other')),
        started_on       date        NOT NULL,
        ended_on         date        NULL,
        note             text        CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
        declared_by      uuid        REFERENCES users(id),
        created_at       timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT evaluator_relationships_ended_after_start CHECK (ended_on >= started_on),
        -- "Other" says what the relationship is.
        CONSTRAINT evaluator_relationships_other_has_note CHECK (kind <> 'other' OR note IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX evaluator_relationships_evaluator_idx ON evaluator_relationships (evaluator_id)`);
    await q.query(`CREATE INDEX evaluator_relationships_organisation_idx ON evaluator_relationships (organisation_id)`);
    // The same open relationship is declared once (an evaluator and an admin may both try).
    await q.query(`
      CREATE UNIQUE INDEX evaluator_relationships_open_key ON evaluator_relationships (evaluator_id, organisation_id, kind)
        WHERE ended_on IS NULL`);
    // Conflicts of interest are history: a relationship is never deleted or rewritten, only ended once.
    await q.query(`
      CREATE FUNCTION evaluator_relationships_end_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
          RAISE EXCEPTION 'evaluator relationships are never deleted; set ended_on instead'
            USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.ended_on IS NOT NULL OR NEW.ended_on IS NULL
           OR (NEW.id, NEW.evaluator_id, NEW.organisation_id, NEW.kind, NEW.started_on, NEW.note, NEW.declared_by, NEW.created_at)
              IS DISTINCT FROM
              (OLD.id, OLD.evaluator_id, OLD.organisation_id, OLD.kind, OLD.started_on, OLD.note, OLD.declared_by, OLD.created_at) THEN
          RAISE EXCEPTION 'an evaluator relationship can only be ended, once'
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER evaluator_relationships_append_only BEFORE UPDATE OR DELETE ON evaluator_relationships
        FOR EACH ROW EXECUTE FUNCTION evaluator_relationships_end_only()`);
    await q.query(`
      CREATE TRIGGER evaluator_relationships_no_truncate BEFORE TRUNCATE ON evaluator_relationships
        FOR EACH STATEMENT EXECUTE FUNCTION evaluator_relationships_end_only()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE evaluator_relationships`);
    await q.query(`DROP FUNCTION evaluator_relationships_end_only()`);
    await q.query(`DROP TABLE evaluator_profiles`);
    await q.query(`DROP FUNCTION evaluator_profiles_check_expertise()`);
  }
}

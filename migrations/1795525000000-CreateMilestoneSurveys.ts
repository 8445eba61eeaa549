import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resident satisfaction surveys (居民满意度调查): one public survey per contract milestone,
 * reached through an unguessable token printed as a link and a QR code. Residents answer without
 * signing in; the database keeps one answer per device (a hash of a long-lived random cookie) and
 * one per phone number (an HMAC of the normalised number, never the number) per survey, accepts
 * answers only while the survey is open by the database clock, and never changes an answer.
 *
 * milestone_satisfaction is the contract the service evaluation reads: one row per survey with
 * the response count, the sum of the ratings (1–5) and the minimum number of responses for the
 * average to count towards the satisfaction indicator.
 */
export class CreateMilestoneSurveys1795525000000 implements MigrationInterface {
  name = 'CreateMilestoneSurveys1795525000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE milestone_surveys (
        id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        contract_id        uuid        NOT NULL,
        milestone_position integer     NOT NULL,
        token              text        NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{32,64}$'),
        opened_at          timestamptz NOT NULL DEFAULT app_now(),
        closes_at          timestamptz NOT NULL,
        min_responses      integer     NOT NULL CHECK (min_responses BETWEEN 1 AND 10000),
        opened_by          uuid        NOT NULL REFERENCES users(id),
        status             text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        closed_at          timestamptz,
        closed_by          uuid        REFERENCES users(id),
        FOREIGN KEY (contract_id, milestone_position) REFERENCES contract_milestones(contract_id, position),
        CONSTRAINT milestone_surveys_one_per_milestone UNIQUE (contract_id, milestone_position),
        CONSTRAINT milestone_surveys_period CHECK (closes_at > opened_at),
        CONSTRAINT milestone_surveys_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE survey_responses (
        id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        survey_id     uuid        NOT NULL REFERENCES milestone_surveys(id),
        rating        integer     NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment       text        CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 500),
        device_hash   char(64)    NOT NULL CHECK (device_hash ~ '^[0-9a-f]{64}$'),
        phone_hash    char(64)    CHECK (phone_hash IS NULL OR phone_hash ~ '^[0-9a-f]{64}$'),
        submitted_at  timestamptz NOT NULL DEFAULT app_now(),
        CONSTRAINT survey_responses_one_per_device UNIQUE (survey_id, device_hash)
      )`);
    await q.query(`
      CREATE UNIQUE INDEX survey_responses_one_per_phone ON survey_responses (survey_id, phone_hash)
        WHERE phone_hash IS NOT NULL`);
    // An answer is accepted only while its survey is open by the database clock; the share lock
    // orders it against a concurrent close.
    await q.query(`
      CREATE FUNCTION survey_responses_while_open() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        s record;
      BEGIN
        SELECT status, closes_at INTO s FROM milestone_surveys WHERE id = NEW.survey_id FOR SHARE;
        IF s.status <> 'open' OR app_now() >= s.closes_at THEN
          RAISE EXCEPTION 'survey % is closed', NEW.survey_id USING ERRCODE = 'check_violation',
            CONSTRAINT = 'survey_responses_survey_open';
        END IF;
        NEW.submitted_at := app_now();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER survey_responses_open BEFORE INSERT ON survey_responses
        FOR EACH ROW EXECUTE FUNCTION survey_responses_while_open()`);
    await q.query(`
      CREATE FUNCTION survey_responses_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'survey_responses is append-only' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER survey_responses_no_change BEFORE UPDATE OR DELETE ON survey_responses
        FOR EACH ROW EXECUTE FUNCTION survey_responses_append_only()`);
    await q.query(`
      CREATE VIEW milestone_satisfaction AS
        SELECT s.contract_id,
               s.milestone_position,
               count(r.id)::integer               AS responses,
               coalesce(sum(r.rating), 0)::integer AS rating_sum,
               s.min_responses
          FROM milestone_surveys s
          LEFT JOIN survey_responses r ON r.survey_id = s.id
         GROUP BY s.id, s.contract_id, s.milestone_position, s.min_responses`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW milestone_satisfaction`);
    await q.query(`DROP TABLE survey_responses`);
    await q.query(`DROP FUNCTION survey_responses_append_only()`);
    await q.query(`DROP FUNCTION survey_responses_while_open()`);
    await q.query(`DROP TABLE milestone_surveys`);
  }
}

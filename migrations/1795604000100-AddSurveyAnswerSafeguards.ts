import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safeguards on residents' answers. An answer without a phone number is tied only to a device
 * cookie, which anyone can clear: the opener of a survey now decides whether such answers count
 * towards the satisfaction indicator (counts_unverified; surveys opened before this kept counting
 * them, as they did). Each answer keeps a keyed hash of the address it came from (never the
 * address), so that many answers from one address can be shown to staff.
 *
 * milestone_satisfaction keeps its columns and its meaning: what counts towards the indicator.
 */
export class AddSurveyAnswerSafeguards1795604000100 implements MigrationInterface {
  name = 'AddSurveyAnswerSafeguards1795604000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE milestone_surveys ADD COLUMN counts_unverified boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE survey_responses ADD COLUMN address_hash char(64) CHECK (address_hash IS NULL OR address_hash ~ '^[0-9a-f]{64}$')`);
    await q.query(`CREATE INDEX survey_responses_by_survey_time ON survey_responses (survey_id, submitted_at)`);
    await q.query(`
      CREATE OR REPLACE VIEW milestone_satisfaction AS
        SELECT s.contract_id,
               s.milestone_position,
               (count(r.id) FILTER (WHERE r.phone_hash IS NOT NULL OR s.counts_unverified))::integer               AS responses,
               coalesce(sum(r.rating) FILTER (WHERE r.phone_hash IS NOT NULL OR s.counts_unverified), 0)::integer AS rating_sum,
               s.min_responses
          FROM milestone_surveys s
          LEFT JOIN survey_responses r ON r.survey_id = s.id
         GROUP BY s.id, s.contract_id, s.milestone_position, s.min_responses, s.counts_unverified`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW milestone_satisfaction`);
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
    await q.query(`DROP INDEX survey_responses_by_survey_time`);
    await q.query(`ALTER TABLE survey_responses DROP COLUMN address_hash`);
    await q.query(`ALTER TABLE milestone_surveys DROP COLUMN counts_unverified`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Committee members found at fault when a challenge is upheld and the evaluation is re-run may not
 * sit on the reconstituted committee (财政部令第87号 第六十七条: 有违法违规行为的原评标委员会成员不得
 * 参加重新组建的评标委员会). Owned by the evaluation module: the exclusion is written when the round
 * is superseded, and a trigger refuses seating an excluded user on any later round of that
 * project, however the insert was reached.
 */
export class CreateCommitteeExclusions1795610000000 implements MigrationInterface {
  name = 'CreateCommitteeExclusions1795610000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE committee_exclusions (
        id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id      uuid        NOT NULL REFERENCES projects(id),
        user_id         uuid        NOT NULL REFERENCES users(id),
        evaluation_id   uuid        NOT NULL REFERENCES evaluations(id),
        reason          text        NOT NULL CHECK (length(reason) BETWEEN 2 AND 20000),
        excluded_at     timestamptz NOT NULL,
        excluded_by     uuid        REFERENCES users(id),
        CONSTRAINT committee_exclusions_once UNIQUE (project_id, user_id)
      )`);
    await q.query(`
      CREATE FUNCTION committee_exclusions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'committee exclusions are never changed or deleted' USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`CREATE TRIGGER committee_exclusions_guard BEFORE UPDATE OR DELETE ON committee_exclusions FOR EACH ROW EXECUTE FUNCTION committee_exclusions_guard()`);
    await q.query(`
      CREATE FUNCTION committee_members_not_excluded() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM committee_exclusions x JOIN evaluations e ON e.project_id = x.project_id
                    WHERE e.id = NEW.evaluation_id AND x.user_id = NEW.user_id AND x.evaluation_id <> NEW.evaluation_id) THEN
          RAISE EXCEPTION 'user % was found at fault in an earlier round of this project and may not sit again (财政部令第87号 第六十七条)', NEW.user_id
            USING ERRCODE = 'check_violation', HINT = 'EVALUATION.MEMBER_EXCLUDED';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER committee_members_not_excluded BEFORE INSERT ON committee_members FOR EACH ROW EXECUTE FUNCTION committee_members_not_excluded()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER committee_members_not_excluded ON committee_members`);
    await q.query(`DROP FUNCTION committee_members_not_excluded()`);
    await q.query(`DROP TRIGGER committee_exclusions_guard ON committee_exclusions`);
    await q.query(`DROP FUNCTION committee_exclusions_guard()`);
    await q.query(`DROP TABLE committee_exclusions`);
  }
}

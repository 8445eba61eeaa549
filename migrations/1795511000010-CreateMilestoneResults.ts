import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outcome of each evaluation round of a contract milestone, as the payments module reads
 * it: the exact score in hundredths of a point and its grade band. Written by the milestone
 * evaluation (built later); append-only per round, the latest round decides.
 */
export class CreateMilestoneResults1795511000010 implements MigrationInterface {
  name = 'CreateMilestoneResults1795511000010';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE milestone_results (
        contract_id   uuid        NOT NULL,
        position      integer     NOT NULL,
        round         integer     NOT NULL CHECK (round >= 1),
        score_centi   integer     NOT NULL CHECK (score_centi BETWEEN 0 AND 10000),
        grade         text        NOT NULL CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
        recorded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (contract_id, position, round),
        FOREIGN KEY (contract_id, position) REFERENCES contract_milestones(contract_id, position),
        CONSTRAINT milestone_results_grade_band CHECK (grade = CASE
          WHEN score_centi >= 9000 THEN 'excellent' WHEN score_centi >= 8000 THEN 'good'
          WHEN score_centi >= 6000 THEN 'pass' ELSE 'fail' END)
      )`);
    await q.query(`CREATE INDEX disbursements_contract_idx ON disbursements (contract_id, milestone_position)`);
    await q.query(`CREATE INDEX disbursements_status_idx ON disbursements (status) WHERE status IN ('proposed', 'approved')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX disbursements_status_idx`);
    await q.query(`DROP INDEX disbursements_contract_idx`);
    await q.query(`DROP TABLE milestone_results`);
  }
}

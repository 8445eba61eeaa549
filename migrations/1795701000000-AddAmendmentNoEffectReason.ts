import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An amendment that changes the procurement documents extends the bid deadline (财政部令第87号
 * 第二十七条) unless the officer records why it cannot affect how bids are prepared; that reason
 * is published with the amendment. The database keeps the two apart: an amendment with a reason
 * never counts as changing what bidders submit, and only amendments carry one.
 */
export class AddAmendmentNoEffectReason1795701000000 implements MigrationInterface {
  name = 'AddAmendmentNoEffectReason1795701000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE project_amendments ADD COLUMN no_effect_reason text`);
    await q.query(
      `ALTER TABLE project_amendments ADD CONSTRAINT project_amendments_no_effect_reason
         CHECK (no_effect_reason IS NULL OR (kind = 'amendment' AND NOT changes_submission AND length(btrim(no_effect_reason)) > 0))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE project_amendments DROP CONSTRAINT project_amendments_no_effect_reason`);
    await q.query(`ALTER TABLE project_amendments DROP COLUMN no_effect_reason`);
  }
}

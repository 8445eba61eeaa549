import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 《政府采购法》第四十九条 caps increases (all supplementary contracts together at 10 % of the
 * original amount) and says nothing of reductions: a reduction is no longer capped, but an
 * approved one must carry its reason (10 characters at least) in `changes.amount.reductionReason`,
 * which is published with the contract. NOT VALID: variations approved before this rule keep
 * their record as it was; every new approval is checked.
 */
export class RequireReductionReason1795701000100 implements MigrationInterface {
  name = 'RequireReductionReason1795701000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE contract_variations ADD CONSTRAINT contract_variations_reduction_reason
         CHECK (status <> 'approved' OR kind <> 'amount' OR amount_delta_minor >= 0
                OR char_length(btrim(coalesce(changes #>> '{amount,reductionReason}', ''))) >= 10) NOT VALID`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contract_variations DROP CONSTRAINT contract_variations_reduction_reason`);
  }
}

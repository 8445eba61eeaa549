import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * contract_milestones_sum_check() serves two triggers: on contract_milestones (the row's
 * contract_id) and on contracts when amount_minor changes. CreateAwardsAndContracts read
 * NEW.contract_id in both cases, which the contracts row does not have, so every change of a
 * contract's amount (an approved variation) failed with "record new has no field contract_id".
 * Each table now names its own column; the check itself is unchanged.
 */
export class FixContractAmountSumCheck1795502000030 implements MigrationInterface {
  name = 'FixContractAmountSumCheck1795502000030';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION contract_milestones_sum_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cid uuid;
        total bigint;
        amount bigint;
      BEGIN
        IF TG_TABLE_NAME = 'contracts' THEN
          cid := NEW.id;
        ELSIF TG_OP = 'DELETE' THEN
          cid := OLD.contract_id;
        ELSE
          cid := NEW.contract_id;
        END IF;
        SELECT coalesce(sum(amount_minor), 0) INTO total FROM contract_milestones WHERE contract_id = cid;
        SELECT amount_minor INTO amount FROM contracts WHERE id = cid;
        IF amount IS NOT NULL AND total <> amount THEN
          RAISE EXCEPTION 'milestone amounts of contract % sum to %, not %', cid, total, amount USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION contract_milestones_sum_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cid uuid := coalesce(NEW.contract_id, OLD.contract_id);
        total bigint;
        amount bigint;
      BEGIN
        SELECT coalesce(sum(amount_minor), 0) INTO total FROM contract_milestones WHERE contract_id = cid;
        SELECT amount_minor INTO amount FROM contracts WHERE id = cid;
        IF amount IS NOT NULL AND total <> amount THEN
          RAISE EXCEPTION 'milestone amounts of contract % sum to %, not %', cid, total, amount USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seeded open-tender rule attributed the 10–30 % services price weight to 财政部令第87号
 * 第五十五条. That article sets a floor (services: price weight at least 10 %); the 10–30 % range
 * is competitive consultation's (财库〔2014〕214号 第二十四条). Only the citation text of that one
 * row is corrected, its figures are untouched (10–30 % stays, being stricter than the floor), so
 * projects published under it keep their rule. Rule rows are otherwise append-only: the trigger
 * is lifted for this one statement inside the migration's transaction.
 */
export class FixOpenTenderPriceWeightCitation1795611000100 implements MigrationInterface {
  name = 'FixOpenTenderPriceWeightCitation1795611000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procurement_method_rules DISABLE TRIGGER procurement_method_rules_no_change`);
    await q.query(
      `UPDATE procurement_method_rules SET citation_zh = $1, citation_en = $2
        WHERE method = 'open_tender' AND effective_from = DATE '2000-01-01' AND citation_zh LIKE '%第五十五条（服务项目价格分值10%–30%）%'`,
      [
        '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第二十四条（等标期不少于20日）、第二十七条（澄清修改不足15日的顺延截止时间）、' +
          '第四十七条（评标委员会5人以上单数，预算1000万元以上7人以上）、第五十五条（服务项目价格分值不低于10%；本规则取10%–30%，严于该下限）',
        'MOF Order 87, art. 24 (at least 20 days to bid), art. 27 (amendments at least 15 days before the deadline), ' +
          'art. 47 (committee of 5+, 7+ above CNY 10 m), art. 55 (price weight at least 10 % for services; this rule keeps 10–30 %, stricter than that floor)',
      ],
    );
    await q.query(`ALTER TABLE procurement_method_rules ENABLE TRIGGER procurement_method_rules_no_change`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE procurement_method_rules DISABLE TRIGGER procurement_method_rules_no_change`);
    await q.query(
      `UPDATE procurement_method_rules SET citation_zh = replace(citation_zh, '第五十五条（服务项目价格分值不低于10%；本规则取10%–30%，严于该下限）', '第五十五条（服务项目价格分值10%–30%）'),
              citation_en = replace(citation_en, 'art. 55 (price weight at least 10 % for services; this rule keeps 10–30 %, stricter than that floor)', 'art. 55 (price weight 10–30 % for services)')
        WHERE method = 'open_tender' AND effective_from = DATE '2000-01-01'`,
    );
    await q.query(`ALTER TABLE procurement_method_rules ENABLE TRIGGER procurement_method_rules_no_change`);
  }
}

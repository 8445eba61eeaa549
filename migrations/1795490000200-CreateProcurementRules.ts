import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Procurement rules as configuration: one row per method and effective date (the row in force
 * on a project's publication date applies), and the working-day calendar with public holidays
 * and make-up working days (调休), both editable by admins.
 */
export class CreateProcurementRules1795490000200 implements MigrationInterface {
  name = 'CreateProcurementRules1795490000200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE procurement_method_rules (
        id                           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        method                       text        NOT NULL CHECK (method IN
                                       ('open_tender', 'competitive_consultation', 'competitive_negotiation',
                                        'request_for_quotation', 'single_source')),
        effective_from               date        NOT NULL,
        min_period                   integer     NOT NULL CHECK (min_period >= 0),
        period_unit                  text        NOT NULL CHECK (period_unit IN ('calendar_days', 'working_days')),
        min_valid_bids               integer     NOT NULL CHECK (min_valid_bids >= 1),
        min_valid_bids_services      integer     CHECK (min_valid_bids_services >= 1),
        scoring                      text        NOT NULL CHECK (scoring IN ('comprehensive', 'lowest_price', 'negotiated')),
        price_weight_min             integer     NOT NULL CHECK (price_weight_min BETWEEN 0 AND 100),
        price_weight_max             integer     NOT NULL CHECK (price_weight_max BETWEEN 0 AND 100),
        committee_min_size           integer     NOT NULL CHECK (committee_min_size >= 3 AND committee_min_size % 2 = 1),
        committee_large_size         integer     NOT NULL CHECK (committee_large_size % 2 = 1),
        large_budget_minor           bigint      NOT NULL CHECK (large_budget_minor > 0),
        allows_bureau_representative boolean     NOT NULL DEFAULT true,
        invited_only                 boolean     NOT NULL DEFAULT false,
        -- An amendment that changes what bidders must submit needs this much time before the deadline;
        -- when less is left, the deadline moves.
        amendment_min_period         integer     NOT NULL CHECK (amendment_min_period >= 0),
        amendment_period_unit        text        NOT NULL CHECK (amendment_period_unit IN ('calendar_days', 'working_days')),
        citation_zh                  text        NOT NULL,
        citation_en                  text        NOT NULL,
        created_by                   uuid        REFERENCES users(id),
        created_at                   timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT procurement_method_rules_weights CHECK (price_weight_min <= price_weight_max),
        CONSTRAINT procurement_method_rules_committee CHECK (committee_large_size >= committee_min_size),
        CONSTRAINT procurement_method_rules_once UNIQUE (method, effective_from)
      )`);
    const rules: Array<[string, number, string, number, number | null, string, number, number, number, number, boolean, boolean, number, string, string, string]> = [
      [
        'open_tender',
        20,
        'calendar_days',
        3,
        null,
        'comprehensive',
        10,
        30,
        5,
        7,
        true,
        false,
        15,
        'calendar_days',
        '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第二十四条（等标期不少于20日）、第二十七条（澄清修改不足15日的顺延截止时间）、第四十七条（评标委员会5人以上单数，预算1000万元以上7人以上）、第五十五条（服务项目价格分值10%–30%）',
        'MOF Order 87, art. 24 (at least 20 days to bid), art. 27 (amendments at least 15 days before the deadline), art. 47 (committee of 5+, 7+ above CNY 10 m), art. 55 (price weight 10–30 % for services)',
      ],
      [
        'competitive_consultation',
        10,
        'calendar_days',
        3,
        2,
        'comprehensive',
        10,
        30,
        3,
        5,
        true,
        false,
        5,
        'calendar_days',
        '《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）第十条、第二十四条；《关于政府采购竞争性磋商采购方式管理暂行办法有关问题的补充通知》（财库〔2015〕124号）：政府购买服务项目有效供应商可为2家',
        'Interim Measures on Competitive Consultation (Cai Ku [2014] 214), arts. 10 and 24; Cai Ku [2015] 124: two suppliers suffice for purchased services',
      ],
      [
        'competitive_negotiation',
        3,
        'working_days',
        3,
        null,
        'lowest_price',
        100,
        100,
        3,
        5,
        true,
        false,
        3,
        'working_days',
        '《政府采购非招标采购方式管理办法》（财政部令第74号）第二十九条（不少于3个工作日）',
        'MOF Order 74 (non-tender methods), art. 29 (at least 3 working days)',
      ],
      [
        'request_for_quotation',
        3,
        'working_days',
        3,
        null,
        'lowest_price',
        100,
        100,
        3,
        5,
        true,
        false,
        3,
        'working_days',
        '《政府采购非招标采购方式管理办法》（财政部令第74号）第四十五条（不少于3个工作日）、第四十九条（最低报价成交）',
        'MOF Order 74, art. 45 (at least 3 working days), art. 49 (lowest price wins)',
      ],
      [
        'single_source',
        5,
        'working_days',
        1,
        null,
        'negotiated',
        100,
        100,
        3,
        3,
        true,
        true,
        0,
        'working_days',
        '《政府采购非招标采购方式管理办法》（财政部令第74号）第三十八条（单一来源公示期不少于5个工作日）',
        'MOF Order 74, art. 38 (single-source notice of at least 5 working days)',
      ],
    ];
    for (const r of rules) {
      await q.query(
        `INSERT INTO procurement_method_rules (method, effective_from, min_period, period_unit, min_valid_bids, min_valid_bids_services,
           scoring, price_weight_min, price_weight_max, committee_min_size, committee_large_size, large_budget_minor,
           allows_bureau_representative, invited_only, amendment_min_period, amendment_period_unit, citation_zh, citation_en)
         VALUES ($1, DATE '2000-01-01', $2, $3, $4, $5, $6, $7, $8, $9, $10, 1000000000, $11, $12, $13, $14, $15, $16)`,
        r,
      );
    }
    await q.query(`
      CREATE TABLE calendar_days (
        day         date        PRIMARY KEY,
        kind        text        NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name_zh     text        NOT NULL,
        name_en     text        NOT NULL,
        updated_by  uuid        REFERENCES users(id),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    // 2026 arrangement (国务院办公厅关于2026年部分节假日安排的通知). Admins maintain later years.
    const holidays: Array<[string, string, string, string]> = [];
    const span = (from: string, to: string, zh: string, en: string) => {
      for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
        holidays.push([d.toISOString().slice(0, 10), 'holiday', zh, en]);
      }
    };
    span('2026-01-01', '2026-01-03', '元旦', "New Year's Day");
    span('2026-02-15', '2026-02-23', '春节', 'Spring Festival');
    span('2026-04-04', '2026-04-06', '清明节', 'Qingming Festival');
    span('2026-05-01', '2026-05-05', '劳动节', 'Labour Day');
    span('2026-06-19', '2026-06-21', '端午节', 'Dragon Boat Festival');
    span('2026-09-25', '2026-09-27', '中秋节', 'Mid-Autumn Festival');
    span('2026-10-01', '2026-10-07', '国庆节', 'National Day');
    const workdays: Array<[string, string, string, string]> = [
      ['2026-01-04', 'workday', '元旦调休上班', "Make-up working day (New Year's Day)"],
      ['2026-02-14', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'],
      ['2026-02-28', 'workday', '春节调休上班', 'Make-up working day (Spring Festival)'],
      ['2026-05-09', 'workday', '劳动节调休上班', 'Make-up working day (Labour Day)'],
      ['2026-09-20', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'],
      ['2026-10-10', 'workday', '国庆节调休上班', 'Make-up working day (National Day)'],
    ];
    for (const row of [...holidays, ...workdays]) {
      await q.query(`INSERT INTO calendar_days (day, kind, name_zh, name_en) VALUES ($1, $2, $3, $4)`, row);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_days`);
    await q.query(`DROP TABLE procurement_method_rules`);
  }
}

import type { MethodRule, ProcurementMethod, Scoring } from './method-rules';
import { Problems, addProblem } from './problems';
import type { PeriodUnit } from './working-days';

/**
 * The floors the law sets for each procurement method, in ONE place. A method rule an admin
 * configures may be stricter than these, never looser: `statutoryFloorProblems` refuses a rule
 * below any floor, on the field, quoting the provision. Pure.
 *
 * Sources:
 * - 《中华人民共和国政府采购法》(GPL) 第三十六条 (fewer than three qualifying bidders: the tender fails).
 * - 《政府采购货物和服务招标投标管理办法》（财政部令第87号）: 第二十四条 (≥ 20 days to bid),
 *   第二十七条 (amendments ≥ 15 days before the deadline), 第四十七条 (committee of 5+ odd, 7+ odd
 *   from CNY 10 m; experts ≥ 2/3), 第五十五条 (services: price weight ≥ 10 %).
 * - 《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）: 第十条 (≥ 10 days; amendments
 *   ≥ 5 days before), 第十四条 (3+ odd, experts ≥ 2/3), 第二十四条 (services: price weight 10–30 %);
 *   财库〔2015〕124号 (two suppliers suffice for purchased services).
 * - 《政府采购非招标采购方式管理办法》（财政部令第74号）: 第七条 (3+ odd, experts ≥ 2/3; 5+ odd once
 *   the budget reaches the public-tender threshold), 第二十九条 / 第四十五条 (≥ 3 working days;
 *   amendments ≥ 3 working days before), 第三十八条 (single-source notice ≥ 5 working days).
 */
export interface PeriodFloor {
  days: number;
  unit: PeriodUnit;
}

export interface MethodFloors {
  /** Publication to bid deadline (single source: the public notice). */
  period: PeriodFloor;
  periodCitation: Citation;
  /** How long before the deadline an amendment that may affect the bids must come. */
  amendment: PeriodFloor;
  amendmentCitation: Citation;
  minValidBids: number;
  /** The services exception (null: none). */
  minValidBidsServices: number | null;
  bidsCitation: Citation;
  scorings: readonly Scoring[];
  scoringCitation: Citation;
  /** Comprehensive scoring of services: the price weight's allowed range (percent). */
  priceWeight: { min: number; max: number } | null;
  priceWeightCitation: Citation | null;
  committeeMinSize: number;
  /** The size from the large-budget threshold up. */
  committeeLargeSize: number;
  /** The large-budget threshold may not exceed this (null: the rule sets it, e.g. the local public-tender threshold). */
  largeBudgetMaxMinor: number | null;
  committeeCitation: Citation | null;
  invitedOnly: boolean | null;
}

export interface Citation {
  zh: string;
  en: string;
}

const ORDER_87 = '《政府采购货物和服务招标投标管理办法》（财政部令第87号）';
const CAIKU_214 = '《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）';
const ORDER_74 = '《政府采购非招标采购方式管理办法》（财政部令第74号）';

export const STATUTORY_FLOORS: Record<ProcurementMethod, MethodFloors> = {
  open_tender: {
    period: { days: 20, unit: 'calendar_days' },
    periodCitation: { zh: `${ORDER_87}第二十四条：等标期不得少于20日`, en: 'MOF Order 87, art. 24: at least 20 days to bid' },
    amendment: { days: 15, unit: 'calendar_days' },
    amendmentCitation: { zh: `${ORDER_87}第二十七条：澄清或者修改应当在投标截止时间至少15日前`, en: 'MOF Order 87, art. 27: amendments at least 15 days before the deadline' },
    minValidBids: 3,
    minValidBidsServices: null,
    bidsCitation: { zh: '《政府采购法》第三十六条：符合条件的供应商不足三家的应予废标', en: 'Government Procurement Law, art. 36: fewer than three qualifying bidders, the tender fails' },
    scorings: ['comprehensive', 'lowest_price'],
    scoringCitation: { zh: `${ORDER_87}第五十二条：评标方法分为最低评标价法和综合评分法`, en: 'MOF Order 87, art. 52: lowest evaluated price or comprehensive scoring' },
    priceWeight: { min: 10, max: 100 },
    priceWeightCitation: { zh: `${ORDER_87}第五十五条：服务项目的价格分值占总分值的比重不得低于10%`, en: 'MOF Order 87, art. 55: for services the price weight is at least 10 %' },
    committeeMinSize: 5,
    committeeLargeSize: 7,
    largeBudgetMaxMinor: 1_000_000_000,
    committeeCitation: {
      zh: `${ORDER_87}第四十七条：评标委员会5人以上单数，采购预算1000万元以上的7人以上单数，评审专家不少于三分之二`,
      en: 'MOF Order 87, art. 47: committee of 5 or more (odd), 7 or more from a CNY 10 m budget, experts at least two thirds',
    },
    invitedOnly: false,
  },
  competitive_consultation: {
    period: { days: 10, unit: 'calendar_days' },
    periodCitation: { zh: `${CAIKU_214}第十条：自磋商文件发出之日起至首次响应截止不得少于10日`, en: 'Cai Ku [2014] 214, art. 10: at least 10 days to respond' },
    amendment: { days: 5, unit: 'calendar_days' },
    amendmentCitation: { zh: `${CAIKU_214}第十条：澄清或者修改应当在首次响应截止至少5日前`, en: 'Cai Ku [2014] 214, art. 10: amendments at least 5 days before the deadline' },
    minValidBids: 3,
    minValidBidsServices: 2,
    bidsCitation: {
      zh: '财库〔2014〕214号第三条、财库〔2015〕124号：政府购买服务项目有效供应商可为2家',
      en: 'Cai Ku [2014] 214, art. 3; Cai Ku [2015] 124: two suppliers suffice for purchased services',
    },
    scorings: ['comprehensive'],
    scoringCitation: { zh: `${CAIKU_214}第二十三条：采用综合评分法`, en: 'Cai Ku [2014] 214, art. 23: comprehensive scoring' },
    priceWeight: { min: 10, max: 30 },
    priceWeightCitation: { zh: `${CAIKU_214}第二十四条：服务项目的价格分值比重为10%至30%`, en: 'Cai Ku [2014] 214, art. 24: for services the price weight is 10–30 %' },
    committeeMinSize: 3,
    committeeLargeSize: 3,
    largeBudgetMaxMinor: null,
    committeeCitation: { zh: `${CAIKU_214}第十四条：磋商小组3人以上单数，评审专家不少于三分之二`, en: 'Cai Ku [2014] 214, art. 14: a panel of 3 or more (odd), experts at least two thirds' },
    invitedOnly: false,
  },
  competitive_negotiation: {
    period: { days: 3, unit: 'working_days' },
    periodCitation: { zh: `${ORDER_74}第二十九条：自谈判文件发出之日起至提交首次响应文件截止不得少于3个工作日`, en: 'MOF Order 74, art. 29: at least 3 working days' },
    amendment: { days: 3, unit: 'working_days' },
    amendmentCitation: { zh: `${ORDER_74}第二十九条：澄清或者修改应当在截止时间至少3个工作日前`, en: 'MOF Order 74, art. 29: amendments at least 3 working days before the deadline' },
    minValidBids: 3,
    minValidBidsServices: null,
    bidsCitation: { zh: `${ORDER_74}第二十七条：邀请不少于3家供应商`, en: 'MOF Order 74, art. 27: at least three suppliers' },
    scorings: ['lowest_price'],
    scoringCitation: { zh: `${ORDER_74}第三十六条：最后报价最低的供应商为成交候选人`, en: 'MOF Order 74, art. 36: the lowest final price' },
    priceWeight: null,
    priceWeightCitation: null,
    committeeMinSize: 3,
    committeeLargeSize: 5,
    largeBudgetMaxMinor: null,
    committeeCitation: {
      zh: `${ORDER_74}第七条：谈判小组3人以上单数，达到公开招标数额标准的5人以上单数，评审专家不少于三分之二`,
      en: 'MOF Order 74, art. 7: 3 or more (odd), 5 or more once the budget reaches the public-tender threshold, experts at least two thirds',
    },
    invitedOnly: false,
  },
  request_for_quotation: {
    period: { days: 3, unit: 'working_days' },
    periodCitation: { zh: `${ORDER_74}第四十五条：自询价通知书发出之日起至提交响应文件截止不得少于3个工作日`, en: 'MOF Order 74, art. 45: at least 3 working days' },
    amendment: { days: 3, unit: 'working_days' },
    amendmentCitation: { zh: `${ORDER_74}第四十五条：澄清或者修改应当在截止时间至少3个工作日前`, en: 'MOF Order 74, art. 45: amendments at least 3 working days before the deadline' },
    minValidBids: 3,
    minValidBidsServices: null,
    bidsCitation: { zh: `${ORDER_74}第四十四条：邀请不少于3家供应商`, en: 'MOF Order 74, art. 44: at least three suppliers' },
    scorings: ['lowest_price'],
    scoringCitation: { zh: `${ORDER_74}第四十九条：报价最低的供应商成交`, en: 'MOF Order 74, art. 49: the lowest price wins' },
    priceWeight: null,
    priceWeightCitation: null,
    committeeMinSize: 3,
    committeeLargeSize: 5,
    largeBudgetMaxMinor: null,
    committeeCitation: {
      zh: `${ORDER_74}第七条：询价小组3人以上单数，达到公开招标数额标准的5人以上单数，评审专家不少于三分之二`,
      en: 'MOF Order 74, art. 7: 3 or more (odd), 5 or more once the budget reaches the public-tender threshold, experts at least two thirds',
    },
    invitedOnly: false,
  },
  single_source: {
    period: { days: 5, unit: 'working_days' },
    periodCitation: { zh: '《政府采购法实施条例》第三十八条：单一来源公示期不得少于5个工作日', en: 'GPL Implementing Regulations, art. 38: single-source notice of at least 5 working days' },
    amendment: { days: 0, unit: 'working_days' },
    amendmentCitation: { zh: '单一来源无更正期间要求', en: 'no amendment period for single source' },
    minValidBids: 1,
    minValidBidsServices: null,
    bidsCitation: { zh: '《政府采购法》第三十一条：只能从唯一供应商处采购', en: 'Government Procurement Law, art. 31: one supplier' },
    scorings: ['negotiated'],
    scoringCitation: { zh: `${ORDER_74}第四十一条：协商确定合理的成交价格`, en: 'MOF Order 74, art. 41: a negotiated price' },
    priceWeight: null,
    priceWeightCitation: null,
    committeeMinSize: 3,
    committeeLargeSize: 3,
    largeBudgetMaxMinor: null,
    committeeCitation: null,
    invitedOnly: true,
  },
};

/** Experts are at least two thirds of the committee (87号令第四十七条, 214号第十四条, 74号令第七条). */
export function expertsMeetTwoThirds(committeeSize: number, experts: number): boolean {
  return experts * 3 >= committeeSize * 2;
}

/** Bureau representatives a committee of `size` may hold so that experts stay ≥ 2/3. */
export function maxRepresentatives(size: number): number {
  return Math.floor(size / 3);
}

/**
 * Is `period` at least `floor`? Calendar-day floors: N calendar days, or N working days (always
 * longer). Working-day floors: only working days (N calendar days may fall within a holiday).
 */
export function periodMeetsFloor(period: PeriodFloor, floor: PeriodFloor): boolean {
  if (floor.unit === 'working_days') return period.unit === 'working_days' && period.days >= floor.days;
  return period.days >= floor.days;
}

type FloorRule = Pick<
  MethodRule,
  | 'method'
  | 'minPeriod'
  | 'periodUnit'
  | 'amendmentMinPeriod'
  | 'amendmentPeriodUnit'
  | 'minValidBids'
  | 'minValidBidsServices'
  | 'scoring'
  | 'priceWeightMin'
  | 'priceWeightMax'
  | 'committeeMinSize'
  | 'committeeLargeSize'
  | 'largeBudgetMinor'
  | 'invitedOnly'
>;

function periodText(p: PeriodFloor): Citation {
  return p.unit === 'working_days' ? { zh: `${p.days}个工作日`, en: `${p.days} working days` } : { zh: `${p.days}日`, en: `${p.days} days` };
}

/**
 * Every field of `rule` that is looser than the law for its method, with the floor and the
 * provision (params `floorZh`, `floorEn`, `citationZh`, `citationEn`). Empty when the rule is
 * at or above every floor.
 */
export function statutoryFloorProblems(rule: FloorRule): Problems {
  const problems: Problems = {};
  const floors = STATUTORY_FLOORS[rule.method];
  if (!floors) return problems;
  const below = (field: string, floor: Citation, citation: Citation) =>
    addProblem(problems, field, 'belowStatutoryFloor', { floorZh: floor.zh, floorEn: floor.en, citationZh: citation.zh, citationEn: citation.en });

  if (!periodMeetsFloor({ days: rule.minPeriod, unit: rule.periodUnit }, floors.period)) {
    const text = periodText(floors.period);
    below('minPeriod', { zh: `不少于${text.zh}`, en: `at least ${text.en}` }, floors.periodCitation);
  }
  if (!periodMeetsFloor({ days: rule.amendmentMinPeriod, unit: rule.amendmentPeriodUnit }, floors.amendment)) {
    const text = periodText(floors.amendment);
    below('amendmentMinPeriod', { zh: `不少于${text.zh}`, en: `at least ${text.en}` }, floors.amendmentCitation);
  }
  if (rule.minValidBids < floors.minValidBids) {
    below('minValidBids', { zh: `不少于${floors.minValidBids}家`, en: `at least ${floors.minValidBids}` }, floors.bidsCitation);
  }
  if (rule.minValidBidsServices !== null) {
    const floor = floors.minValidBidsServices ?? floors.minValidBids;
    if (rule.minValidBidsServices < floor) below('minValidBidsServices', { zh: `不少于${floor}家`, en: `at least ${floor}` }, floors.bidsCitation);
  }
  if (!floors.scorings.includes(rule.scoring)) {
    below('scoring', { zh: '法定评审方法', en: 'the statutory evaluation method' }, floors.scoringCitation);
  }
  if (rule.scoring === 'comprehensive' && floors.priceWeight && floors.priceWeightCitation) {
    const { min, max } = floors.priceWeight;
    const range = { zh: max === 100 ? `不低于${min}%` : `${min}%至${max}%`, en: max === 100 ? `at least ${min} %` : `${min}–${max} %` };
    if (rule.priceWeightMin < min) below('priceWeightMin', range, floors.priceWeightCitation);
    if (rule.priceWeightMax > max) below('priceWeightMax', range, floors.priceWeightCitation);
  }
  if (floors.committeeCitation) {
    if (rule.committeeMinSize < floors.committeeMinSize) {
      below('committeeMinSize', { zh: `不少于${floors.committeeMinSize}人`, en: `at least ${floors.committeeMinSize}` }, floors.committeeCitation);
    }
    if (rule.committeeLargeSize < floors.committeeLargeSize) {
      below('committeeLargeSize', { zh: `不少于${floors.committeeLargeSize}人`, en: `at least ${floors.committeeLargeSize}` }, floors.committeeCitation);
    }
    if (floors.largeBudgetMaxMinor !== null && rule.largeBudgetMinor > floors.largeBudgetMaxMinor) {
      const yuan = floors.largeBudgetMaxMinor / 100;
      below('largeBudgetYuan', { zh: `不高于${yuan / 10_000}万元`, en: `at most CNY ${yuan.toLocaleString('en')}` }, floors.committeeCitation);
    }
  }
  if (floors.invitedOnly !== null && rule.invitedOnly !== floors.invitedOnly) {
    below('invitedOnly', { zh: floors.invitedOnly ? '仅限受邀供应商' : '公开竞争', en: floors.invitedOnly ? 'invited supplier only' : 'open competition' }, floors.periodCitation);
  }
  return problems;
}

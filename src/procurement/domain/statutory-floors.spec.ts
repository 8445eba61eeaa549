import { parseYuanToMinor } from '../../common/money/money';
import { NewRuleInput, checkNewRule } from './method-rules';
import { STATUTORY_FLOORS, expertsMeetTwoThirds, maxRepresentatives, periodMeetsFloor, statutoryFloorProblems } from './statutory-floors';

/** The rows seeded by migration CreateProcurementRules, as the admin form would post them. */
const SEEDED: Record<string, NewRuleInput> = {
  open_tender: form('open_tender', '20', 'calendar_days', '3', '', 'comprehensive', '10', '30', '5', '7', '10000000', false, '15', 'calendar_days'),
  competitive_consultation: form('competitive_consultation', '10', 'calendar_days', '3', '2', 'comprehensive', '10', '30', '3', '5', '10000000', false, '5', 'calendar_days'),
  competitive_negotiation: form('competitive_negotiation', '3', 'working_days', '3', '', 'lowest_price', '100', '100', '3', '5', '10000000', false, '3', 'working_days'),
  request_for_quotation: form('request_for_quotation', '3', 'working_days', '3', '', 'lowest_price', '100', '100', '3', '5', '10000000', false, '3', 'working_days'),
  single_source: form('single_source', '5', 'working_days', '1', '', 'negotiated', '100', '100', '3', '3', '10000000', true, '0', 'working_days'),
};

function form(
  method: string,
  minPeriod: string,
  periodUnit: string,
  minValidBids: string,
  minValidBidsServices: string,
  scoring: string,
  priceWeightMin: string,
  priceWeightMax: string,
  committeeMinSize: string,
  committeeLargeSize: string,
  largeBudgetYuan: string,
  invitedOnly: boolean,
  amendmentMinPeriod: string,
  amendmentPeriodUnit: string,
): NewRuleInput {
  return {
    method,
    effectiveFrom: '2027-01-01',
    minPeriod,
    periodUnit,
    minValidBids,
    minValidBidsServices,
    scoring,
    priceWeightMin,
    priceWeightMax,
    committeeMinSize,
    committeeLargeSize,
    largeBudgetYuan,
    allowsBureauRepresentative: true,
    invitedOnly,
    amendmentMinPeriod,
    amendmentPeriodUnit,
    abnormallyLowPercent: '80',
    citationZh: '本地规定（测试）',
    citationEn: 'Local rule (test)',
  };
}

const check = (method: string, overrides: Partial<NewRuleInput>) => checkNewRule({ ...SEEDED[method], ...overrides }, '2026-12-07', parseYuanToMinor);
const fields = (method: string, overrides: Partial<NewRuleInput>) => Object.keys(check(method, overrides).problems).sort();

describe('statutory floors', () => {
  it('accepts every seeded rule: they sit on the floors', () => {
    for (const method of Object.keys(SEEDED)) expect([method, check(method, {}).problems]).toEqual([method, {}]);
  });

  it('refuses an open tender of 19 days with 87号令第二十四条, accepts 25 days or 20 working days', () => {
    const { rule, problems } = check('open_tender', { minPeriod: '19' });
    expect(rule).toBeNull();
    expect(problems.minPeriod).toEqual([
      {
        key: 'procurement.validation.belowStatutoryFloor',
        params: {
          floorZh: '不少于20日',
          floorEn: 'at least 20 days',
          citationZh: '《政府采购货物和服务招标投标管理办法》（财政部令第87号）第二十四条：等标期不得少于20日',
          citationEn: 'MOF Order 87, art. 24: at least 20 days to bid',
        },
      },
    ]);
    expect(fields('open_tender', { minPeriod: '25' })).toEqual([]);
    expect(fields('open_tender', { minPeriod: '20', periodUnit: 'working_days' })).toEqual([]);
  });

  it('refuses consultation under 10 days and a 4-day amendment period; negotiation in calendar days', () => {
    expect(fields('competitive_consultation', { minPeriod: '9' })).toEqual(['minPeriod']);
    expect(fields('competitive_consultation', { amendmentMinPeriod: '4' })).toEqual(['amendmentMinPeriod']);
    expect(fields('open_tender', { amendmentMinPeriod: '14' })).toEqual(['amendmentMinPeriod']);
    // 5 calendar days may fall entirely within 国庆: not provably 3 working days.
    expect(fields('competitive_negotiation', { periodUnit: 'calendar_days', minPeriod: '5' })).toEqual(['minPeriod']);
    expect(fields('request_for_quotation', { minPeriod: '2' })).toEqual(['minPeriod']);
    expect(fields('single_source', { minPeriod: '4' })).toEqual(['minPeriod']);
  });

  it('keeps the services price weight within 10–30 % for consultation and ≥ 10 % for open tender', () => {
    expect(fields('competitive_consultation', { priceWeightMin: '5' })).toEqual(['priceWeightMin']);
    expect(fields('competitive_consultation', { priceWeightMax: '40' })).toEqual(['priceWeightMax']);
    expect(fields('competitive_consultation', { priceWeightMin: '15', priceWeightMax: '25' })).toEqual([]);
    expect(fields('open_tender', { priceWeightMin: '9' })).toEqual(['priceWeightMin']);
    expect(fields('open_tender', { priceWeightMax: '60' })).toEqual([]);
    const citation = check('competitive_consultation', { priceWeightMax: '40' }).problems.priceWeightMax[0].params!.citationZh;
    expect(citation).toContain('财库〔2014〕214号');
    expect(citation).toContain('第二十四条');
  });

  it('keeps committees at the statutory sizes, and the open-tender large-budget threshold at CNY 10 m or below', () => {
    expect(fields('open_tender', { committeeMinSize: '3' })).toEqual(['committeeMinSize']);
    expect(fields('open_tender', { committeeLargeSize: '5' })).toEqual(['committeeLargeSize']);
    expect(fields('open_tender', { largeBudgetYuan: '10000000.01' })).toEqual(['largeBudgetYuan']);
    expect(fields('open_tender', { largeBudgetYuan: '5000000' })).toEqual([]);
    // Negotiation and quotation: 5 from the public-tender threshold, which the rule sets.
    expect(fields('competitive_negotiation', { committeeLargeSize: '3' })).toEqual(['committeeLargeSize']);
    expect(fields('request_for_quotation', { largeBudgetYuan: '4000000' })).toEqual([]);
    expect(fields('competitive_consultation', { committeeMinSize: '5', committeeLargeSize: '7' })).toEqual([]);
  });

  it('refuses fewer valid bids than the law, keeping the two-supplier services exception for consultation only', () => {
    expect(fields('open_tender', { minValidBids: '2' })).toEqual(['minValidBids']);
    expect(fields('open_tender', { minValidBidsServices: '2' })).toEqual(['minValidBidsServices']);
    expect(fields('competitive_consultation', { minValidBidsServices: '1' })).toEqual(['minValidBidsServices']);
    expect(fields('competitive_consultation', { minValidBidsServices: '3' })).toEqual([]);
  });

  it('refuses an evaluation method the law does not give the procurement method, and open competition for single source', () => {
    expect(fields('competitive_consultation', { scoring: 'lowest_price', priceWeightMin: '100', priceWeightMax: '100' })).toEqual(['scoring']);
    expect(fields('open_tender', { scoring: 'lowest_price', priceWeightMin: '100', priceWeightMax: '100' })).toEqual([]);
    expect(fields('single_source', { invitedOnly: false })).toEqual(['invitedOnly']);
  });

  it('experts are at least two thirds: one representative in 3 or 5, two in 7', () => {
    expect(expertsMeetTwoThirds(3, 2)).toBe(true);
    expect(expertsMeetTwoThirds(5, 3)).toBe(false);
    expect(expertsMeetTwoThirds(5, 4)).toBe(true);
    expect([3, 5, 7, 9].map(maxRepresentatives)).toEqual([1, 1, 2, 3]);
  });

  it('compares periods: working days meet a calendar-day floor, never the other way round', () => {
    expect(periodMeetsFloor({ days: 20, unit: 'working_days' }, { days: 20, unit: 'calendar_days' })).toBe(true);
    expect(periodMeetsFloor({ days: 30, unit: 'calendar_days' }, { days: 3, unit: 'working_days' })).toBe(false);
  });

  it('lists a floor for every method', () => {
    expect(Object.keys(STATUTORY_FLOORS).sort()).toEqual(Object.keys(SEEDED).sort());
    expect(
      statutoryFloorProblems({
        ...STATUTORY_FLOORS.open_tender,
        method: 'open_tender',
        minPeriod: 20,
        periodUnit: 'calendar_days',
        amendmentMinPeriod: 15,
        amendmentPeriodUnit: 'calendar_days',
        minValidBids: 3,
        minValidBidsServices: null,
        scoring: 'comprehensive',
        priceWeightMin: 10,
        priceWeightMax: 100,
        committeeMinSize: 5,
        committeeLargeSize: 7,
        largeBudgetMinor: 1_000_000_000,
        invitedOnly: false,
      }),
    ).toEqual({});
  });
});

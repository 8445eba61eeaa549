import { MethodRule, checkNewRule, committeeSize, isPriceOnly, minValidBids, ruleInForce } from './method-rules';
import { parseYuanToMinor } from '../../common/money/money';

function rule(overrides: Partial<MethodRule>): MethodRule {
  return {
    id: 'r',
    method: 'open_tender',
    effectiveFrom: '2000-01-01',
    minPeriod: 20,
    periodUnit: 'calendar_days',
    minValidBids: 3,
    minValidBidsServices: null,
    scoring: 'comprehensive',
    priceWeightMin: 10,
    priceWeightMax: 30,
    committeeMinSize: 5,
    committeeLargeSize: 7,
    largeBudgetMinor: 1_000_000_000,
    allowsBureauRepresentative: true,
    invitedOnly: false,
    amendmentMinPeriod: 15,
    amendmentPeriodUnit: 'calendar_days',
    abnormallyLowPercent: 80,
    citationZh: '87号令',
    citationEn: 'MOF Order 87',
    ...overrides,
  };
}

describe('method rules', () => {
  it('picks the row in force on the publication date: the latest effective on or before it', () => {
    const rules = [
      rule({ id: 'old', effectiveFrom: '2000-01-01' }),
      rule({ id: 'new', effectiveFrom: '2027-01-01', minPeriod: 25 }),
      rule({ id: 'rfq', method: 'request_for_quotation', effectiveFrom: '2000-01-01' }),
    ];
    expect(ruleInForce(rules, 'open_tender', '2026-12-31')?.id).toBe('old');
    expect(ruleInForce(rules, 'open_tender', '2027-01-01')?.id).toBe('new');
    expect(ruleInForce(rules, 'competitive_consultation', '2027-01-01')).toBeNull();
  });

  it('needs 3 valid bids for an open tender, 2 for competitive consultation of services', () => {
    expect(minValidBids({ rule: rule({}) })).toBe(3);
    const consultation = rule({ method: 'competitive_consultation', minValidBids: 3, minValidBidsServices: 2 });
    expect(minValidBids({ rule: consultation })).toBe(2);
    expect(minValidBids({ rule: consultation, purchasesServices: false })).toBe(3);
    expect(minValidBids({ rule: rule({ method: 'single_source', minValidBids: 1 }) })).toBe(1);
  });

  it('knows which methods decide on price alone', () => {
    expect(isPriceOnly(rule({ scoring: 'lowest_price' }))).toBe(true);
    expect(isPriceOnly(rule({ scoring: 'negotiated' }))).toBe(true);
    expect(isPriceOnly(rule({}))).toBe(false);
  });

  it('uses the larger committee from the large-budget threshold', () => {
    expect(committeeSize(rule({}), 999_999_999)).toBe(5);
    expect(committeeSize(rule({}), 1_000_000_000)).toBe(7);
  });
});

describe('a new rule row', () => {
  const input = {
    method: 'open_tender',
    effectiveFrom: '2027-01-01',
    minPeriod: '20',
    periodUnit: 'calendar_days',
    minValidBids: '3',
    minValidBidsServices: '',
    scoring: 'comprehensive',
    priceWeightMin: '10',
    priceWeightMax: '30',
    committeeMinSize: '5',
    committeeLargeSize: '7',
    largeBudgetYuan: '10000000',
    allowsBureauRepresentative: true,
    invitedOnly: false,
    amendmentMinPeriod: '15',
    amendmentPeriodUnit: 'calendar_days',
    abnormallyLowPercent: '80',
    citationZh: '财政部令第87号第二十四条',
    citationEn: 'MOF Order 87, art. 24',
  };

  it('is accepted from today on', () => {
    const result = checkNewRule(input, '2026-11-23', parseYuanToMinor);
    expect(result.problems).toEqual({});
    expect(result.rule).toMatchObject({ minPeriod: 20, largeBudgetMinor: 1_000_000_000, minValidBidsServices: null });
  });

  it('may not take effect in the past', () => {
    expect(Object.keys(checkNewRule({ ...input, effectiveFrom: '2026-11-22' }, '2026-11-23', parseYuanToMinor).problems)).toEqual(['effectiveFrom']);
  });

  it('takes the abnormally-low percentage as a whole number 50–100 (财政部令第87号 第六十条 sets no figure)', () => {
    expect(checkNewRule({ ...input, abnormallyLowPercent: '85' }, '2026-11-23', parseYuanToMinor).rule).toMatchObject({ abnormallyLowPercent: 85 });
    for (const bad of ['49', '101', '', '80.5']) expect(Object.keys(checkNewRule({ ...input, abnormallyLowPercent: bad }, '2026-11-23', parseYuanToMinor).problems)).toEqual(['abnormallyLowPercent']);
  });

  it('refuses an even committee and a reversed weight range', () => {
    const result = checkNewRule({ ...input, committeeMinSize: '4', priceWeightMin: '40' }, '2026-11-23', parseYuanToMinor);
    expect(Object.keys(result.problems).sort()).toEqual(['committeeMinSize', 'priceWeightMax']);
  });
});

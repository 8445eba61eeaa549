import { DEFAULT_INDICATORS, PlannedMilestone, contractReference, indicatorsAreComplete, milestoneTerms } from './contract-terms';

function plan(...shares: number[]): PlannedMilestone[] {
  return shares.map((share, i) => ({ position: i + 1, name: `阶段${i + 1}`, dueDate: `2027-0${i + 1}-28`, deliverables: '报告', paymentShareBp: share }));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('milestone amounts (largest remainder, always the exact contract amount)', () => {
  it('splits 30/40/30 of a round amount as expected', () => {
    expect(milestoneTerms(180_000_00, plan(3000, 4000, 3000)).map((m) => m.amountMinor)).toEqual([54_000_00, 72_000_00, 54_000_00]);
  });

  it('splits an odd amount in thirds (33.33 / 33.33 / 33.34 %) to the fen, summing exactly', () => {
    const amounts = milestoneTerms(100_001, plan(3333, 3333, 3334)).map((m) => m.amountMinor);
    expect(amounts).toEqual([33_330, 33_330, 33_341]);
    expect(sum(amounts)).toBe(100_001);
  });

  it('gives the remainder fen to the largest remainders, earlier first on a tie', () => {
    // 1 fen by 33.33/33.33/33.34 %: the third has the largest remainder.
    expect(milestoneTerms(1, plan(3333, 3333, 3334)).map((m) => m.amountMinor)).toEqual([0, 0, 1]);
    // 2 fen in halves of 50/50: exact.
    expect(milestoneTerms(3, plan(5000, 5000)).map((m) => m.amountMinor)).toEqual([2, 1]);
  });

  it('sums exactly for many odd amounts and uneven shares', () => {
    const shares = [1234, 3333, 2, 4431, 1000];
    for (const amount of [1, 7, 99, 100_003, 18_675_050, 123_456_789_01, 9_007_199_254_740_991]) {
      expect(sum(milestoneTerms(amount, plan(...shares)).map((m) => m.amountMinor))).toBe(amount);
    }
  });

  it('allows a milestone with no payment (0 %)', () => {
    expect(milestoneTerms(50_000_00, plan(0, 10_000)).map((m) => m.amountMinor)).toEqual([0, 50_000_00]);
  });

  it('refuses a plan that is not 100 %, an empty plan and a non-positive amount', () => {
    expect(() => milestoneTerms(100, plan(3000, 3000))).toThrow(/6000 bp/);
    expect(() => milestoneTerms(100, [])).toThrow(/no milestone plan/);
    expect(() => milestoneTerms(0, plan(10_000))).toThrow(/positive/);
    expect(() => milestoneTerms(10.5, plan(10_000))).toThrow(/positive/);
  });

  it('gives every milestone the default indicators (30/30/20/20), as separate copies', () => {
    const terms = milestoneTerms(100, plan(5000, 5000));
    expect(terms[0].indicators.map((i) => `${i.code}:${i.weight}`)).toEqual(['output_quantity:30', 'service_quality:30', 'resident_satisfaction:20', 'management_finance:20']);
    expect(terms[0].indicators).not.toBe(terms[1].indicators);
    expect(indicatorsAreComplete(DEFAULT_INDICATORS)).toBe(true);
    expect(indicatorsAreComplete(DEFAULT_INDICATORS.slice(1))).toBe(false);
  });

  it('numbers contracts HT-<year>-<4 digits>', () => {
    expect(contractReference('2026', 7)).toBe('HT-2026-0007');
    expect(contractReference('2027', 12345)).toBe('HT-2027-12345');
  });
});

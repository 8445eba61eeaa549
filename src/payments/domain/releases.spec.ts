import { DEFAULT_PAYMENT_RULES, PaymentRules, computeTranche } from './payment-rules';
import { MilestoneFacts, ReleaseRuleError, planReleases, settlementReturn } from './releases';

/** A passed milestone whose tranche was approved as the rules computed it. */
function approved(position: number, amountMinor: number, scoreCenti: number, rules: PaymentRules = DEFAULT_PAYMENT_RULES): MilestoneFacts {
  return { position, amountMinor, status: 'passed', scoreCenti, approvedTranche: computeTranche({ trancheMinor: amountMinor, scoreCenti, rules }) };
}

/** Σ tranches paid + hold-back release + retention release + returned must be the contract amount to the fen. */
function contractTotal(ms: MilestoneFacts[], rules: PaymentRules) {
  const plan = planReleases(ms, rules);
  const amount = ms.reduce((s, m) => s + m.amountMinor, 0);
  const tranches = plan.milestones.reduce((s, m) => s + m.payableMinor, 0);
  const approvedMinor = tranches + plan.holdback.releaseMinor + plan.retention.releaseMinor;
  const returned = settlementReturn(plan, amount, approvedMinor);
  return { plan, amount, sum: approvedMinor + returned, returned, approvedMinor };
}

describe('hold-back and retention releases', () => {
  it('releases a pass hold-back when the average is at least good, and the parts sum to the contract exactly', () => {
    // 3 333 333 + 3 333 333 + 3 333 334 = 10 000 000; milestone 2 passes at 75 (90 % now), average (95 + 75 + 88) / 3 = 86 → good.
    const ms = [approved(1, 3_333_333, 9500), approved(2, 3_333_333, 7500), approved(3, 3_333_334, 8800)];
    const { plan, amount, sum, returned } = contractTotal(ms, DEFAULT_PAYMENT_RULES);
    expect(plan.isDue).toBe(true);
    expect(plan.finalPosition).toBe(3);
    expect(plan.averageGrade).toBe('good');
    expect(plan.milestones[1]).toMatchObject({ payableMinor: 2_999_999, holdbackMinor: 333_334 });
    expect(plan.holdback).toEqual({ heldMinor: 333_334, releaseMinor: 333_334, forfeitMinor: 0 });
    expect(plan.retention.releaseMinor).toBe(0);
    expect(returned).toBe(0);
    expect(sum).toBe(amount);
  });

  it('forfeits the hold-back when the average grades below good: it returns to the fund', () => {
    // (70 + 70 + 85) / 3 = 75 → pass
    const ms = [approved(1, 1_000_001, 7000), approved(2, 1_000_001, 7000), approved(3, 999_999, 8500)];
    const { plan, amount, sum, returned } = contractTotal(ms, DEFAULT_PAYMENT_RULES);
    expect(plan.averageGrade).toBe('pass');
    expect(plan.holdback.releaseMinor).toBe(0);
    expect(plan.holdback.forfeitMinor).toBe(100_001 + 100_001);
    expect(returned).toBe(200_002);
    expect(sum).toBe(amount);
    expect(plan.explanation.map((l) => l.key)).toContain('payments.explain.holdbackForfeited');
  });

  it('compares the average exactly at the good floor (79.99 average forfeits, 80.00 releases)', () => {
    expect(planReleases([approved(1, 100, 7999), approved(2, 100, 7999)], DEFAULT_PAYMENT_RULES).holdback.releaseMinor).toBe(0);
    // (60 + 100) / 2 = 80.00 → good
    expect(planReleases([approved(1, 101, 6000), approved(2, 100, 10000)], DEFAULT_PAYMENT_RULES).holdback.releaseMinor).toBe(11);
  });

  it('needs an excellent average when the rules say so', () => {
    const rules: PaymentRules = { ...DEFAULT_PAYMENT_RULES, passHoldbackReleaseMinGrade: 'excellent' };
    const plan = planReleases([approved(1, 1000, 7000, rules), approved(2, 1000, 10000, rules)], rules); // 85
    expect(plan.holdback).toEqual({ heldMinor: 100, releaseMinor: 0, forfeitMinor: 100 });
  });

  it('releases the retention kept from every tranche, summing to the fen with odd amounts', () => {
    const rules: PaymentRules = { ...DEFAULT_PAYMENT_RULES, retentionBp: 333 };
    const ms = [approved(1, 777_777, 9100, rules), approved(2, 1_234_567, 7300, rules), approved(3, 1, 8000, rules), approved(4, 999_999_999, 6000, rules)];
    const { plan, amount, sum } = contractTotal(ms, rules);
    const retained = ms.reduce((s, m) => s + m.approvedTranche!.retentionMinor, 0);
    expect(retained).toBeGreaterThan(0);
    expect(plan.retention).toEqual({ heldMinor: retained, releaseMinor: retained });
    expect(plan.retentionExplanation).toEqual([expect.objectContaining({ key: 'payments.explain.retentionReleased' })]);
    expect(plan.holdbackExplanation.map((l) => l.key)).not.toContain('payments.explain.retentionReleased');
    for (const m of plan.milestones) expect(m.payableMinor + m.retentionMinor + m.holdbackMinor + m.withheldMinor).toBe(m.trancheMinor);
    expect(sum).toBe(amount);
  });

  it('sums exactly for many random contracts and rules', () => {
    let seed = 42;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 500; i++) {
      const rules: PaymentRules = {
        excellentBp: 10000 - rnd(500),
        goodBp: 10000 - rnd(1500),
        passBp: 5000 + rnd(5000),
        failBp: 0,
        passHoldbackReleaseMinGrade: rnd(2) ? 'good' : 'excellent',
        retentionBp: rnd(5001),
      };
      const ms = Array.from({ length: 1 + rnd(6) }, (_, k) => approved(k + 1, 1 + rnd(50_000_000), 6000 + rnd(4001), rules));
      const { sum, amount } = contractTotal(ms, rules);
      expect(sum).toBe(amount);
    }
  });

  it('counts a cancelled milestone as returned, and files the releases under the last live milestone', () => {
    const ms: MilestoneFacts[] = [approved(1, 500, 7000), approved(2, 500, 9000), { position: 3, amountMinor: 1000, status: 'cancelled', scoreCenti: null, approvedTranche: null }];
    const { plan, sum, amount, returned } = contractTotal(ms, DEFAULT_PAYMENT_RULES);
    expect(plan.finalPosition).toBe(2);
    expect(plan.holdback.releaseMinor).toBe(50); // (70 + 90) / 2 = 80
    expect(returned).toBe(1000);
    expect(sum).toBe(amount);
  });

  it('is not due while a milestone has not passed or a payable tranche is not approved', () => {
    const notPassed = planReleases([approved(1, 100, 9000), { position: 2, amountMinor: 100, status: 'rectification', scoreCenti: 5000, approvedTranche: null }], DEFAULT_PAYMENT_RULES);
    expect(notPassed.isDue).toBe(false);
    expect(notPassed.blockers).toEqual([{ kind: 'milestone_not_passed', position: 2, status: 'rectification' }]);
    expect(notPassed.holdback.releaseMinor).toBe(0);
    const notApproved = planReleases([approved(1, 100, 9000), { position: 2, amountMinor: 100, status: 'passed', scoreCenti: 7000, approvedTranche: null }], DEFAULT_PAYMENT_RULES);
    expect(notApproved.blockers).toEqual([{ kind: 'tranche_not_approved', position: 2 }]);
    expect(() => settlementReturn(notApproved, 200, 100)).toThrow(ReleaseRuleError);
  });

  it('takes a passed milestone with nothing payable by the rules as fixed', () => {
    const rules: PaymentRules = { ...DEFAULT_PAYMENT_RULES, passBp: 0 };
    const plan = planReleases([approved(1, 100, 9000, rules), { position: 2, amountMinor: 100, status: 'passed', scoreCenti: 7000, approvedTranche: null }], rules);
    expect(plan.isDue).toBe(true);
    expect(plan.holdback).toEqual({ heldMinor: 100, releaseMinor: 100, forfeitMinor: 0 }); // (90 + 70) / 2 = 80
  });

  it('refuses to settle while a release is still outstanding', () => {
    const ms = [approved(1, 1000, 7000), approved(2, 1000, 9000)];
    const plan = planReleases(ms, DEFAULT_PAYMENT_RULES);
    expect(plan.holdback.releaseMinor).toBe(100);
    expect(() => settlementReturn(plan, 2000, 1900)).toThrow(/outstanding/);
    expect(settlementReturn(plan, 2000, 2000)).toBe(0);
  });

  it('refuses an approved split that does not add up', () => {
    const bad: MilestoneFacts = {
      position: 1,
      amountMinor: 100,
      status: 'passed',
      scoreCenti: 9000,
      approvedTranche: { trancheMinor: 100, payableMinor: 99, retentionMinor: 0, holdbackMinor: 0, withheldMinor: 0 },
    };
    expect(() => planReleases([bad], DEFAULT_PAYMENT_RULES)).toThrow(ReleaseRuleError);
  });
});

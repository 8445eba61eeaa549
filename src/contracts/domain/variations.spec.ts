import { VariableMilestone, amountLimits, checkAmountChange, checkDatesChange, checkDecider, reallocateUnpaid } from './variations';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('increases capped at 10 % of the original amount in total (政府采购法 第四十九条); reductions need a reason', () => {
  const original = 180_000_00;
  const check = (currentMinor: number, newMinor: number, increasedMinor = 0, reductionReason = '') =>
    checkAmountChange({ originalMinor: original, currentMinor, newMinor, increasedMinor, reductionReason });

  it('allows an increase up to exactly 10 %, in whole fen, and refuses one fen more', () => {
    expect(amountLimits(original)).toEqual({ originalMinor: original, allowanceMinor: 18_000_00, remainingMinor: 18_000_00, maxMinor: 198_000_00 });
    expect(check(original, 198_000_00)).toEqual({ ok: true, deltaMinor: 18_000_00, isReduction: false, reductionReason: null });
    expect(check(original, 198_000_01)).toMatchObject({ ok: false, problem: 'beyond_ten_percent', limits: { maxMinor: 198_000_00 } });
  });

  it('counts earlier increases: ¥180,000 + ¥10,800 (6 %), then another ¥10,800 is refused, ¥7,200 more is the most', () => {
    expect(check(original, 190_800_00)).toMatchObject({ ok: true, deltaMinor: 10_800_00 });
    expect(check(190_800_00, 201_600_00, 10_800_00)).toMatchObject({ ok: false, problem: 'beyond_ten_percent', limits: { remainingMinor: 7_200_00, maxMinor: 198_000_00 } });
    expect(check(190_800_00, 198_000_00, 10_800_00)).toMatchObject({ ok: true, deltaMinor: 7_200_00 });
  });

  it('does not give the allowance back after a reduction: down to ¥150,000 after +¥18,000, then any increase is refused', () => {
    expect(check(150_000_00, 150_000_01, 18_000_00)).toMatchObject({ ok: false, problem: 'beyond_ten_percent', limits: { remainingMinor: 0, maxMinor: 150_000_00 } });
  });

  it('does not cap a reduction (down to ¥90,000, half), but needs a reason of 10 characters or more', () => {
    expect(check(original, 90_000_00)).toMatchObject({ ok: false, problem: 'reduction_reason' });
    expect(check(original, 90_000_00, 0, '服务减少')).toMatchObject({ ok: false, problem: 'reduction_reason' });
    expect(check(original, 90_000_00, 0, '  二季度起服务对象减半，经双方协商减少服务数量  ')).toEqual({
      ok: true,
      deltaMinor: -90_000_00,
      isReduction: true,
      reductionReason: '二季度起服务对象减半，经双方协商减少服务数量',
    });
  });

  it('rounds the allowance down for odd amounts (10 % of 1 000 001 fen is 100 000.1 fen)', () => {
    expect(amountLimits(1_000_001)).toMatchObject({ allowanceMinor: 100_000, maxMinor: 1_100_001 });
    expect(checkAmountChange({ originalMinor: 1_000_001, currentMinor: 1_000_001, newMinor: 1_100_002, increasedMinor: 0 })).toMatchObject({ ok: false });
  });

  it('refuses no change and a non-positive amount', () => {
    expect(check(original, original)).toMatchObject({ ok: false, problem: 'unchanged' });
    expect(checkAmountChange({ originalMinor: 100, currentMinor: 100, newMinor: 0, increasedMinor: 0, reductionReason: '一个足够长的减少理由文字' })).toMatchObject({
      ok: false,
      problem: 'not_positive',
    });
  });
});

describe('re-allocating a changed amount over unpaid milestones', () => {
  const milestones: VariableMilestone[] = [
    { position: 1, dueDate: '2027-03-31', shareBp: 3333, amountMinor: 33_330, status: 'passed' },
    { position: 2, dueDate: '2027-06-30', shareBp: 3333, amountMinor: 33_330, status: 'pending' },
    { position: 3, dueDate: '2027-12-31', shareBp: 3334, amountMinor: 33_341, status: 'delivered' },
  ];

  it('keeps paid milestones and splits the rest exactly by share', () => {
    const result = reallocateUnpaid(milestones, 110_001);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.amounts).toEqual([
      { position: 1, beforeMinor: 33_330, afterMinor: 33_330 },
      { position: 2, beforeMinor: 33_330, afterMinor: 38_330 },
      { position: 3, beforeMinor: 33_341, afterMinor: 38_341 },
    ]);
    expect(sum(result.amounts.map((a) => a.afterMinor))).toBe(110_001);
  });

  it('sums exactly for odd totals', () => {
    for (const total of [66_672, 90_001, 99_999, 109_999]) {
      const result = reallocateUnpaid(milestones, total);
      expect(result.ok && sum(result.amounts.map((a) => a.afterMinor))).toBe(total);
    }
  });

  it('refuses an amount below what is already paid, and a contract with nothing left unpaid', () => {
    expect(reallocateUnpaid(milestones, 30_000)).toEqual({ ok: false, problem: 'below_paid' });
    expect(
      reallocateUnpaid(
        milestones.map((m) => ({ ...m, status: 'passed' as const })),
        120_000,
      ),
    ).toEqual({ ok: false, problem: 'nothing_unpaid' });
  });

  it('falls back to current amounts when the unpaid shares are all zero', () => {
    const zero = milestones.map((m) => ({ ...m, shareBp: 0 }));
    const result = reallocateUnpaid(zero, 100_000);
    expect(result.ok && result.amounts.map((a) => a.afterMinor)).toEqual([33_330, 33_330, 33_340]);
  });
});

describe('dates variations', () => {
  const current = {
    serviceStart: '2027-01-01',
    serviceEnd: '2027-12-31',
    milestones: [
      { position: 1, dueDate: '2027-03-31', shareBp: 3000, amountMinor: 3, status: 'passed' as const },
      { position: 2, dueDate: '2027-12-31', shareBp: 7000, amountMinor: 7, status: 'pending' as const },
    ],
  };

  it('extends the service period and the last milestone', () => {
    expect(checkDatesChange(current, { serviceStart: '2027-01-01', serviceEnd: '2028-02-29', milestoneDueDates: { 2: '2028-02-29' } })).toEqual([]);
  });

  it('refuses moving a paid milestone, a milestone outside the period, and an end before the start', () => {
    expect(checkDatesChange(current, { serviceStart: '2027-01-01', serviceEnd: '2027-12-31', milestoneDueDates: { 1: '2027-04-30' } })).toEqual([
      { field: 'milestones.1.dueDate', key: 'milestonePaid' },
    ]);
    expect(checkDatesChange(current, { serviceStart: '2027-01-01', serviceEnd: '2027-11-30', milestoneDueDates: {} })).toEqual([
      { field: 'milestones.2.dueDate', key: 'milestoneOutsidePeriod', params: { start: '2027-01-01', end: '2027-11-30' } },
    ]);
    expect(checkDatesChange(current, { serviceStart: '2027-06-01', serviceEnd: '2027-05-01', milestoneDueDates: {} })[0]).toEqual({ field: 'serviceEnd', key: 'servicePeriodOrder' });
  });

  it('refuses milestones out of order, malformed dates, and a proposal that changes nothing', () => {
    expect(checkDatesChange(current, { serviceStart: '2027-01-01', serviceEnd: '2027-12-31', milestoneDueDates: { 2: '2027-03-01' } })).toEqual([
      { field: 'milestones.2.dueDate', key: 'milestoneOrder', params: { previous: '2027-03-31' } },
    ]);
    expect(checkDatesChange(current, { serviceStart: '2027-02-30', serviceEnd: '2027-12-31', milestoneDueDates: {} })).toEqual([{ field: 'serviceStart', key: 'date' }]);
    expect(checkDatesChange(current, { serviceStart: '2027-01-01', serviceEnd: '2027-12-31', milestoneDueDates: {} })).toEqual([{ field: 'description', key: 'nothingChanged' }]);
  });
});

describe('who decides a variation (four eyes)', () => {
  it('refuses the proposer, even holding the approver role, and anyone not an approver', () => {
    expect(checkDecider({ userId: 'u1', roles: ['bureau_officer', 'bureau_approver'] }, 'u1')).toEqual({ ok: false, problem: 'own_proposal' });
    expect(checkDecider({ userId: 'u2', roles: ['bureau_officer'] }, 'u1')).toEqual({ ok: false, problem: 'not_approver' });
    expect(checkDecider({ userId: 'u2', roles: ['bureau_approver'] }, 'u1')).toEqual({ ok: true });
  });
});

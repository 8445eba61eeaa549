import { VariableMilestone, amountLimits, checkAmountChange, checkDatesChange, checkDecider, reallocateUnpaid } from './variations';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('the ±10 % rule on the original amount', () => {
  const original = 180_000_00;

  it('allows up to exactly 10 % either way, in whole fen', () => {
    expect(amountLimits(original)).toEqual({ minMinor: 162_000_00, maxMinor: 198_000_00 });
    expect(checkAmountChange(original, original, 198_000_00)).toEqual({ ok: true, deltaMinor: 18_000_00 });
    expect(checkAmountChange(original, original, 162_000_00)).toEqual({ ok: true, deltaMinor: -18_000_00 });
  });

  it('refuses one fen beyond 10 %', () => {
    expect(checkAmountChange(original, original, 198_000_01)).toMatchObject({ ok: false, problem: 'beyond_ten_percent' });
    expect(checkAmountChange(original, original, 161_999_99)).toMatchObject({ ok: false, problem: 'beyond_ten_percent' });
  });

  it('counts earlier variations: two +6 % steps are refused at the second', () => {
    const first = checkAmountChange(original, original, 190_800_00);
    expect(first).toEqual({ ok: true, deltaMinor: 10_800_00 });
    expect(checkAmountChange(original, 190_800_00, 190_800_00 + 10_800_00)).toMatchObject({ ok: false, problem: 'beyond_ten_percent' });
    // Coming back down is fine.
    expect(checkAmountChange(original, 190_800_00, 175_000_00)).toEqual({ ok: true, deltaMinor: -15_800_00 });
  });

  it('rounds the allowance down for odd amounts (10 % of 1 000 001 fen is 100 000.1 fen)', () => {
    expect(amountLimits(1_000_001)).toEqual({ minMinor: 900_001, maxMinor: 1_100_001 });
    expect(checkAmountChange(1_000_001, 1_000_001, 1_100_002)).toMatchObject({ ok: false });
  });

  it('refuses no change and a non-positive amount', () => {
    expect(checkAmountChange(original, original, original)).toMatchObject({ ok: false, problem: 'unchanged' });
    expect(checkAmountChange(100, 100, 0)).toMatchObject({ ok: false, problem: 'not_positive' });
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
    expect(reallocateUnpaid(milestones.map((m) => ({ ...m, status: 'passed' as const })), 120_000)).toEqual({ ok: false, problem: 'nothing_unpaid' });
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

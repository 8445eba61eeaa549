import { Participation, RankedBid, checkApproverEligibility, checkAwardChoice, validRanking } from './award-rules';

const committee: Participation[] = [
  { userId: 'expert-1', capacity: 'expert', round: 1 },
  { userId: 'expert-2', capacity: 'expert', round: 1 },
  { userId: 'rep', capacity: 'bureau_representative', round: 1 },
  { userId: 'expert-1', capacity: 'scorer', round: 1 },
  { userId: 'reviewer', capacity: 'qualification_reviewer', round: 2 },
];

describe('who may award (the approver took no part in the evaluation)', () => {
  it('lets an approver who took no part award', () => {
    expect(checkApproverEligibility({ userId: 'approver', roles: ['bureau_approver'] }, committee)).toEqual({ ok: true });
  });

  it('refuses a committee expert even when the account also holds the approver role', () => {
    expect(checkApproverEligibility({ userId: 'expert-1', roles: ['evaluator', 'bureau_approver'] }, committee)).toEqual({
      ok: false,
      reason: 'took_part',
      capacities: ['expert', 'scorer'],
      rounds: [1],
    });
  });

  it('refuses the bureau representative on the committee', () => {
    expect(checkApproverEligibility({ userId: 'rep', roles: ['bureau_approver'] }, committee)).toMatchObject({ ok: false, reason: 'took_part', capacities: ['bureau_representative'] });
  });

  it('counts every round of the project, not only the current one', () => {
    expect(checkApproverEligibility({ userId: 'reviewer', roles: ['bureau_approver'] }, committee)).toMatchObject({ ok: false, rounds: [2] });
  });

  it('refuses anyone without the approver role, and an anonymous actor', () => {
    expect(checkApproverEligibility({ userId: 'officer', roles: ['bureau_officer'] }, [])).toEqual({ ok: false, reason: 'not_approver' });
    expect(checkApproverEligibility({ userId: null, roles: ['bureau_approver'] }, [])).toEqual({ ok: false, reason: 'not_approver' });
  });
});

describe('to whom (top-ranked, or another valid bidder with a reason)', () => {
  const results: RankedBid[] = [
    { bidId: 'b3', organisationId: 'o3', rank: 3, priceMinor: 170_000_00, isValid: true },
    { bidId: 'b1', organisationId: 'o1', rank: 1, priceMinor: 180_000_00, isValid: true },
    { bidId: 'b2', organisationId: 'o2', rank: 2, priceMinor: 175_000_00, isValid: true },
    { bidId: 'bx', organisationId: 'ox', rank: 4, priceMinor: 100_000_00, isValid: false },
  ];

  it('ranks the valid bids best first', () => {
    expect(validRanking(results).map((r) => r.bidId)).toEqual(['b1', 'b2', 'b3']);
  });

  it('awards the top-ranked bid without a reason, and does not keep one given anyway', () => {
    expect(checkAwardChoice(results, 'b1', '')).toMatchObject({ ok: true, isTopRanked: true, reason: null });
    expect(checkAwardChoice(results, 'b1', '这段理由不需要也不保存')).toMatchObject({ ok: true, reason: null });
  });

  it('refuses another bidder without a written reason of at least 10 characters', () => {
    expect(checkAwardChoice(results, 'b2', '')).toEqual({ ok: false, problem: 'reason_required' });
    expect(checkAwardChoice(results, 'b2', '   价格更低   ')).toEqual({ ok: false, problem: 'reason_required' });
    expect(checkAwardChoice(results, 'b2', 'x'.repeat(2001))).toEqual({ ok: false, problem: 'reason_too_long' });
  });

  it('accepts another valid bidder with a reason, trimmed', () => {
    expect(checkAwardChoice(results, 'b2', '  第一名放弃中标资格，书面声明已存档（编号 2026-17）。 ')).toMatchObject({
      ok: true,
      isTopRanked: false,
      reason: '第一名放弃中标资格，书面声明已存档（编号 2026-17）。',
      bid: { organisationId: 'o2', priceMinor: 175_000_00 },
    });
  });

  it('refuses an invalid bid and a bid not in the evaluation, whatever the reason', () => {
    expect(checkAwardChoice(results, 'bx', '报价最低，应当授予该机构，理由充分')).toEqual({ ok: false, problem: 'not_a_valid_bidder' });
    expect(checkAwardChoice(results, 'nope', '理由理由理由理由理由理由')).toEqual({ ok: false, problem: 'not_a_valid_bidder' });
    expect(checkAwardChoice([], 'b1', null)).toEqual({ ok: false, problem: 'no_valid_bids' });
  });

  it('treats equal first ranks as top-ranked (ties are broken by the evaluation, not here)', () => {
    const tied = [{ ...results[1] }, { ...results[2], rank: 1 }];
    expect(checkAwardChoice(tied, 'b2', null)).toMatchObject({ ok: true, isTopRanked: true });
  });
});

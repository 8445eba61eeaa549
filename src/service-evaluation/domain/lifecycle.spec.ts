import { LifecycleError, evaluableRound, missedRectification, outcomeOf, rectificationDeadline, terminationPlan } from './lifecycle';

describe('evaluation, rectification and termination paths', () => {
  it('evaluates a delivered milestone of an active contract, in round 2 after rectification', () => {
    expect(evaluableRound({ contractStatus: 'active', milestoneStatus: 'delivered', hasRectification: false })).toEqual({ round: 1 });
    expect(evaluableRound({ contractStatus: 'active', milestoneStatus: 'under_evaluation', hasRectification: true })).toEqual({ round: 2 });
    expect(evaluableRound({ contractStatus: 'active', milestoneStatus: 'pending', hasRectification: false })).toEqual({ blocker: 'not_delivered' });
    expect(evaluableRound({ contractStatus: 'active', milestoneStatus: 'rectification', hasRectification: true })).toEqual({ blocker: 'not_delivered' });
    expect(evaluableRound({ contractStatus: 'terminated', milestoneStatus: 'delivered', hasRectification: false })).toEqual({ blocker: 'contract_not_active' });
  });

  it('passes on any grade but fail; a first fail opens rectification; a second fail terminates', () => {
    for (const g of ['excellent', 'good', 'pass'] as const)
      expect(outcomeOf(1, g)).toEqual({ milestoneStatus: 'passed', opensRectification: false, closesRectification: null, terminatesContract: false });
    expect(outcomeOf(2, 'pass')).toEqual({ milestoneStatus: 'passed', opensRectification: false, closesRectification: 'passed', terminatesContract: false });
    expect(outcomeOf(1, 'fail')).toEqual({ milestoneStatus: 'rectification', opensRectification: true, closesRectification: null, terminatesContract: false });
    expect(outcomeOf(2, 'fail')).toEqual({ milestoneStatus: 'failed', opensRectification: false, closesRectification: 'failed', terminatesContract: true });
    expect(() => outcomeOf(3, 'fail')).toThrow(LifecycleError);
  });

  it('lets a missed rectification end the contract only after its deadline and before the re-delivery', () => {
    const deadline = new Date('2027-04-01T16:00:00Z');
    const base = { contractStatus: 'active', milestoneStatus: 'rectification', rectificationStatus: 'open', deadline };
    expect(missedRectification({ ...base, now: new Date('2027-04-01T16:00:01Z') })).toBe(true);
    expect(missedRectification({ ...base, now: deadline })).toBe(false);
    expect(missedRectification({ ...base, milestoneStatus: 'delivered', now: new Date('2027-05-01T00:00:00Z') })).toBe(false);
    expect(missedRectification({ ...base, rectificationStatus: null, deadline: null, now: new Date('2027-05-01T00:00:00Z') })).toBe(false);
    expect(missedRectification({ ...base, contractStatus: 'terminated', now: new Date('2027-05-01T00:00:00Z') })).toBe(false);
  });

  it('sets the rectification deadline 30 days ahead unless told, within 1–180 days', () => {
    const now = new Date('2027-03-01T02:00:00Z');
    expect(rectificationDeadline(now).toISOString()).toBe('2027-03-31T02:00:00.000Z');
    expect(rectificationDeadline(now, 7).toISOString()).toBe('2027-03-08T02:00:00.000Z');
    expect(() => rectificationDeadline(now, 0)).toThrow(LifecycleError);
    expect(() => rectificationDeadline(now, 181)).toThrow(LifecycleError);
  });

  it('terminates keeping what was approved or paid and what awaits a decision, returning the rest', () => {
    const ms = [
      { position: 1, status: 'passed', amountMinor: 333_333 },
      { position: 2, status: 'passed', amountMinor: 333_333 },
      { position: 3, status: 'failed', amountMinor: 333_334 },
      { position: 4, status: 'pending', amountMinor: 0 },
    ];
    // Milestone 1 passed at 合格: 90 % approved (299 999), the 10 % hold-back is never paid now.
    expect(terminationPlan(ms, 1_000_000, 299_999, 0, 3)).toEqual({ cancelPositions: [4], keptMinor: 299_999, releaseMinor: 700_001 });
    // Milestone 2's tranche is proposed but not decided: it stays committed for the approver.
    expect(terminationPlan(ms, 1_000_000, 299_999, 333_333, 3)).toEqual({ cancelPositions: [4], keptMinor: 633_332, releaseMinor: 366_668 });
  });

  it('cancels every milestone that has not passed, and refuses inconsistent facts', () => {
    const ms = [
      { position: 1, status: 'failed', amountMinor: 500 },
      { position: 2, status: 'delivered', amountMinor: 300 },
      { position: 3, status: 'rectification', amountMinor: 200 },
    ];
    expect(terminationPlan(ms, 1000, 0, 0, 1)).toEqual({ cancelPositions: [2, 3], keptMinor: 0, releaseMinor: 1000 });
    expect(() => terminationPlan(ms, 999, 0, 0, 1)).toThrow(/sum/);
    expect(() => terminationPlan(ms, 1000, 1, 0, 1)).toThrow(/approved/);
    expect(() => terminationPlan(ms, 1000, 0, 1, 1)).toThrow(/pending/);
    expect(() => terminationPlan(ms, 1000, -1, 0, 1)).toThrow(/whole fen/);
    expect(() => terminationPlan(ms, 1000, 0, 0, 9)).toThrow(/no milestone/);
  });
});

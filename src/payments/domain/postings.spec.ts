import { approvePosting, balanceDeltas, commitPosting, failPosting, isBalanced, payPosting, releasePosting, reservePosting, reversalPosting, reversePosting } from './postings';

const scope = { fundId: 'f', projectId: 'p', contractId: 'c' };

describe('ledger postings', () => {
  it('balances every event', () => {
    for (const lines of [
      reservePosting(scope, 1_000_000),
      releasePosting(scope, 1),
      commitPosting(scope, 1_000_000, 950_000),
      commitPosting(scope, 1_000_000, 1_000_000),
      commitPosting(scope, 0, 5),
      approvePosting(scope, 333_334),
      payPosting(scope, 333_334),
      reversePosting(payPosting(scope, 7)),
      failPosting(scope, 12),
      reversalPosting(scope, 12),
    ]) {
      expect(isBalanced(lines)).toBe(true);
    }
  });

  it('commits a contract cheaper than the reservation, returning the difference', () => {
    expect(commitPosting(scope, 1_000_000, 950_000).map((l) => [l.account, l.amountMinor])).toEqual([
      ['reserved', -1_000_000],
      ['committed', 950_000],
      ['available', 50_000],
    ]);
  });

  it('detects an unbalanced or empty set', () => {
    expect(isBalanced([])).toBe(false);
    expect(isBalanced([{ ...approvePosting(scope, 5)[0] }])).toBe(false);
  });

  it('refuses zero or fractional amounts', () => {
    expect(() => approvePosting(scope, 0)).toThrow();
    expect(() => payPosting(scope, 1.5)).toThrow();
  });

  it('moves the running balances of the fund, contract and project', () => {
    const d = balanceDeltas([...approvePosting(scope, 100), ...payPosting(scope, 100)]);
    expect(d.funds.get('f')).toEqual({ reservedMinor: 0, committedMinor: -100, payableMinor: 0, paidMinor: 100 });
    expect(d.contracts.get('c')).toEqual({ approvedMinor: 100, paidMinor: 100 });
    expect(d.projects.get('p')).toEqual({ paidMinor: 100 });
  });

  it('returns a failed transfer from payable to committed, leaving the contract approved total where it was before approval', () => {
    const d = balanceDeltas([...approvePosting(scope, 500), ...failPosting(scope, 500)]);
    expect(d.funds.get('f')).toEqual({ reservedMinor: 0, committedMinor: 0, payableMinor: 0, paidMinor: 0 });
    expect(d.contracts.get('c')).toEqual({ approvedMinor: 0, paidMinor: 0 });
    expect(failPosting(scope, 500).map((l) => [l.account, l.amountMinor])).toEqual([
      ['payable', -500],
      ['committed', 500],
    ]);
  });

  it('undoes a paid transfer that Stripe reversed: paid and approved fall, committed is whole again', () => {
    const d = balanceDeltas([...approvePosting(scope, 300), ...payPosting(scope, 300), ...reversalPosting(scope, 300)]);
    expect(d.funds.get('f')).toEqual({ reservedMinor: 0, committedMinor: 0, payableMinor: 0, paidMinor: 0 });
    expect(d.contracts.get('c')).toEqual({ approvedMinor: 0, paidMinor: 0 });
    expect(d.projects.get('p')).toEqual({ paidMinor: 0 });
    const alone = balanceDeltas(reversalPosting(scope, 300));
    expect(alone.contracts.get('c')).toEqual({ approvedMinor: -300, paidMinor: -300 });
    expect(() => reversalPosting(scope, 0)).toThrow();
    expect(() => failPosting(scope, -1)).toThrow();
  });
});

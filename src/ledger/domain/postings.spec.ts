import {
  PostingError,
  approvePosting,
  balanceDeltas,
  commitPosting,
  failPosting,
  isBalanced,
  payPosting,
  releasePosting,
  reservePosting,
  returnToFundPosting,
  reversalPosting,
  reversePosting,
} from './postings';

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

  // One posting for money returning to the fund, whether a contract is settled or terminated
  // (moved here from payments' releases and service-evaluation's lifecycle, which each had one).
  it('posts the return to the fund as committed → available, balanced', () => {
    const lines = returnToFundPosting({ fundId: 'f', projectId: 'p', contractId: 'c' }, 12_345);
    expect(isBalanced(lines)).toBe(true);
    expect(lines).toEqual([
      { fundId: 'f', account: 'committed', projectId: 'p', contractId: 'c', amountMinor: -12_345 },
      { fundId: 'f', account: 'available', projectId: 'p', contractId: 'c', amountMinor: 12_345 },
    ]);
    expect(() => returnToFundPosting({ fundId: 'f', projectId: 'p', contractId: 'c' }, 0)).toThrow(PostingError);
  });

  it('posts the return as committed → available, balanced, for the contract', () => {
    const lines = returnToFundPosting({ fundId: 'f', projectId: 'p', contractId: 'c' }, 666_667);
    expect(lines).toEqual([
      { fundId: 'f', account: 'committed', projectId: 'p', contractId: 'c', amountMinor: -666_667 },
      { fundId: 'f', account: 'available', projectId: 'p', contractId: 'c', amountMinor: 666_667 },
    ]);
    expect(lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(0);
    expect(() => returnToFundPosting({ fundId: 'f', projectId: null, contractId: 'c' }, 0)).toThrow(PostingError);
    expect(() => returnToFundPosting({ fundId: 'f', projectId: null, contractId: 'c' }, 1.5)).toThrow(PostingError);
  });

  it('commits a variation alone: an increase draws on the fund, a reduction returns, no change posts nothing', () => {
    expect(commitPosting(scope, 0, 700).map((l) => [l.account, l.amountMinor])).toEqual([
      ['committed', 700],
      ['available', -700],
    ]);
    expect(commitPosting(scope, 0, -300).map((l) => [l.account, l.amountMinor])).toEqual([
      ['committed', -300],
      ['available', 300],
    ]);
    expect(commitPosting(scope, 0, 0)).toEqual([]);
    expect(() => commitPosting(scope, 0, 1.5)).toThrow(PostingError);
  });
});

/**
 * Ledger postings: each event in a fund's life as a balanced set of lines (they sum to zero).
 * The accounts of a fund: available → reserved → committed → payable → paid. `available` is
 * the fund's unassigned money, so it carries the opposite of everything else. One builder per
 * business event; the ledger service is the only writer of what they return.
 */
export type Account = 'available' | 'reserved' | 'committed' | 'payable' | 'paid';

/** The events as stored in journal_entries.event (the journal page translates them). */
export type LedgerEvent =
  | 'fund.reserved'
  | 'fund.released'
  | 'fund.committed'
  | 'disbursement.approve'
  | 'disbursement.retry'
  | 'disbursement.pay'
  | 'disbursement.fail'
  | 'disbursement.reverse'
  | 'contract.settle'
  | 'contract.terminate';

export interface PostingLine {
  fundId: string;
  account: Account;
  projectId: string | null;
  contractId: string | null;
  amountMinor: number;
}

export class PostingError extends Error {}

export interface Scope {
  fundId: string;
  projectId: string | null;
  contractId?: string | null;
}

function line(scope: Scope, account: Account, amountMinor: number): PostingLine {
  return { fundId: scope.fundId, account, projectId: scope.projectId, contractId: scope.contractId ?? null, amountMinor };
}

function positive(amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new PostingError(`a posting amount is whole fen > 0, not ${amountMinor}`);
  return amountMinor;
}

const nonZero = (lines: PostingLine[]) => lines.filter((l) => l.amountMinor !== 0);

/** A project reserves part of the fund. */
export function reservePosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'available', -amountMinor), line(scope, 'reserved', amountMinor)];
}

/** A reservation is given back (cancelled or failed project). */
export function releasePosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'reserved', -amountMinor), line(scope, 'available', amountMinor)];
}

/**
 * A contract takes effect: the reservation leaves, the contract amount is committed, the
 * difference returns. A variation of the amount commits its change alone (reserved 0, the change
 * negative for a reduction); lines of zero are left out, so an unchanged amount posts nothing.
 */
export function commitPosting(scope: Scope, reservedMinor: number, contractMinor: number): PostingLine[] {
  if (!Number.isSafeInteger(reservedMinor) || reservedMinor < 0) throw new PostingError(`reserved must be whole fen ≥ 0, not ${reservedMinor}`);
  if (!Number.isSafeInteger(contractMinor)) throw new PostingError(`a contract amount is whole fen, not ${contractMinor}`);
  return nonZero([line(scope, 'reserved', -reservedMinor), line(scope, 'committed', contractMinor), line(scope, 'available', reservedMinor - contractMinor)]);
}

/** An approved disbursement: committed money becomes payable to the organisation. */
export function approvePosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'committed', -amountMinor), line(scope, 'payable', amountMinor)];
}

/** The money left the treasury (voucher) or Stripe (transfer). */
export function payPosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'payable', -amountMinor), line(scope, 'paid', amountMinor)];
}

/**
 * A payment that never happened (the Stripe transfer was refused or gave up): the approved money
 * goes back from payable to committed, so the milestone can be paid again by a retry or a new proposal.
 */
export function failPosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'payable', -amountMinor), line(scope, 'committed', amountMinor)];
}

/**
 * A paid transfer came back in full (Stripe transfer reversal): paid → committed in one entry,
 * undoing both the payment and its approval, so the contract's approved and paid totals fall.
 */
export function reversalPosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'paid', -amountMinor), line(scope, 'committed', amountMinor)];
}

/**
 * Committed money of a contract that will never be paid goes back to the fund: committed →
 * available, for the contract. The one posting of both ends of a contract: its settlement
 * (withheld, forfeited hold-back, cancelled milestones) and its termination after a second fail.
 */
export function returnToFundPosting(scope: Scope, amountMinor: number): PostingLine[] {
  positive(amountMinor);
  return [line(scope, 'committed', -amountMinor), line(scope, 'available', amountMinor)];
}

/** The exact opposite of an earlier entry (the journal is append-only: corrections are new entries). */
export function reversePosting(lines: PostingLine[]): PostingLine[] {
  return lines.map((l) => ({ ...l, amountMinor: -l.amountMinor }));
}

export function isBalanced(lines: PostingLine[]): boolean {
  return lines.length > 0 && lines.every((l) => Number.isSafeInteger(l.amountMinor) && l.amountMinor !== 0) && lines.reduce((s, l) => s + l.amountMinor, 0) === 0;
}

export interface BalanceDeltas {
  funds: Map<string, { reservedMinor: number; committedMinor: number; payableMinor: number; paidMinor: number }>;
  /** approved = what became payable or paid; paid = what was paid. */
  contracts: Map<string, { approvedMinor: number; paidMinor: number }>;
  projects: Map<string, { paidMinor: number }>;
}

/** How the running balances on funds, contracts and projects move with a set of lines. */
export function balanceDeltas(lines: PostingLine[]): BalanceDeltas {
  const out: BalanceDeltas = { funds: new Map(), contracts: new Map(), projects: new Map() };
  for (const l of lines) {
    const f = out.funds.get(l.fundId) ?? { reservedMinor: 0, committedMinor: 0, payableMinor: 0, paidMinor: 0 };
    if (l.account === 'reserved') f.reservedMinor += l.amountMinor;
    if (l.account === 'committed') f.committedMinor += l.amountMinor;
    if (l.account === 'payable') f.payableMinor += l.amountMinor;
    if (l.account === 'paid') f.paidMinor += l.amountMinor;
    out.funds.set(l.fundId, f);
    if (l.contractId && (l.account === 'payable' || l.account === 'paid')) {
      const c = out.contracts.get(l.contractId) ?? { approvedMinor: 0, paidMinor: 0 };
      c.approvedMinor += l.amountMinor;
      if (l.account === 'paid') c.paidMinor += l.amountMinor;
      out.contracts.set(l.contractId, c);
    }
    if (l.projectId && l.account === 'paid') {
      const p = out.projects.get(l.projectId) ?? { paidMinor: 0 };
      p.paidMinor += l.amountMinor;
      out.projects.set(l.projectId, p);
    }
  }
  return out;
}

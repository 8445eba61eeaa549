import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { pgError } from '../common/errors/pg-error';
import {
  LedgerEvent,
  PostingLine,
  Scope,
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
} from './domain/postings';
import { LedgerLimitError, UnbalancedPostingError } from './ledger.errors';

interface EntryHeader {
  event: LedgerEvent;
  refType: string;
  refId: string;
  actorId: string | null;
  memo?: string;
}

/** A fund's reserved and committed balances right after a posting (for the caller's audit event). */
export interface FundBalancesAfter {
  reservedMinor: number;
  committedMinor: number;
}

/** A movement of a project's money within its fund (reservation, release, commitment). */
export interface ProjectFundMovement {
  fundId: string;
  projectId: string;
  amountMinor: number;
  actorId: string | null;
}

/** The disbursement a payment posting is about, with the contract's fund and project. */
export interface DisbursementPosting {
  id: string;
  fundId: string;
  projectId: string | null;
  contractId: string;
  amountMinor: number;
}

/** A contract whose unspent commitment goes back to its fund. */
export interface ContractPosting {
  id: string;
  fundId: string;
  projectId: string | null;
}

const disbursementScope = (d: DisbursementPosting): Scope => ({ fundId: d.fundId, projectId: d.projectId, contractId: d.contractId });

/**
 * The double-entry journal, and the only code that writes it or moves the running balances on
 * funds (reserved, committed, payable, paid), contracts (approved, paid) and projects (paid).
 * One verb per business event, each in the caller's transaction (its EntityManager): it writes one
 * balanced entry and moves the balances together, and the CHECKs on those rows decide, so no
 * interleaving of reservations or approvals can spend beyond a fund, a contract or an award. A
 * refusal is LedgerLimitError. Lines are append-only (triggers), and every entry must balance at
 * commit (deferred constraint trigger). The read side is LedgerQueries.
 */
@Injectable()
export class LedgerService {
  /**
   * A project reserves part of its fund at publication. Null when the fund does not exist or is
   * closed. A fund without enough left is LedgerLimitError (funds_within_total), the caller's
   * transaction still usable (savepoint) so it can say what is left.
   */
  async reserveForProject(manager: EntityManager, r: ProjectFundMovement): Promise<FundBalancesAfter | null> {
    const lines = r.amountMinor === 0 ? [] : reservePosting({ fundId: r.fundId, projectId: r.projectId }, r.amountMinor);
    return this.moveFund(manager, { event: 'fund.reserved', refType: 'project', refId: r.projectId, actorId: r.actorId }, r.fundId, lines, true);
  }

  /** A cancelled or failed project gives its reservation back to the fund. Null when there is no such fund. */
  async releaseReservation(manager: EntityManager, r: ProjectFundMovement): Promise<FundBalancesAfter | null> {
    const lines = r.amountMinor === 0 ? [] : releasePosting({ fundId: r.fundId, projectId: r.projectId }, r.amountMinor);
    return this.moveFund(manager, { event: 'fund.released', refType: 'project', refId: r.projectId, actorId: r.actorId }, r.fundId, lines, false);
  }

  /**
   * A contract takes effect: `reservedMinor` leaves the reservations, `contractAmountMinor` is
   * committed, and the difference goes back to (or, beyond the reservation, is drawn from) what
   * is available. A variation of the amount passes reservedMinor 0 and the change (negative for a
   * reduction). An increase the fund cannot cover is LedgerLimitError, the transaction still usable.
   */
  async commitToContract(manager: EntityManager, c: Omit<ProjectFundMovement, 'amountMinor'> & { reservedMinor: number; contractAmountMinor: number }): Promise<FundBalancesAfter | null> {
    const lines = commitPosting({ fundId: c.fundId, projectId: c.projectId }, c.reservedMinor, c.contractAmountMinor);
    return this.moveFund(manager, { event: 'fund.committed', refType: 'project', refId: c.projectId, actorId: c.actorId }, c.fundId, lines, false);
  }

  /** An approved disbursement: committed money becomes payable to the organisation. */
  async approveDisbursement(manager: EntityManager, d: DisbursementPosting, actorId: string | null): Promise<string> {
    return this.post(manager, { event: 'disbursement.approve', refType: 'disbursement', refId: d.id, actorId }, approvePosting(disbursementScope(d), d.amountMinor));
  }

  /** A failed or reversed Stripe transfer is approved again for a new attempt (committed → payable). */
  async approveDisbursementRetry(manager: EntityManager, d: DisbursementPosting, actorId: string | null, generation: number): Promise<string> {
    return this.post(manager, { event: 'disbursement.retry', refType: 'disbursement', refId: d.id, actorId, memo: `generation ${generation}` }, approvePosting(disbursementScope(d), d.amountMinor));
  }

  /** The money left the treasury (voucher) or Stripe (transfer): payable → paid. `memo` names the voucher or transfer. */
  async recordDisbursementPaid(manager: EntityManager, d: DisbursementPosting, actorId: string | null, memo: string): Promise<string> {
    return this.post(manager, { event: 'disbursement.pay', refType: 'disbursement', refId: d.id, actorId, memo }, payPosting(disbursementScope(d), d.amountMinor));
  }

  /** A payment that never happened (refused, given up, or reversed before it was paid): payable → committed. */
  async recordTransferFailed(manager: EntityManager, d: DisbursementPosting, memo: string): Promise<string> {
    return this.post(manager, { event: 'disbursement.fail', refType: 'disbursement', refId: d.id, actorId: null, memo }, failPosting(disbursementScope(d), d.amountMinor));
  }

  /** A paid transfer came back in full: paid → committed, undoing both the payment and its approval. */
  async recordTransferReversed(manager: EntityManager, d: DisbursementPosting, memo: string): Promise<string> {
    return this.post(manager, { event: 'disbursement.reverse', refType: 'disbursement', refId: d.id, actorId: null, memo }, reversalPosting(disbursementScope(d), d.amountMinor));
  }

  /**
   * Committed money of a contract that will never be paid goes back to the fund (committed →
   * available): at its settlement (结算) or its termination after a second fail. Returns the entry's id.
   */
  async returnToFund(manager: EntityManager, contract: ContractPosting, amountMinor: number, why: { cause: 'settlement' | 'termination'; actorId: string | null; memo: string }): Promise<string> {
    return this.post(
      manager,
      { event: why.cause === 'settlement' ? 'contract.settle' : 'contract.terminate', refType: 'contract', refId: contract.id, actorId: why.actorId, memo: why.memo },
      returnToFundPosting({ fundId: contract.fundId, projectId: contract.projectId, contractId: contract.id }, amountMinor),
    );
  }

  /** The entry first, then the running balances of contracts, projects and funds (sorted ids: concurrent postings lock in one order). */
  private async post(manager: EntityManager, header: EntryHeader, lines: PostingLine[]): Promise<string> {
    const entryId = await this.writeEntry(manager, header, lines);
    const deltas = balanceDeltas(lines);
    try {
      for (const [id, d] of [...deltas.contracts].sort(([a], [b]) => a.localeCompare(b))) {
        await manager.query(`UPDATE contracts SET approved_minor = approved_minor + $2, paid_minor = paid_minor + $3 WHERE id = $1`, [id, d.approvedMinor, d.paidMinor]);
      }
      for (const [id, d] of [...deltas.projects].sort(([a], [b]) => a.localeCompare(b))) {
        await manager.query(`UPDATE projects SET paid_minor = paid_minor + $2 WHERE id = $1`, [id, d.paidMinor]);
      }
      for (const [id] of [...deltas.funds].sort(([a], [b]) => a.localeCompare(b))) await this.updateFund(manager, id, lines, false);
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23514') throw new LedgerLimitError(constraint);
      throw error;
    }
    return entryId;
  }

  /**
   * A posting within one fund's accounts: the fund row first, under a savepoint so that a refusal
   * by its CHECK leaves the caller's transaction usable, then the entry. Null when no (active,
   * where `activeOnly`) fund matched; nothing is written then.
   */
  private async moveFund(manager: EntityManager, header: EntryHeader, fundId: string, lines: PostingLine[], activeOnly: boolean): Promise<FundBalancesAfter | null> {
    await manager.query('SAVEPOINT ledger_fund_posting');
    let after: FundBalancesAfter | null;
    try {
      after = await this.updateFund(manager, fundId, lines, activeOnly);
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code !== '23514') throw error;
      await manager.query('ROLLBACK TO SAVEPOINT ledger_fund_posting');
      throw new LedgerLimitError(constraint);
    }
    await manager.query('RELEASE SAVEPOINT ledger_fund_posting');
    if (!after) return null;
    if (lines.length) await this.writeEntry(manager, header, lines);
    return after;
  }

  private async updateFund(manager: EntityManager, fundId: string, lines: PostingLine[], activeOnly: boolean): Promise<FundBalancesAfter | null> {
    const d = balanceDeltas(lines).funds.get(fundId) ?? { reservedMinor: 0, committedMinor: 0, payableMinor: 0, paidMinor: 0 };
    const result = (await manager.query(
      `UPDATE funds SET reserved_minor = reserved_minor + $2, committed_minor = committed_minor + $3, payable_minor = payable_minor + $4,
              paid_minor = paid_minor + $5, updated_at = now()
        WHERE id = $1${activeOnly ? ' AND is_active' : ''} RETURNING reserved_minor::text AS reserved_minor, committed_minor::text AS committed_minor`,
      [fundId, d.reservedMinor, d.committedMinor, d.payableMinor, d.paidMinor],
    )) as unknown[];
    // With RETURNING, TypeORM gives [rows, count] for UPDATE.
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Array<{ reserved_minor: string; committed_minor: string }>;
    return rows.length ? { reservedMinor: Number(rows[0].reserved_minor), committedMinor: Number(rows[0].committed_minor) } : null;
  }

  /** One balanced journal entry (journal_entries + numbered journal_lines); returns its id. */
  private async writeEntry(manager: EntityManager, header: EntryHeader, lines: PostingLine[]): Promise<string> {
    if (!isBalanced(lines)) throw new UnbalancedPostingError(`entry ${header.event} for ${header.refType} ${header.refId} does not balance`);
    const [entry] = (await manager.query(`INSERT INTO journal_entries (event, ref_type, ref_id, actor_id, memo) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
      header.event,
      header.refType,
      header.refId,
      header.actorId,
      header.memo ?? null,
    ])) as Array<{ id: string }>;
    const values: unknown[] = [];
    const tuples = lines.map((l, i) => {
      values.push(entry.id, i + 1, l.fundId, l.account, l.projectId, l.contractId, l.amountMinor);
      const b = i * 7;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
    });
    await manager.query(`INSERT INTO journal_lines (entry_id, line, fund_id, account, project_id, contract_id, amount_minor) VALUES ${tuples.join(', ')}`, values);
    return entry.id;
  }
}

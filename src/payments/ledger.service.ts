import { writeJournalEntry } from '../common/ledger/journal';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { pgError } from '../procurement/funds.service';
import { LedgerEvent, PostingLine, balanceDeltas, isBalanced } from './domain/postings';
import { LedgerLimitError, UnbalancedPostingError } from './payments.errors';

export interface EntryHeader {
  event: LedgerEvent;
  refType: string;
  refId: string;
  actorId: string | null;
  memo?: string;
}

export type LedgerProblem =
  | { kind: 'entry_unbalanced'; entryId: string; sumMinor: number }
  | { kind: 'fund_mismatch'; fundId: string; account: string; journalMinor: number; rowMinor: number }
  | { kind: 'contract_mismatch'; contractId: string; field: 'approved' | 'paid'; journalMinor: number; rowMinor: number }
  | { kind: 'contract_limits'; contractId: string; paidMinor: number; approvedMinor: number; amountMinor: number };

export interface LedgerVerification {
  ok: boolean;
  entries: number;
  funds: number;
  contracts: number;
  problems: LedgerProblem[];
}

export interface FundLedgerBalances {
  reservedMinor: number;
  committedMinor: number;
  payableMinor: number;
  paidMinor: number;
}

const FUND_COLUMNS: Array<[keyof FundLedgerBalances, string, string]> = [
  ['reservedMinor', 'reserved_minor', 'reserved'],
  ['committedMinor', 'committed_minor', 'committed'],
  ['payableMinor', 'payable_minor', 'payable'],
  ['paidMinor', 'paid_minor', 'paid'],
];

/**
 * The double-entry journal. `post` writes one balanced entry and moves the running balances on
 * funds, contracts and projects in the caller's transaction; the CHECKs on those rows decide,
 * so no interleaving of approvals can pay beyond a contract or a fund. Lines are append-only
 * (triggers), and every entry must balance at commit (deferred constraint trigger).
 */
@Injectable()
export class LedgerService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async post(manager: EntityManager, header: EntryHeader, lines: PostingLine[]): Promise<string> {
    if (!isBalanced(lines)) throw new UnbalancedPostingError(`entry ${header.event} for ${header.refType} ${header.refId} does not balance`);
    const entryId = await writeJournalEntry(manager, header, lines);

    const deltas = balanceDeltas(lines);
    try {
      // Sorted ids: concurrent postings take the row locks in one order.
      for (const [id, d] of [...deltas.contracts].sort(([a], [b]) => a.localeCompare(b))) {
        await manager.query(`UPDATE contracts SET approved_minor = approved_minor + $2, paid_minor = paid_minor + $3 WHERE id = $1`, [id, d.approvedMinor, d.paidMinor]);
      }
      for (const [id, d] of [...deltas.projects].sort(([a], [b]) => a.localeCompare(b))) {
        await manager.query(`UPDATE projects SET paid_minor = paid_minor + $2 WHERE id = $1`, [id, d.paidMinor]);
      }
      for (const [id, d] of [...deltas.funds].sort(([a], [b]) => a.localeCompare(b))) {
        await manager.query(
          `UPDATE funds SET reserved_minor = reserved_minor + $2, committed_minor = committed_minor + $3, payable_minor = payable_minor + $4,
                  paid_minor = paid_minor + $5, updated_at = now() WHERE id = $1`,
          [id, d.reservedMinor, d.committedMinor, d.payableMinor, d.paidMinor],
        );
      }
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23514') throw new LedgerLimitError(constraint);
      throw error;
    }
    return entryId ?? '';
  }

  /** Journal balances of a fund per account (what the fund page shows beside the row's totals). */
  async fundBalances(fundId: string, manager: EntityManager = this.dataSource.manager): Promise<FundLedgerBalances> {
    const rows = (await manager.query(`SELECT account, sum(amount_minor)::text AS total FROM journal_lines WHERE fund_id = $1 GROUP BY account`, [fundId])) as Array<{ account: string; total: string }>;
    const by = new Map(rows.map((r) => [r.account, Number(r.total)]));
    return { reservedMinor: by.get('reserved') ?? 0, committedMinor: by.get('committed') ?? 0, payableMinor: by.get('payable') ?? 0, paidMinor: by.get('paid') ?? 0 };
  }

  /**
   * Trial balance: every entry sums to zero; for every fund in the journal the balances per
   * account equal the fund row's running totals; for every contract, the journal's approved and
   * paid equal the row's, and paid ≤ approved ≤ amount.
   */
  async verifyLedger(manager: EntityManager = this.dataSource.manager): Promise<LedgerVerification> {
    const problems: LedgerProblem[] = [];
    const [{ n: entries }] = (await manager.query(`SELECT count(*)::int AS n FROM journal_entries`)) as Array<{ n: number }>;
    const unbalanced = (await manager.query(
      `SELECT e.id::text AS id, coalesce(sum(l.amount_minor), 0)::text AS total
         FROM journal_entries e LEFT JOIN journal_lines l ON l.entry_id = e.id
        GROUP BY e.id HAVING coalesce(sum(l.amount_minor), 0) <> 0 OR count(l.line) = 0 ORDER BY e.id`,
    )) as Array<{ id: string; total: string }>;
    for (const u of unbalanced) problems.push({ kind: 'entry_unbalanced', entryId: u.id, sumMinor: Number(u.total) });

    const funds = (await manager.query(
      `SELECT f.id, f.reserved_minor::text AS reserved_minor, f.committed_minor::text AS committed_minor, f.payable_minor::text AS payable_minor, f.paid_minor::text AS paid_minor,
              coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'reserved'), 0)::text AS j_reserved,
              coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'committed'), 0)::text AS j_committed,
              coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'payable'), 0)::text AS j_payable,
              coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'paid'), 0)::text AS j_paid
         FROM funds f JOIN journal_lines l ON l.fund_id = f.id
        GROUP BY f.id ORDER BY f.id`,
    )) as Array<Record<string, string>>;
    for (const f of funds) {
      for (const [, column, account] of FUND_COLUMNS) {
        const journalMinor = Number(f[`j_${account}`]);
        const rowMinor = Number(f[column]);
        if (journalMinor !== rowMinor) problems.push({ kind: 'fund_mismatch', fundId: f.id, account, journalMinor, rowMinor });
      }
    }

    const contracts = (await manager.query(
      `SELECT c.id, c.amount_minor::text AS amount_minor, c.approved_minor::text AS approved_minor, c.paid_minor::text AS paid_minor,
              coalesce(j.approved, 0)::text AS j_approved, coalesce(j.paid, 0)::text AS j_paid
         FROM contracts c
         LEFT JOIN (SELECT contract_id,
                           sum(amount_minor) FILTER (WHERE account IN ('payable', 'paid')) AS approved,
                           sum(amount_minor) FILTER (WHERE account = 'paid') AS paid
                      FROM journal_lines WHERE contract_id IS NOT NULL GROUP BY contract_id) j ON j.contract_id = c.id
        WHERE j.contract_id IS NOT NULL OR c.approved_minor <> 0 OR c.paid_minor <> 0
        ORDER BY c.id`,
    )) as Array<Record<string, string>>;
    for (const c of contracts) {
      const amountMinor = Number(c.amount_minor);
      const approvedMinor = Number(c.approved_minor);
      const paidMinor = Number(c.paid_minor);
      if (Number(c.j_approved) !== approvedMinor) problems.push({ kind: 'contract_mismatch', contractId: c.id, field: 'approved', journalMinor: Number(c.j_approved), rowMinor: approvedMinor });
      if (Number(c.j_paid) !== paidMinor) problems.push({ kind: 'contract_mismatch', contractId: c.id, field: 'paid', journalMinor: Number(c.j_paid), rowMinor: paidMinor });
      if (!(paidMinor <= approvedMinor && approvedMinor <= amountMinor)) problems.push({ kind: 'contract_limits', contractId: c.id, paidMinor, approvedMinor, amountMinor });
    }
    return { ok: problems.length === 0, entries, funds: funds.length, contracts: contracts.length, problems };
  }
}

export function describeLedgerVerification(v: LedgerVerification): string {
  if (v.ok) return `ledger OK: ${v.entries} entries balance; ${v.funds} funds and ${v.contracts} contracts agree with the journal`;
  const lines = v.problems.map((p) => {
    switch (p.kind) {
      case 'entry_unbalanced':
        return `  entry ${p.entryId} does not balance (sum ${p.sumMinor})`;
      case 'fund_mismatch':
        return `  fund ${p.fundId} ${p.account}: journal ${p.journalMinor}, fund row ${p.rowMinor}`;
      case 'contract_mismatch':
        return `  contract ${p.contractId} ${p.field}: journal ${p.journalMinor}, contract row ${p.rowMinor}`;
      case 'contract_limits':
        return `  contract ${p.contractId}: paid ${p.paidMinor} ≤ approved ${p.approvedMinor} ≤ amount ${p.amountMinor} does not hold`;
    }
  });
  return [`ledger BROKEN: ${v.problems.length} problem(s) in ${v.entries} entries`, ...lines].join('\n');
}

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
  | { kind: 'contract_limits'; contractId: string; paidMinor: number; approvedMinor: number; amountMinor: number }
  | { kind: 'entry_lines_gap'; entryId: string; lines: number; maxLine: number }
  | { kind: 'fund_limits'; fundId: string; totalMinor: number; usedMinor: number; paidMinor: number }
  | { kind: 'project_mismatch'; projectId: string; journalMinor: number; rowMinor: number }
  | { kind: 'project_limits'; projectId: string; paidMinor: number; awardMinor: number | null }
  | { kind: 'settlement_mismatch'; contractId: string; returnedMinor: number; journalMinor: number; approvedMinor: number; amountMinor: number }
  | { kind: 'append_only_unguarded'; trigger: string };

export interface LedgerVerification {
  ok: boolean;
  entries: number;
  funds: number;
  contracts: number;
  projects: number;
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
         FROM funds f LEFT JOIN journal_lines l ON l.fund_id = f.id
        GROUP BY f.id
       HAVING count(l.entry_id) > 0 OR f.reserved_minor <> 0 OR f.committed_minor <> 0 OR f.payable_minor <> 0 OR f.paid_minor <> 0
        ORDER BY f.id`,
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
    const projects = await this.verifyBeyondFundsAndContracts(manager, problems);
    return { ok: problems.length === 0, entries, funds: funds.length, contracts: contracts.length, projects, problems };
  }

  /**
   * The rest of the section-7 invariants: lines of an entry are numbered 1..n (none removed);
   * per fund, everything assigned and paid stays within the total; per project, paid equals the
   * journal and stays within the active award as varied (project_award_cap_minor); a settlement returned exactly what its journal
   * entry says, and approved + returned is the contract amount; and the append-only triggers are
   * in place and enabled. Returns the number of projects checked.
   */
  private async verifyBeyondFundsAndContracts(manager: EntityManager, problems: LedgerProblem[]): Promise<number> {
    const gaps = (await manager.query(
      `SELECT entry_id::text AS id, count(*)::int AS n, max(line)::int AS max_line FROM journal_lines GROUP BY entry_id HAVING max(line) <> count(*) OR min(line) <> 1 ORDER BY entry_id`,
    )) as Array<{ id: string; n: number; max_line: number }>;
    for (const g of gaps) problems.push({ kind: 'entry_lines_gap', entryId: g.id, lines: g.n, maxLine: g.max_line });

    const funds = (await manager.query(
      `SELECT id, total_minor::text AS total, (reserved_minor + committed_minor + payable_minor + paid_minor)::text AS used, paid_minor::text AS paid
         FROM funds WHERE reserved_minor + committed_minor + payable_minor + paid_minor > total_minor OR paid_minor > total_minor
           OR reserved_minor < 0 OR committed_minor < 0 OR payable_minor < 0 OR paid_minor < 0 ORDER BY id`,
    )) as Array<{ id: string; total: string; used: string; paid: string }>;
    for (const f of funds) problems.push({ kind: 'fund_limits', fundId: f.id, totalMinor: Number(f.total), usedMinor: Number(f.used), paidMinor: Number(f.paid) });

    const projects = (await manager.query(
      `SELECT p.id, p.paid_minor::text AS paid, coalesce(j.paid, 0)::text AS j_paid,
              CASE WHEN EXISTS (SELECT 1 FROM awards a WHERE a.project_id = p.id AND a.status = 'active') THEN project_award_cap_minor(p.id)::text END AS award
         FROM projects p
         LEFT JOIN (SELECT project_id, sum(amount_minor) AS paid FROM journal_lines WHERE account = 'paid' AND project_id IS NOT NULL GROUP BY project_id) j ON j.project_id = p.id
        WHERE p.paid_minor <> 0 OR j.project_id IS NOT NULL
        ORDER BY p.id`,
    )) as Array<{ id: string; paid: string; j_paid: string; award: string | null }>;
    for (const p of projects) {
      const paidMinor = Number(p.paid);
      if (Number(p.j_paid) !== paidMinor) problems.push({ kind: 'project_mismatch', projectId: p.id, journalMinor: Number(p.j_paid), rowMinor: paidMinor });
      const awardMinor = p.award === null ? null : Number(p.award);
      if (paidMinor > 0 && (awardMinor === null || paidMinor > awardMinor)) problems.push({ kind: 'project_limits', projectId: p.id, paidMinor, awardMinor });
    }

    const settlements = (await manager.query(
      `SELECT s.contract_id, s.returned_minor::text AS returned, c.approved_minor::text AS approved, c.amount_minor::text AS amount,
              coalesce((SELECT sum(l.amount_minor) FROM journal_entries e JOIN journal_lines l ON l.entry_id = e.id
                         WHERE e.event = 'contract.settle' AND e.ref_id = s.contract_id::text AND l.account = 'available'), 0)::text AS journal
         FROM contract_settlements s JOIN contracts c ON c.id = s.contract_id ORDER BY s.contract_id`,
    )) as Array<{ contract_id: string; returned: string; approved: string; amount: string; journal: string }>;
    for (const s of settlements) {
      const returnedMinor = Number(s.returned);
      const approvedMinor = Number(s.approved);
      const amountMinor = Number(s.amount);
      if (Number(s.journal) !== returnedMinor || approvedMinor + returnedMinor !== amountMinor) {
        problems.push({ kind: 'settlement_mismatch', contractId: s.contract_id, returnedMinor, journalMinor: Number(s.journal), approvedMinor, amountMinor });
      }
    }

    const guards = ['journal_entries_no_change', 'journal_lines_no_change', 'journal_lines_balance'];
    const present = (await manager.query(`SELECT tgname FROM pg_trigger WHERE tgname = ANY($1::text[]) AND tgenabled <> 'D'`, [guards])) as Array<{ tgname: string }>;
    for (const trigger of guards) if (!present.some((r) => r.tgname === trigger)) problems.push({ kind: 'append_only_unguarded', trigger });
    return projects.length;
  }
}

export function describeLedgerVerification(v: LedgerVerification): string {
  if (v.ok) return `ledger OK: ${v.entries} entries balance; ${v.funds} funds, ${v.contracts} contracts and ${v.projects} projects agree with the journal and stay within their limits; the journal is append-only`;
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
      case 'entry_lines_gap':
        return `  entry ${p.entryId} has ${p.lines} lines numbered up to ${p.maxLine}: a line is missing`;
      case 'fund_limits':
        return `  fund ${p.fundId}: assigned and paid ${p.usedMinor} (paid ${p.paidMinor}) beyond the total ${p.totalMinor}, or a negative balance`;
      case 'project_mismatch':
        return `  project ${p.projectId} paid: journal ${p.journalMinor}, project row ${p.rowMinor}`;
      case 'project_limits':
        return `  project ${p.projectId}: paid ${p.paidMinor} beyond the award ${p.awardMinor ?? '(none)'}`;
      case 'settlement_mismatch':
        return `  contract ${p.contractId} settlement: returned ${p.returnedMinor}, journal ${p.journalMinor}; approved ${p.approvedMinor} + returned ≠ amount ${p.amountMinor}`;
      case 'append_only_unguarded':
        return `  trigger ${p.trigger} is missing or disabled: the journal is not protected`;
    }
  });
  return [`ledger BROKEN: ${v.problems.length} problem(s) in ${v.entries} entries`, ...lines].join('\n');
}

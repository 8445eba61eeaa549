import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { DateRange, parseDateRange, queryText, rangeBounds } from '../common/validation/date-range';
import { Account } from './domain/postings';
import { isUuid } from '../common/validation/uuid';

/**
 * The ledger's read side, the only code that reads the journal tables: the trial balance per fund
 * and per contract (debits, credits and balances straight from journal_lines, beside the running
 * balances the rows carry), the journal's lines with filters and page numbers, a fund's and the
 * projects' balances for other modules' pages, and the verification `npm run ledger:verify`
 * prints. A positive line is a debit, a negative one a credit (every entry sums to zero);
 * `available` carries the opposite of the rest.
 */
export const JOURNAL_ACCOUNTS: readonly Account[] = ['available', 'reserved', 'committed', 'payable', 'paid'];
/** The accounts a contract's lines can touch (commit, approve, pay, fail, reverse, settle). */
const CONTRACT_ACCOUNTS: readonly Account[] = ['committed', 'payable', 'paid'];

export const JOURNAL_PAGE_SIZE = 50;
/** The most lines one export carries; a wider range is narrowed by the filter. */
export const JOURNAL_EXPORT_LIMIT = 100_000;

export interface JournalFilter extends DateRange {
  fundId?: string;
  contractId?: string;
  account?: Account;
  page: number;
}

/** The journal filter from a query string; every bad field is reported at once (i18n keys). */
export function parseJournalFilter(raw: Record<string, unknown>): { filter: JournalFilter; errors: Record<string, string> } {
  const { range, errors } = parseDateRange(raw.from, raw.to);
  const filter: JournalFilter = { ...range, page: 1 };
  const fundId = queryText(raw.fundId);
  const contractId = queryText(raw.contractId);
  const account = queryText(raw.account);
  const page = queryText(raw.page);
  if (fundId) {
    if (isUuid(fundId)) filter.fundId = fundId.toLowerCase();
    else errors.fundId = 'records.validation.fund';
  }
  if (contractId) {
    if (isUuid(contractId)) filter.contractId = contractId.toLowerCase();
    else errors.contractId = 'records.validation.contract';
  }
  if (account) {
    if ((JOURNAL_ACCOUNTS as readonly string[]).includes(account)) filter.account = account as Account;
    else errors.account = 'records.validation.account';
  }
  if (page) {
    if (/^\d{1,6}$/.test(page) && Number(page) >= 1) filter.page = Number(page);
    else errors.page = 'records.validation.page';
  }
  return { filter, errors };
}

export interface AccountFigures {
  account: Account;
  debitMinor: number;
  creditMinor: number;
  balanceMinor: number;
}

export interface FundTrialBalance {
  id: string;
  name: string;
  totalMinor: number;
  /** Per account: the journal's figures and what the fund row carries (available = total − the rest). */
  accounts: Array<AccountFigures & { rowMinor: number; agrees: boolean }>;
  debitMinor: number;
  creditMinor: number;
}

export interface ContractTrialBalance {
  id: string;
  reference: string;
  provider: string;
  fundName: string;
  amountMinor: number;
  accounts: AccountFigures[];
  /** approved = payable + paid; the contract row's running totals beside the journal's. */
  approved: { journalMinor: number; rowMinor: number };
  paid: { journalMinor: number; rowMinor: number };
  agrees: boolean;
}

export interface TrialBalance {
  funds: FundTrialBalance[];
  contracts: ContractTrialBalance[];
  /** Per account over every fund, and the grand totals (debits equal credits when the journal balances). */
  accounts: AccountFigures[];
  debitMinor: number;
  creditMinor: number;
  entries: number;
  lines: number;
}

export interface JournalLineRow {
  entryId: string;
  line: number;
  occurredAt: Date;
  event: string;
  refType: string;
  refId: string;
  memo: string | null;
  actorName: string | null;
  fundId: string;
  fundName: string;
  account: Account;
  projectId: string | null;
  projectReference: string | null;
  contractId: string | null;
  contractReference: string | null;
  amountMinor: number;
  debitMinor: number;
  creditMinor: number;
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

interface FigureRow {
  account: Account;
  debit: string;
  credit: string;
  balance: string;
}

const figures = (r: FigureRow): AccountFigures => ({ account: r.account, debitMinor: Number(r.debit), creditMinor: Number(r.credit), balanceMinor: Number(r.balance) });
const zero = (account: Account): AccountFigures => ({ account, debitMinor: 0, creditMinor: 0, balanceMinor: 0 });

const FIGURES_SQL = `coalesce(sum(l.amount_minor) FILTER (WHERE l.amount_minor > 0), 0)::text AS debit,
                     coalesce(-sum(l.amount_minor) FILTER (WHERE l.amount_minor < 0), 0)::text AS credit,
                     coalesce(sum(l.amount_minor), 0)::text AS balance`;

@Injectable()
export class LedgerQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every figure of one consistent snapshot (REPEATABLE READ, read only). */
  async trialBalance(): Promise<TrialBalance> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query('SET TRANSACTION READ ONLY');
      const fundRows = (await m.query(
        `SELECT f.id, f.name, f.total_minor::text AS total, f.reserved_minor::text AS reserved, f.committed_minor::text AS committed,
                f.payable_minor::text AS payable, f.paid_minor::text AS paid
           FROM funds f
          WHERE EXISTS (SELECT 1 FROM journal_lines l WHERE l.fund_id = f.id) OR f.reserved_minor + f.committed_minor + f.payable_minor + f.paid_minor <> 0
          ORDER BY f.fiscal_year DESC, f.name, f.id`,
      )) as Array<Record<string, string>>;
      const fundFigures = (await m.query(`SELECT l.fund_id, l.account, ${FIGURES_SQL} FROM journal_lines l GROUP BY l.fund_id, l.account`)) as Array<FigureRow & { fund_id: string }>;
      const funds = fundRows.map((f): FundTrialBalance => {
        const row: Record<Account, number> = {
          reserved: Number(f.reserved),
          committed: Number(f.committed),
          payable: Number(f.payable),
          paid: Number(f.paid),
          available: -(Number(f.reserved) + Number(f.committed) + Number(f.payable) + Number(f.paid)),
        };
        const accounts = JOURNAL_ACCOUNTS.map((account) => {
          const found = fundFigures.find((x) => x.fund_id === f.id && x.account === account);
          const fig = found ? figures(found) : zero(account);
          return { ...fig, rowMinor: row[account], agrees: fig.balanceMinor === row[account] };
        });
        return {
          id: f.id,
          name: f.name,
          totalMinor: Number(f.total),
          accounts,
          debitMinor: accounts.reduce((s, a) => s + a.debitMinor, 0),
          creditMinor: accounts.reduce((s, a) => s + a.creditMinor, 0),
        };
      });

      const contractRows = (await m.query(
        `SELECT c.id, c.reference, c.parties->'provider'->>'name' AS provider, f.name AS fund_name, c.amount_minor::text AS amount,
                c.approved_minor::text AS approved, c.paid_minor::text AS paid
           FROM contracts c JOIN funds f ON f.id = c.fund_id
          WHERE EXISTS (SELECT 1 FROM journal_lines l WHERE l.contract_id = c.id) OR c.approved_minor <> 0 OR c.paid_minor <> 0
          ORDER BY c.reference, c.id`,
      )) as Array<Record<string, string>>;
      const contractFigures = (await m.query(`SELECT l.contract_id, l.account, ${FIGURES_SQL} FROM journal_lines l WHERE l.contract_id IS NOT NULL GROUP BY l.contract_id, l.account`)) as Array<
        FigureRow & { contract_id: string }
      >;
      const contracts = contractRows.map((c): ContractTrialBalance => {
        const accounts = CONTRACT_ACCOUNTS.map((account) => {
          const found = contractFigures.find((x) => x.contract_id === c.id && x.account === account);
          return found ? figures(found) : zero(account);
        });
        const balance = (account: Account) => accounts.find((a) => a.account === account)!.balanceMinor;
        const approved = { journalMinor: balance('payable') + balance('paid'), rowMinor: Number(c.approved) };
        const paid = { journalMinor: balance('paid'), rowMinor: Number(c.paid) };
        return {
          id: c.id,
          reference: c.reference,
          provider: c.provider ?? '',
          fundName: c.fund_name,
          amountMinor: Number(c.amount),
          accounts,
          approved,
          paid,
          agrees: approved.journalMinor === approved.rowMinor && paid.journalMinor === paid.rowMinor,
        };
      });

      const accountRows = (await m.query(`SELECT l.account, ${FIGURES_SQL} FROM journal_lines l GROUP BY l.account`)) as FigureRow[];
      const accounts = JOURNAL_ACCOUNTS.map((account) => {
        const found = accountRows.find((r) => r.account === account);
        return found ? figures(found) : zero(account);
      });
      const [{ entries, lines }] = (await m.query(`SELECT (SELECT count(*) FROM journal_entries)::int AS entries, (SELECT count(*) FROM journal_lines)::int AS lines`)) as Array<{
        entries: number;
        lines: number;
      }>;
      return {
        funds,
        contracts,
        accounts,
        debitMinor: accounts.reduce((s, a) => s + a.debitMinor, 0),
        creditMinor: accounts.reduce((s, a) => s + a.creditMinor, 0),
        entries,
        lines,
      };
    });
  }

  /** One page of journal lines, newest entry first, with the number of matching lines. */
  async journalPage(filter: JournalFilter, pageSize = JOURNAL_PAGE_SIZE): Promise<{ lines: JournalLineRow[]; total: number }> {
    const { where, params } = this.where(filter);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id ${where}`, params)) as Array<{ total: number }>;
    const lines = await this.lines(where, [...params, pageSize, (filter.page - 1) * pageSize], `LIMIT $${params.length + 1} OFFSET $${params.length + 2}`);
    return { lines, total };
  }

  /** Every matching line (up to the export limit), oldest first, as an export reads. */
  async journalLines(filter: Omit<JournalFilter, 'page'>): Promise<JournalLineRow[]> {
    const { where, params } = this.where({ ...filter, page: 1 });
    return this.lines(where, [...params, JOURNAL_EXPORT_LIMIT], `LIMIT $${params.length + 1}`, 'ASC');
  }

  /** The choices of the filter form: funds and contracts that appear in the journal. */
  async filterOptions(): Promise<{ funds: Array<{ id: string; name: string }>; contracts: Array<{ id: string; reference: string }> }> {
    const funds = (await this.dataSource.query(`SELECT f.id, f.name FROM funds f WHERE EXISTS (SELECT 1 FROM journal_lines l WHERE l.fund_id = f.id) ORDER BY f.fiscal_year DESC, f.name`)) as Array<{
      id: string;
      name: string;
    }>;
    const contracts = (await this.dataSource.query(`SELECT c.id, c.reference FROM contracts c WHERE EXISTS (SELECT 1 FROM journal_lines l WHERE l.contract_id = c.id) ORDER BY c.reference`)) as Array<{
      id: string;
      reference: string;
    }>;
    return { funds, contracts };
  }

  /** Journal balances of a fund per account (what the fund page shows beside the row's totals). */
  async fundBalances(fundId: string, manager: EntityManager = this.dataSource.manager): Promise<FundLedgerBalances> {
    const rows = (await manager.query(`SELECT account, sum(amount_minor)::text AS total FROM journal_lines WHERE fund_id = $1 GROUP BY account`, [fundId])) as Array<{
      account: string;
      total: string;
    }>;
    const by = new Map(rows.map((r) => [r.account, Number(r.total)]));
    return { reservedMinor: by.get('reserved') ?? 0, committedMinor: by.get('committed') ?? 0, payableMinor: by.get('payable') ?? 0, paidMinor: by.get('paid') ?? 0 };
  }

  /** Journal balances per project (every project with lines), for the reports that spread money over communities and categories. */
  async projectBalances(manager: EntityManager = this.dataSource.manager): Promise<Map<string, FundLedgerBalances>> {
    const rows = (await manager.query(
      `SELECT project_id,
              coalesce(sum(amount_minor) FILTER (WHERE account = 'reserved'), 0)::text AS reserved,
              coalesce(sum(amount_minor) FILTER (WHERE account = 'committed'), 0)::text AS committed,
              coalesce(sum(amount_minor) FILTER (WHERE account = 'payable'), 0)::text AS payable,
              coalesce(sum(amount_minor) FILTER (WHERE account = 'paid'), 0)::text AS paid
         FROM journal_lines WHERE project_id IS NOT NULL GROUP BY project_id`,
    )) as Array<{ project_id: string; reserved: string; committed: string; payable: string; paid: string }>;
    return new Map(rows.map((r) => [r.project_id, { reservedMinor: Number(r.reserved), committedMinor: Number(r.committed), payableMinor: Number(r.payable), paidMinor: Number(r.paid) }]));
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

  private where(filter: JournalFilter): { where: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      clauses.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.fundId) add('l.fund_id = ?', filter.fundId);
    if (filter.contractId) add('l.contract_id = ?', filter.contractId);
    if (filter.account) add('l.account = ?', filter.account);
    const { fromAt, beforeAt } = rangeBounds(filter);
    if (fromAt) add('e.occurred_at >= ?::timestamptz', fromAt);
    if (beforeAt) add('e.occurred_at < ?::timestamptz', beforeAt);
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  private async lines(where: string, params: unknown[], limit: string, order: 'ASC' | 'DESC' = 'DESC'): Promise<JournalLineRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT l.entry_id::text AS entry_id, l.line, e.occurred_at, e.event, e.ref_type, e.ref_id, e.memo, u.display_name AS actor_name,
              l.fund_id, f.name AS fund_name, l.account, l.project_id, p.reference AS project_reference, l.contract_id, c.reference AS contract_reference,
              l.amount_minor::text AS amount_minor
         FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id
         JOIN funds f ON f.id = l.fund_id
         LEFT JOIN project_labels p ON p.id = l.project_id
         LEFT JOIN contracts c ON c.id = l.contract_id
         LEFT JOIN user_names u ON u.id = e.actor_id
         ${where}
        ORDER BY l.entry_id ${order}, l.line
        ${limit}`,
      params,
    )) as Array<Record<string, unknown>>;
    return rows.map((r) => {
      const amountMinor = Number(r.amount_minor);
      return {
        entryId: r.entry_id as string,
        line: r.line as number,
        occurredAt: r.occurred_at as Date,
        event: r.event as string,
        refType: r.ref_type as string,
        refId: r.ref_id as string,
        memo: (r.memo as string | null) ?? null,
        actorName: (r.actor_name as string | null) ?? null,
        fundId: r.fund_id as string,
        fundName: r.fund_name as string,
        account: r.account as Account,
        projectId: (r.project_id as string | null) ?? null,
        projectReference: (r.project_reference as string | null) ?? null,
        contractId: (r.contract_id as string | null) ?? null,
        contractReference: (r.contract_reference as string | null) ?? null,
        amountMinor,
        debitMinor: amountMinor > 0 ? amountMinor : 0,
        creditMinor: amountMinor < 0 ? -amountMinor : 0,
      };
    });
  }
}

export function describeLedgerVerification(v: LedgerVerification): string {
  if (v.ok)
    return `ledger OK: ${v.entries} entries balance; ${v.funds} funds, ${v.contracts} contracts and ${v.projects} projects agree with the journal and stay within their limits; the journal is append-only`;
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

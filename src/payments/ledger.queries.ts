import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DateRange, parseDateRange, queryText, rangeBounds } from '../common/validation/date-range';
import { Account } from './domain/postings';

/**
 * Read-only SQL behind the ledger pages and exports: the trial balance per fund and per contract
 * (debits, credits and balances straight from journal_lines, beside the running balances the rows
 * carry), and the journal's lines with filters and page numbers. A positive line is a debit, a
 * negative one a credit (every entry sums to zero); `available` carries the opposite of the rest.
 */
export const JOURNAL_ACCOUNTS: readonly Account[] = ['available', 'reserved', 'committed', 'payable', 'paid'];
/** The accounts a contract's lines can touch (commit, approve, pay, fail, reverse, settle). */
const CONTRACT_ACCOUNTS: readonly Account[] = ['committed', 'payable', 'paid'];

export const JOURNAL_PAGE_SIZE = 50;
/** The most lines one export carries; a wider range is narrowed by the filter. */
export const JOURNAL_EXPORT_LIMIT = 100_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    if (UUID.test(fundId)) filter.fundId = fundId.toLowerCase();
    else errors.fundId = 'records.validation.fund';
  }
  if (contractId) {
    if (UUID.test(contractId)) filter.contractId = contractId.toLowerCase();
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
      const contractFigures = (await m.query(
        `SELECT l.contract_id, l.account, ${FIGURES_SQL} FROM journal_lines l WHERE l.contract_id IS NOT NULL GROUP BY l.contract_id, l.account`,
      )) as Array<FigureRow & { contract_id: string }>;
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
         LEFT JOIN projects p ON p.id = l.project_id
         LEFT JOIN contracts c ON c.id = l.contract_id
         LEFT JOIN users u ON u.id = e.actor_id
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

import { Injectable } from '@nestjs/common';
import { ExportColumn, ExportFile, ExportFormat, ExportTable, exportFile, shanghaiTime } from '../common/export/table-export';
import { Locale, hasTranslation, translate } from '../i18n/i18n';
import { JournalFilter, JOURNAL_ACCOUNTS, JOURNAL_PAGE_SIZE, LedgerQueries, TrialBalance, describeLedgerVerification } from '../ledger/ledger.queries';

/** A journal event's name in the reader's language; an event without a translation shows as stored. */
export function eventLabel(locale: Locale, event: string): string {
  const key = `records.ledger.event.${event}`;
  return hasTranslation(key, locale) ? translate(locale, key) : event;
}

const JOURNAL_COLUMNS: ExportColumn[] = [
  { key: 'entry', type: 'text', width: 10 },
  { key: 'line', type: 'int', width: 6 },
  { key: 'occurredAt', type: 'text', width: 20 },
  { key: 'event', type: 'text', width: 18 },
  { key: 'reference', type: 'text', width: 38 },
  { key: 'actor', type: 'text', width: 16 },
  { key: 'fund', type: 'text', width: 28 },
  { key: 'account', type: 'text', width: 12 },
  { key: 'project', type: 'text', width: 16 },
  { key: 'contract', type: 'text', width: 16 },
  { key: 'debitYuan', type: 'yuan', width: 16 },
  { key: 'creditYuan', type: 'yuan', width: 16 },
  { key: 'amountFen', type: 'fen', width: 16 },
];

const TRIAL_COLUMNS: ExportColumn[] = [
  { key: 'scope', type: 'text', width: 10 },
  { key: 'name', type: 'text', width: 30 },
  { key: 'account', type: 'text', width: 12 },
  { key: 'debitYuan', type: 'yuan', width: 16 },
  { key: 'creditYuan', type: 'yuan', width: 16 },
  { key: 'balanceYuan', type: 'yuan', width: 16 },
  { key: 'balanceFen', type: 'fen', width: 16 },
  { key: 'rowYuan', type: 'yuan', width: 16 },
];

/**
 * Page data and files of the ledger: the trial balance (figures per fund, account and contract,
 * and the same verification `npm run ledger:verify` prints), the filtered journal and their
 * CSV/XLSX exports through the shared table writer.
 */
@Injectable()
export class LedgerPagesQueries {
  constructor(private readonly queries: LedgerQueries) {}

  async trialBalancePage() {
    const [verification, balance] = await Promise.all([this.queries.verifyLedger(), this.queries.trialBalance()]);
    return {
      titleKey: 'payments.ledger.title',
      verification,
      summary: verification.ok ? null : describeLedgerVerification(verification),
      balance: {
        ...balance,
        isLevel: balance.debitMinor === balance.creditMinor,
        accounts: balance.accounts.map((a) => ({ ...a, accountKey: `records.ledger.account.${a.account}` })),
        funds: balance.funds.map((f) => ({
          ...f,
          agrees: f.accounts.every((a) => a.agrees),
          accounts: f.accounts.map((a) => ({ ...a, accountKey: `records.ledger.account.${a.account}` })),
        })),
        contracts: balance.contracts.map((c) => ({ ...c, accounts: c.accounts.map((a) => ({ ...a, accountKey: `records.ledger.account.${a.account}` })) })),
      },
    };
  }

  async journalPage(filter: JournalFilter, locale: Locale) {
    const [{ lines, total }, options] = await Promise.all([this.queries.journalPage(filter), this.queries.filterOptions()]);
    const pages = Math.max(1, Math.ceil(total / JOURNAL_PAGE_SIZE));
    const params = this.filterQuery(filter);
    return {
      titleKey: 'records.ledger.journal.title',
      filter: { ...filter, account: filter.account ?? '' },
      options: { ...options, accounts: JOURNAL_ACCOUNTS.map((a) => ({ code: a, labelKey: `records.ledger.account.${a}` })) },
      isFiltered: params.length > 0,
      lines: lines.map((l) => ({ ...l, eventLabel: eventLabel(locale, l.event), accountKey: `records.ledger.account.${l.account}` })),
      pageDebitMinor: lines.reduce((s, l) => s + l.debitMinor, 0),
      pageCreditMinor: lines.reduce((s, l) => s + l.creditMinor, 0),
      exportQuery: params,
      pagination: {
        page: filter.page,
        pages,
        total,
        prev: filter.page > 1 ? filter.page - 1 : null,
        next: filter.page < pages ? filter.page + 1 : null,
        baseQuery: params,
      },
    };
  }

  /** The filter as a query string (page excluded), for paging and export links. */
  filterQuery(filter: Partial<JournalFilter>): string {
    const params = new URLSearchParams();
    for (const key of ['fundId', 'contractId', 'account', 'from', 'to'] as const) if (filter[key]) params.set(key, String(filter[key]));
    return params.toString();
  }

  async journalFile(filter: JournalFilter, format: ExportFormat, locale: Locale): Promise<ExportFile> {
    const lines = await this.queries.journalLines(filter);
    const table: ExportTable = {
      columns: JOURNAL_COLUMNS,
      rows: lines.map((l) => [
        l.entryId,
        l.line,
        shanghaiTime(l.occurredAt),
        eventLabel(locale, l.event),
        `${l.refType} ${l.refId}`,
        l.actorName ?? '',
        l.fundName,
        translate(locale, `records.ledger.account.${l.account}`),
        l.projectReference ?? '',
        l.contractReference ?? '',
        l.debitMinor,
        l.creditMinor,
        l.amountMinor,
      ]),
      totals: [10, 11, 12],
    };
    const stamp = [filter.from, filter.to].filter(Boolean).join('_') || shanghaiTime(new Date()).slice(0, 10);
    return this.file(format, 'journal', stamp, table, locale);
  }

  async trialBalanceFile(format: ExportFormat, locale: Locale): Promise<ExportFile> {
    const balance: TrialBalance = await this.queries.trialBalance();
    const account = (a: string) => translate(locale, `records.ledger.account.${a}`);
    const rows: Array<Array<string | number>> = [];
    for (const f of balance.funds) {
      for (const a of f.accounts) rows.push([translate(locale, 'records.ledger.export.fund'), f.name, account(a.account), a.debitMinor, a.creditMinor, a.balanceMinor, a.balanceMinor, a.rowMinor]);
    }
    for (const c of balance.contracts) {
      for (const a of c.accounts) rows.push([translate(locale, 'records.ledger.export.contract'), c.reference, account(a.account), a.debitMinor, a.creditMinor, a.balanceMinor, a.balanceMinor, '']);
    }
    // The fund rows carry every line once, so their totals are the journal's: debits equal credits, balance 0.
    const table: ExportTable = { columns: TRIAL_COLUMNS, rows };
    const stamp = shanghaiTime(new Date()).slice(0, 10);
    const total: Array<string | number> = [
      translate(locale, 'reporting.export.total'),
      '',
      '',
      balance.debitMinor,
      balance.creditMinor,
      balance.debitMinor - balance.creditMinor,
      balance.debitMinor - balance.creditMinor,
      '',
    ];
    table.rows.push(total);
    return this.file(format, 'trialBalance', stamp, table, locale);
  }

  private file(format: ExportFormat, dataset: 'journal' | 'trialBalance', stamp: string, table: ExportTable, locale: Locale): Promise<ExportFile> {
    return exportFile(format, {
      title: translate(locale, `records.ledger.export.filename.${dataset}`),
      asciiName: dataset === 'journal' ? 'journal' : 'trial-balance',
      stamp,
      header: table.columns.map((c) => translate(locale, `records.ledger.export.columns.${c.key}`)),
      table,
      totalLabel: translate(locale, 'reporting.export.total'),
    });
  }
}

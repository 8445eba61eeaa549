import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { STAFF_READERS } from '../awards/awards.queries';
import { ValidationFailedError } from '../common/errors/domain.error';
import { ExportFormat, sendExportFile } from '../common/export/table-export';
import { fieldMessage } from '../common/http/validation';
import { translate } from '../i18n/i18n';
import { Allow } from '../identity/access.decorators';
import { JournalFilter, parseJournalFilter } from '../ledger/ledger.queries';
import { LedgerPagesQueries } from './ledger-pages.queries';

type RawQuery = Record<string, unknown>;

/** The filter, or a 400 naming every bad field (exports). */
function filterOrThrow(raw: RawQuery): JournalFilter {
  const { filter, errors } = parseJournalFilter(raw ?? {});
  if (Object.keys(errors).length) {
    throw new ValidationFailedError(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [fieldMessage(v)]])), 'The journal filter has problems', 'PAYMENTS.JOURNAL_FILTER_INVALID');
  }
  return filter;
}

/** The ledger for bureau staff and auditors: trial balance, journal, and their exports (read only). */
@ApiExcludeController()
@Controller('staff/ledger')
@Allow(...STAFF_READERS)
export class LedgerController {
  constructor(private readonly views: LedgerPagesQueries) {}

  @Get()
  async trialBalance(@Res() res: Response) {
    res.render('payments/ledger', await this.views.trialBalancePage());
  }

  @Get('trial-balance.csv')
  async trialBalanceCsv(@Req() req: Request, @Res() res: Response) {
    sendExportFile(res, await this.views.trialBalanceFile('csv', req.locale ?? 'zh-CN'));
  }

  @Get('trial-balance.xlsx')
  async trialBalanceXlsx(@Req() req: Request, @Res() res: Response) {
    sendExportFile(res, await this.views.trialBalanceFile('xlsx', req.locale ?? 'zh-CN'));
  }

  /** The journal; a bad filter re-renders the form with every field's message and the input kept (400). */
  @Get('journal')
  async journal(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    const locale = req.locale ?? 'zh-CN';
    const { filter, errors } = parseJournalFilter(raw ?? {});
    if (!Object.keys(errors).length) return res.render('payments/journal', await this.views.journalPage(filter, locale));
    const data = await this.views.journalPage({ page: 1 }, locale);
    const kept = (name: string) => (typeof raw?.[name] === 'string' ? (raw[name] as string) : '');
    res.status(400).render('payments/journal', {
      ...data,
      lines: [],
      filter: { fundId: kept('fundId'), contractId: kept('contractId'), account: kept('account'), from: kept('from'), to: kept('to') },
      errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [translate(locale, v)]])),
      formError: translate(locale, 'errors.formInvalid'),
    });
  }

  @Get('journal.csv')
  async journalCsv(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    sendExportFile(res, await this.views.journalFile(filterOrThrow(raw), 'csv' as ExportFormat, req.locale ?? 'zh-CN'));
  }

  @Get('journal.xlsx')
  async journalXlsx(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    sendExportFile(res, await this.views.journalFile(filterOrThrow(raw), 'xlsx', req.locale ?? 'zh-CN'));
  }
}

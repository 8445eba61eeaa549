import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { ForbiddenError, ValidationFailedError } from '../common/errors/domain.error';
import { sendExportFile } from '../common/export/table-export';
import { fieldMessage } from '../common/http/validation';
import { translate } from '../i18n/i18n';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { ReportQuery, parseReportQuery } from './domain/report-query';
import { ExportDataset, ExportFormat, ExportsService } from './exports.service';
import { ReportingQueries } from './reporting.queries';

type RawQuery = Record<string, unknown>;

/** The filter, or a 400 naming the bad fields (exports). */
function filterOrThrow(raw: RawQuery): ReportQuery {
  const { query, errors } = parseReportQuery(raw ?? {});
  if (Object.keys(errors).length) {
    throw new ValidationFailedError(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [fieldMessage(v)]])), 'The report filter has problems', 'REPORTING.FILTER_INVALID');
  }
  return query;
}

/** Renders a dashboard, or the same page with the filter's field messages and the input kept (400). */
async function renderPage(req: Request, res: Response, template: string, raw: RawQuery, page: (q: ReportQuery) => Promise<Record<string, unknown>>) {
  const { query, errors } = parseReportQuery(raw ?? {});
  const hasErrors = Object.keys(errors).length > 0;
  const data = await page(query);
  if (!hasErrors) return res.render(template, data);
  const locale = req.locale ?? 'zh-CN';
  res.status(400).render(template, {
    ...data,
    errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [translate(locale, v)]])),
    formError: translate(locale, 'errors.formInvalid'),
    exportForm: { ...(data.exportForm as object), from: String(raw.from ?? ''), to: String(raw.to ?? '') },
  });
}

async function sendExport(res: Response, exportsService: ExportsService, dataset: ExportDataset, format: ExportFormat, filter: ReportQuery & { organisationId?: string }, req: Request) {
  sendExportFile(res, await exportsService.export(dataset, format, filter, req.locale ?? 'zh-CN'));
}

/** The bureau's dashboard (funds, communities, categories, milestones needing attention, approvals) and its exports. */
@ApiExcludeController()
@Controller('staff/reports')
@Allow(...STAFF_READERS)
export class StaffReportsController {
  constructor(
    private readonly views: ReportingQueries,
    private readonly exportsService: ExportsService,
  ) {}

  @Get()
  async page(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    await renderPage(req, res, 'reporting/bureau', raw, (q) => this.views.bureauPage(req.locale ?? 'zh-CN', q));
  }

  @Get('disbursements.csv')
  disbursementsCsv(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'disbursements', 'csv', filterOrThrow(raw), req);
  }

  @Get('disbursements.xlsx')
  disbursementsXlsx(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'disbursements', 'xlsx', filterOrThrow(raw), req);
  }

  @Get('scores.csv')
  scoresCsv(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'scores', 'csv', filterOrThrow(raw), req);
  }

  @Get('scores.xlsx')
  scoresXlsx(@Query() raw: RawQuery, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'scores', 'xlsx', filterOrThrow(raw), req);
  }
}

function ownOrganisation(actor: Actor): string {
  if (!actor.organisationId) throw new ForbiddenError('REPORTING.NO_ORGANISATION', 'The account belongs to no organisation');
  return actor.organisationId;
}

/** An organisation's own contracts, milestones, scores and payments, and exports of its own rows only. */
@ApiExcludeController()
@Controller('organisation/reports')
@Allow('org_member', 'org_admin')
export class OrganisationReportsController {
  constructor(
    private readonly views: ReportingQueries,
    private readonly exportsService: ExportsService,
  ) {}

  @Get()
  async page(@Query() raw: RawQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const organisationId = ownOrganisation(actor);
    await renderPage(req, res, 'reporting/organisation', raw, (q) => this.views.organisationPage(organisationId, q));
  }

  @Get('disbursements.csv')
  disbursementsCsv(@Query() raw: RawQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'disbursements', 'csv', { ...filterOrThrow(raw), organisationId: ownOrganisation(actor) }, req);
  }

  @Get('disbursements.xlsx')
  disbursementsXlsx(@Query() raw: RawQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'disbursements', 'xlsx', { ...filterOrThrow(raw), organisationId: ownOrganisation(actor) }, req);
  }

  @Get('scores.csv')
  scoresCsv(@Query() raw: RawQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'scores', 'csv', { ...filterOrThrow(raw), organisationId: ownOrganisation(actor) }, req);
  }

  @Get('scores.xlsx')
  scoresXlsx(@Query() raw: RawQuery, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    return sendExport(res, this.exportsService, 'scores', 'xlsx', { ...filterOrThrow(raw), organisationId: ownOrganisation(actor) }, req);
  }
}

import { Controller, Get, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ValidationFailedError } from '../common/errors/domain.error';
import { contentDisposition, csvCell, csvDocument } from '../common/export/export-format';
import { shanghaiTime } from '../common/export/table-export';
import { fieldMessage } from '../common/http/validation';
import { parseDateRange } from '../common/validation/date-range';
import { Locale, translate } from '../i18n/i18n';
import { Allow } from '../identity/access.decorators';
import { pageLinks, presentAuditEvent, presentVerification } from './audit.presenter';
import { AuditService } from './audit.service';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

const FILTERS = ['entityType', 'entityId', 'actorId', 'action', 'from', 'to'] as const;
const CSV_COLUMNS = ['id', 'chainSeq', 'occurredAt', 'actorName', 'actorEmail', 'actorId', 'roles', 'action', 'actionCode', 'entityType', 'entityId', 'requestId', 'ip', 'summary', 'hash'] as const;

function filterQuery(query: ListAuditEventsQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (query[key]) params.set(key, query[key] as string);
  return params;
}

/** The auditor's view of the log: a filterable list, newest first, its streamed CSV export, and the chain check. */
@ApiExcludeController()
@Controller('audit')
@Allow('auditor')
export class AuditPagesController {
  constructor(private readonly audit: AuditService) {}

  /** A bad date re-renders the filter with every field's message and the input kept (400). */
  @Get()
  async index(@Query() query: ListAuditEventsQuery, @Req() req: Request, @Res() res: Response) {
    const locale: Locale = req.locale ?? 'zh-CN';
    const { range, errors } = parseDateRange(query.from, query.to);
    const isValid = Object.keys(errors).length === 0;
    const result = await this.audit.list({ ...query, from: range.from, to: range.to, ...(isValid ? {} : { page: 1 }) });
    const names = await this.audit.actorNames(result.data.map((e) => e.actorId));
    const params = filterQuery(query);
    if (query.pageSize !== 50) params.set('pageSize', String(query.pageSize));
    const data = {
      titleKey: 'audit.title',
      query,
      isFiltered: FILTERS.some((key) => query[key]),
      events: isValid ? result.data.map((e) => presentAuditEvent(e, locale, names)) : [],
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
      exportQuery: filterQuery(query).toString(),
    };
    if (isValid) return res.render('audit/index', data);
    res.status(400).render('audit/index', {
      ...data,
      errors: Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [translate(locale, v)]])),
      formError: translate(locale, 'errors.formInvalid'),
    });
  }

  /**
   * Every matching event as CSV, newest first, written batch by batch as it is read (the log is
   * large: nothing is held whole in memory). Names and action names in the reader's language,
   * beside the stored codes and ids an auditor cross-checks.
   */
  @Get('events.csv')
  async exportCsv(@Query() query: ListAuditEventsQuery, @Req() req: Request, @Res() res: Response) {
    const locale: Locale = req.locale ?? 'zh-CN';
    const { range, errors } = parseDateRange(query.from, query.to);
    if (Object.keys(errors).length) {
      throw new ValidationFailedError(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, [fieldMessage(v)]])), 'The audit filter has problems', 'AUDIT.FILTER_INVALID');
    }
    const stamp = [range.from, range.to].filter(Boolean).join('_') || shanghaiTime(new Date()).slice(0, 10);
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': contentDisposition(`${translate(locale, 'audit.log.filename')}-${stamp}.csv`, `audit-log-${stamp}.csv`),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(
      csvDocument(
        CSV_COLUMNS.map((c) => translate(locale, `audit.log.columns.${c}`)),
        [],
      ),
    );
    for await (const batch of this.audit.stream({ ...query, from: range.from, to: range.to })) {
      const names = await this.audit.actorNames(batch.map((e) => e.actorId));
      const lines = batch.map((e) => {
        const row = presentAuditEvent(e, locale, names);
        return [
          row.id,
          row.chainSeq ?? '',
          shanghaiTime(row.occurredAt),
          row.actorName ?? (row.actorLabelKey ? translate(locale, row.actorLabelKey) : ''),
          row.actorEmail ?? '',
          row.actorId ?? '',
          row.roleLabels.join(' / '),
          row.actionLabel,
          row.action,
          row.entityTypeLabel,
          row.entityId,
          row.requestId ?? '',
          row.ip ?? '',
          JSON.stringify(e.summary ?? {}),
          e.hash ?? '',
        ]
          .map(csvCell)
          .join(',');
      });
      if (!res.write(`${lines.join('\r\n')}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  @Get('verify')
  @Render('audit/verify')
  async verify() {
    return { titleKey: 'audit.verify.title', result: presentVerification(await this.audit.verify()) };
  }
}

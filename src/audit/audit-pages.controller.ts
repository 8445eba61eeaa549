import { Controller, Get, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Allow } from '../identity/access.decorators';
import { pageLinks, presentAuditEvent, presentVerification } from './audit.presenter';
import { AuditService } from './audit.service';
import { ListAuditEventsQuery } from './dto/list-audit-events.query';

const FILTERS = ['entityType', 'entityId', 'actorId', 'action'] as const;

/** The auditor's view of the log: a filterable list, newest first, and the chain check. */
@ApiExcludeController()
@Controller('audit')
@Allow('auditor')
export class AuditPagesController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Render('audit/index')
  async index(@Query() query: ListAuditEventsQuery) {
    const result = await this.audit.list(query);
    const params = new URLSearchParams();
    for (const key of FILTERS) if (query[key]) params.set(key, query[key] as string);
    if (query.pageSize !== 50) params.set('pageSize', String(query.pageSize));
    return {
      titleKey: 'audit.title',
      query,
      isFiltered: FILTERS.some((key) => query[key]),
      events: result.data.map(presentAuditEvent),
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
    };
  }

  @Get('verify')
  @Render('audit/verify')
  async verify() {
    return { titleKey: 'audit.verify.title', result: presentVerification(await this.audit.verify()) };
  }
}

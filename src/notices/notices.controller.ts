import { Controller, Get, Param, Query, Render, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { AuditService } from '../audit/audit.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Public } from '../identity/access.decorators';
import { PUBLIC_STATUSES } from '../procurement/domain/project-lifecycle';
import { ProjectQueries } from '../procurement/project.queries';
import { pageLinks, presentListRow, presentProject } from '../procurement/project.presenter';
import { ListNoticesQuery } from './dto/list-notices.query';

/** The public notice board (公告栏): projects as published, amendments, answers, cancellations. No sign-in. */
@ApiExcludeController()
@Controller('notices')
@Public()
export class NoticesController {
  constructor(
    private readonly queries: ProjectQueries,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @Render('notices/index')
  async index(@Query() query: ListNoticesQuery) {
    const [result, categories, auditHead] = await Promise.all([this.queries.listPublic(query), this.catalogue.listCategories(), this.audit.head()]);
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.category) params.set('category', query.category);
    return {
      titleKey: 'notices.title',
      query,
      statuses: PUBLIC_STATUSES.map((code) => ({ code, labelKey: `procurement.status.${code}` })),
      categories,
      notices: result.data.map(presentListRow),
      isFiltered: Boolean(query.status || query.category),
      pagination: { ...pageLinks(result.meta), baseQuery: params.toString() },
      auditHead,
    };
  }

  @Get('projects/:reference')
  @Render('notices/project')
  async project(@Param('reference') reference: string, @Req() req: Request) {
    const [detail, now] = await Promise.all([this.queries.getPublicByReference(reference), this.queries.now()]);
    const project = presentProject(detail, { audience: 'public', locale: req.locale, now });
    return { title: { nameZh: project.title, nameEn: project.title }, project };
  }
}

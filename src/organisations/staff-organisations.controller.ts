import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { DecideDto } from './dto/decide.dto';
import { ListOrganisationsQuery } from './dto/list-organisations.query';
import { OrganisationsService } from './organisations.service';
import { OrganisationsQueries } from './organisations.queries';
import { VettingService } from './vetting.service';
import { redirectWithFlash } from './redirect';

/** The bureau's review of registrations: officers decide; approvers and auditors read. */
@ApiExcludeController()
@Controller('staff/organisations')
@Allow('bureau_officer', 'bureau_approver', 'auditor')
export class StaffOrganisationsController {
  constructor(
    private readonly vetting: VettingService,
    private readonly organisations: OrganisationsService,
    private readonly views: OrganisationsQueries,
  ) {}

  @Get()
  @Render('organisations/staff-queue')
  queue(@Query() query: ListOrganisationsQuery) {
    return this.views.staffQueuePage(query);
  }

  @Get(':id')
  @Render('organisations/staff-detail')
  detail(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.views.staffDetailPage(id, actor.roles);
  }

  @Get(':id/documents/:documentId')
  async download(@Param('id') id: string, @Param('documentId') documentId: string, @Res() res: Response) {
    sendDocument(res, await this.organisations.loadDocumentOf(id, documentId));
  }

  /** The same document shown in the browser (PDF and images only; anything else still downloads). */
  @Get(':id/documents/:documentId/preview')
  async preview(@Param('id') id: string, @Param('documentId') documentId: string, @Res() res: Response) {
    sendDocument(res, await this.organisations.loadDocumentOf(id, documentId), { inline: true });
  }

  @Post(':id/decisions')
  @Allow('bureau_officer')
  @FormView('organisations/staff-detail')
  async decide(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: DecideDto, @Req() req: Request, @Res() res: Response) {
    const organisation = await this.vetting.decide(actor, id, dto);
    await redirectWithFlash(req, res, `organisations.staff.decided.${dto.decision}`, `/staff/organisations/${organisation.id}`);
  }
}

import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow, Public } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { ComplaintsService } from './complaints.service';
import { ComplaintsQueries, FINANCE_READERS } from './complaints.queries';
import { DecideComplaintDto, FileComplaintDto, LiftDto, SuspendDto } from './dto/complaint.dto';

/** The challenger's complaint (投诉) about its own challenge (the service checks the organisation). */
@ApiExcludeController()
@Controller('organisation/challenges')
@Allow('org_member', 'org_admin')
export class OrganisationComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly views: ComplaintsQueries,
  ) {}

  @Get(':id/complaint')
  @Render('complaints/org-complaint')
  show(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.organisationPage(actor, id, req.locale);
  }

  @Post(':id/complaint')
  @FormView('complaints/org-complaint', { titleKey: 'complaints.org.title' })
  async file(@Param('id') id: string, @Body() dto: FileComplaintDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.complaints.fileComplaint(actor, id, { grounds: dto.grounds });
    await redirectWithFlash(req, res, 'complaints.flash.filed', `/organisation/challenges/${id}/complaint`);
  }
}

/** The finance department (财政部门): complaints, suspensions and decisions; auditors read. */
@ApiExcludeController()
@Controller('finance/complaints')
@Allow(...FINANCE_READERS)
export class FinanceComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly views: ComplaintsQueries,
  ) {}

  @Get()
  @Render('complaints/finance-list')
  list(@Req() req: Request) {
    return this.views.financeListPage(req.locale);
  }

  @Get(':id')
  @Render('complaints/finance-complaint')
  show(@Param('id') id: string, @Req() req: Request) {
    return this.views.financePage(id, req.locale);
  }

  @Post(':id/suspension')
  @Allow('finance_supervisor')
  @FormView('complaints/finance-complaint', { titleKey: 'complaints.finance.complaintTitle' })
  async suspend(@Param('id') id: string, @Body() dto: SuspendDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.complaints.suspendProcurement(actor, id, { days: dto.days, reason: dto.reason });
    await redirectWithFlash(req, res, 'complaints.flash.suspended', `/finance/complaints/${id}`);
  }

  @Post(':id/suspension/lift')
  @Allow('finance_supervisor')
  @FormView('complaints/finance-complaint', { titleKey: 'complaints.finance.complaintTitle' })
  async lift(@Param('id') id: string, @Body() dto: LiftDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.complaints.liftSuspension(actor, id, { reason: dto.liftReason });
    await redirectWithFlash(req, res, 'complaints.flash.lifted', `/finance/complaints/${id}`);
  }

  @Post(':id/decision')
  @Allow('finance_supervisor')
  @FormView('complaints/finance-complaint', { titleKey: 'complaints.finance.complaintTitle' })
  async decide(@Param('id') id: string, @Body() dto: DecideComplaintDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.complaints.decideComplaint(actor, id, { decision: dto.decision, consequence: dto.consequence, text: dto.text });
    await redirectWithFlash(req, res, 'complaints.flash.decided', `/finance/complaints/${id}`);
  }
}

/** Decisions on complaints, published on the notice board (财政部令第94号 第三十六条). */
@ApiExcludeController()
@Controller('notices/complaints')
@Public()
export class ComplaintNoticesController {
  constructor(private readonly views: ComplaintsQueries) {}

  @Get()
  @Render('complaints/notices')
  index(@Req() req: Request) {
    return this.views.publicPage(req.locale);
  }
}

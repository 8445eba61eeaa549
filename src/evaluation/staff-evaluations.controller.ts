import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { CommitteeService } from './committee.service';
import { CloseQualificationDto, LowPriceDecisionDto, QualificationDecisionDto, RequestCommitteeDto } from './dto/evaluation-forms.dto';
import { EvaluationQueries } from './evaluation.queries';
import { QualificationService } from './qualification.service';

const READERS = ['bureau_officer', 'bureau_approver', 'auditor'] as const;
/** Staff, auditors and committee members (membership checked by the service). */
const REPORT_READERS = ['bureau_officer', 'bureau_approver', 'auditor', 'evaluator'] as const;

/** The officer's side: request a committee, run the qualification review, follow progress; the report for staff, auditors and the committee. */
@ApiExcludeController()
@Controller('staff')
export class StaffEvaluationsController {
  constructor(
    private readonly pages: EvaluationQueries,
    private readonly committee: CommitteeService,
    private readonly qualification: QualificationService,
  ) {}

  @Get('evaluations')
  @Allow(...READERS)
  @Render('evaluation/staff-list')
  list() {
    return this.pages.staffList();
  }

  @Get('projects/:projectId/committee')
  @Allow('bureau_officer')
  @Render('evaluation/request')
  requestForm(@Param('projectId') projectId: string) {
    return this.pages.requestPage(projectId);
  }

  @Post('projects/:projectId/committee')
  @Allow('bureau_officer')
  @FormView('evaluation/request', { titleKey: 'evaluation.request.title' })
  async request(@Param('projectId') projectId: string, @CurrentActor() actor: Actor, @Body() dto: RequestCommitteeDto, @Req() req: Request, @Res() res: Response) {
    const { id } = await this.committee.requestCommittee(actor, projectId, { representativeId: dto.representativeId?.trim() || null });
    flash(req, 'success', 'evaluation.flash.committeeDrawn');
    res.redirect(303, `/staff/evaluations/${id}`);
  }

  @Get('evaluations/:id')
  @Allow(...READERS)
  @Render('evaluation/staff-evaluation')
  show(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.pages.staffPage(actor, id);
  }

  @Post('evaluations/:id/replacement')
  @Allow('bureau_officer')
  @FormView('evaluation/staff-evaluation', { titleKey: 'evaluation.staff.title' })
  async replacement(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.committee.drawReplacement(actor, id);
    flash(req, 'success', 'evaluation.flash.replacementDrawn');
    res.redirect(303, `/staff/evaluations/${id}`);
  }

  @Post('evaluations/:id/qualification/:bidId')
  @Allow('bureau_officer')
  @FormView('evaluation/staff-evaluation', { titleKey: 'evaluation.staff.title' })
  async decide(@Param('id') id: string, @Param('bidId') bidId: string, @CurrentActor() actor: Actor, @Body() dto: QualificationDecisionDto, @Req() req: Request, @Res() res: Response) {
    await this.qualification.decide(actor, id, bidId, { decision: dto.decision as 'valid' | 'invalid', reasonCode: dto.reasonCode, reason: dto.reason });
    flash(req, 'success', 'evaluation.flash.qualificationSaved');
    res.redirect(303, `/staff/evaluations/${id}#qualification`);
  }

  @Post('evaluations/:id/close-qualification')
  @Allow('bureau_officer')
  @FormView('evaluation/staff-evaluation', { titleKey: 'evaluation.staff.title' })
  async close(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: CloseQualificationDto, @Req() req: Request, @Res() res: Response) {
    const { failed } = await this.qualification.close(actor, id, { explanationHours: dto.explanationHours });
    flash(req, failed ? 'warning' : 'success', failed ? 'evaluation.flash.failed' : 'evaluation.flash.qualificationClosed');
    res.redirect(303, `/staff/evaluations/${id}`);
  }

  @Post('evaluations/:id/low-price/:bidId')
  @Allow('bureau_officer')
  @FormView('evaluation/staff-evaluation', { titleKey: 'evaluation.staff.title' })
  async decideLowPrice(@Param('id') id: string, @Param('bidId') bidId: string, @CurrentActor() actor: Actor, @Body() dto: LowPriceDecisionDto, @Req() req: Request, @Res() res: Response) {
    const { failed } = await this.qualification.decideLowPrice(actor, id, bidId, { accept: dto.decision === 'accept', note: dto.note });
    flash(req, failed ? 'warning' : 'success', failed ? 'evaluation.flash.failed' : 'evaluation.flash.lowPriceDecided');
    res.redirect(303, `/staff/evaluations/${id}#inquiries`);
  }

  @Get('evaluations/:id/report')
  @Allow(...REPORT_READERS)
  @Render('evaluation/report')
  report(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.pages.report(actor, id);
  }

  @Get('evaluations/:id/report.pdf')
  @Allow(...REPORT_READERS)
  async reportPdf(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const { fileName, pdf } = await this.pages.reportPdf(actor, id, req.locale);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(pdf);
  }

  @Get('evaluations/:id/draws')
  @Allow(...REPORT_READERS)
  @Render('evaluation/draws')
  draws(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.pages.drawsCheck(actor, id);
  }
}

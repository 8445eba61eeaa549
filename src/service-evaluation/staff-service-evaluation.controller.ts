import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { FormView } from '../common/http/form-view';
import { sendDocument } from '../documents/upload';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { AssignEvaluatorDto, MissedRectificationDto, RectificationDeadlineDto, TemplateVersionDto } from './dto/service-evaluation.dto';
import { EvaluatorAssignmentService } from './evaluator-assignment.service';
import { IndicatorTemplatesService } from './indicator-templates.service';
import { RectificationService } from './rectification.service';
import { ServiceEvaluationQueries } from './service-evaluation.queries';

/** Bureau pages: evaluators of each contract, progress and results, rectification deadlines; indicator templates (admins edit). */
@ApiExcludeController()
@Controller('staff')
@Allow('bureau_officer', 'bureau_approver', 'auditor')
export class StaffServiceEvaluationController {
  constructor(
    private readonly indicatorTemplates: IndicatorTemplatesService,
    private readonly assignment: EvaluatorAssignmentService,
    private readonly rectification: RectificationService,
    private readonly views: ServiceEvaluationQueries,
  ) {}

  @Get('indicator-templates')
  @Allow('admin', 'bureau_officer', 'bureau_approver', 'auditor')
  @Render('service-evaluation/templates')
  templates(@CurrentActor() actor: Actor) {
    return this.views.templatesPage(actor);
  }

  @Get('indicator-templates/:category/new')
  @Allow('admin')
  @Render('service-evaluation/template-form')
  templateForm(@Param('category') category: string) {
    return this.views.templateFormPage(category);
  }

  @Post('indicator-templates/:category')
  @Allow('admin')
  @FormView('service-evaluation/template-form', { titleKey: 'serviceEvaluation.templates.newTitle' })
  async createTemplate(@Param('category') category: string, @Body() dto: TemplateVersionDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.indicatorTemplates.createTemplateVersion(actor, category, dto);
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.templateSaved', '/staff/indicator-templates');
  }

  @Get('service-evaluations')
  @Render('service-evaluation/staff-list')
  list() {
    return this.views.staffListPage();
  }

  @Get('service-evaluations/:contractId')
  @Render('service-evaluation/staff-contract')
  contract(@Param('contractId') contractId: string, @CurrentActor() actor: Actor) {
    return this.views.staffContractPage(contractId, actor);
  }

  @Post('service-evaluations/:contractId/evaluators')
  @Allow('bureau_officer')
  @FormView('service-evaluation/staff-contract', { titleKey: 'serviceEvaluation.contract.title' })
  async assign(@Param('contractId') contractId: string, @Body() dto: AssignEvaluatorDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.assignment.assignEvaluator(actor, contractId, dto.evaluatorId ?? '');
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.assigned', `/staff/service-evaluations/${contractId}`);
  }

  @Get('service-evaluations/:contractId/milestones/:position')
  @Render('service-evaluation/staff-milestone')
  milestone(@Param('contractId') contractId: string, @Param('position') position: string) {
    return this.views.staffMilestonePage(contractId, position);
  }

  @Post('service-evaluations/:contractId/milestones/:position/rectification')
  @Allow('bureau_officer')
  @FormView('service-evaluation/staff-contract', { titleKey: 'serviceEvaluation.contract.title' })
  async deadline(
    @Param('contractId') contractId: string,
    @Param('position') position: string,
    @Body() dto: RectificationDeadlineDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    await this.rectification.setRectificationDeadline(actor, contractId, Number.parseInt(position, 10), dto);
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.deadlineSet', `/staff/service-evaluations/${contractId}`);
  }

  /** The rectification deadline passed without the re-delivery: the contract is terminated as after a second fail. */
  @Post('service-evaluations/:contractId/milestones/:position/termination')
  @Allow('bureau_officer')
  @FormView('service-evaluation/staff-contract', { titleKey: 'serviceEvaluation.contract.title' })
  async terminateMissed(
    @Param('contractId') contractId: string,
    @Param('position') position: string,
    @Body() dto: MissedRectificationDto,
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    if (!isConfirmed(req)) {
      await this.rectification.checkTermination(contractId, Number.parseInt(position, 10), dto.reason ?? '');
      return renderConfirmation(req, res, await this.views.terminationConfirmation(contractId, position));
    }
    await this.rectification.terminateForMissedRectification(actor, contractId, Number.parseInt(position, 10), dto.reason ?? '');
    await redirectWithFlash(req, res, 'serviceEvaluation.flash.terminated', `/staff/service-evaluations/${contractId}`);
  }

  @Get('service-evaluations/:contractId/documents/:documentId')
  async document(@Param('contractId') contractId: string, @Param('documentId') documentId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    sendDocument(res, await this.views.documentOf(contractId, documentId, actor));
  }
}

import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { isConfirmed, renderConfirmation } from '../common/http/confirmation';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { flash } from '../identity/session.setup';
import { AmendmentFormDto, AnswerDto, ProjectFormDto, ReasonDto } from './dto/project-form.dto';
import { ListProjectsQuery } from './dto/list-projects.query';
import { ProcurementQueries } from './procurement.queries';
import { ProjectQuestionsService } from './project-questions.service';
import { ProjectsService } from './projects.service';

/** Bureau staff read projects; only procurement officers create, publish, amend, answer and cancel. */
export const PROJECT_READERS = ['bureau_officer', 'bureau_approver', 'auditor'] as const;

@ApiExcludeController()
@Controller('staff/projects')
export class StaffProjectsController {
  constructor(
    private readonly projects: ProjectsService,
    private readonly questions: ProjectQuestionsService,
    private readonly views: ProcurementQueries,
  ) {}

  @Get()
  @Allow(...PROJECT_READERS)
  @Render('procurement/staff-list')
  list(@Query() query: ListProjectsQuery) {
    return this.views.staffListPage(query.status, query.page);
  }

  @Get('new')
  @Allow('bureau_officer')
  @Render('procurement/project-form')
  newForm() {
    return this.views.projectFormPage('create', this.views.newProjectSource());
  }

  @Post()
  @Allow('bureau_officer')
  @FormView('procurement/project-form', { titleKey: 'procurement.form.createTitle' })
  async create(@CurrentActor() actor: Actor, @Body() dto: ProjectFormDto, @Req() req: Request, @Res() res: Response) {
    const { id } = await this.projects.createDraft(actor, this.views.postedSource(req.body as Record<string, unknown>));
    void dto;
    flash(req, 'success', 'procurement.flash.draftSaved');
    res.redirect(303, `/staff/projects/${id}`);
  }

  @Get(':id')
  @Allow(...PROJECT_READERS)
  @Render('procurement/staff-project')
  show(@Param('id') id: string, @Req() req: Request) {
    return this.views.staffProjectPage(id, req.locale);
  }

  @Get(':id/edit')
  @Allow('bureau_officer')
  @Render('procurement/project-form')
  async editForm(@Param('id') id: string) {
    return this.views.projectFormPage('edit', await this.views.editSource(id), id);
  }

  @Post(':id')
  @Allow('bureau_officer')
  @FormView('procurement/project-form', { titleKey: 'procurement.form.editTitle' })
  async update(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: ProjectFormDto, @Req() req: Request, @Res() res: Response) {
    void dto;
    await this.projects.updateDraft(actor, id, this.views.postedSource(req.body as Record<string, unknown>));
    flash(req, 'success', 'procurement.flash.draftSaved');
    res.redirect(303, `/staff/projects/${id}`);
  }

  @Post(':id/publish')
  @Allow('bureau_officer')
  @FormView('procurement/staff-project')
  async publish(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!isConfirmed(req)) return renderConfirmation(req, res, await this.views.publishConfirmation(id, req.locale));
    await this.projects.publish(actor, id);
    flash(req, 'success', 'procurement.flash.published');
    res.redirect(303, `/staff/projects/${id}`);
  }

  @Get(':id/amend')
  @Allow('bureau_officer')
  @Render('procurement/amend')
  amendForm(@Param('id') id: string, @Req() req: Request) {
    return this.views.amendmentPage(id, req.locale);
  }

  @Post(':id/amendments')
  @Allow('bureau_officer')
  @FormView('procurement/amend', { titleKey: 'procurement.amendment.title' })
  async amend(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: AmendmentFormDto, @Req() req: Request, @Res() res: Response) {
    const result = await this.projects.amend(actor, id, {
      kind: dto.kind === 'amendment' ? 'amendment' : 'clarification',
      title: dto.title ?? '',
      body: dto.body ?? '',
      noEffectReason: dto.noEffectReason ?? '',
      description: dto.description,
      bidDeadline: dto.bidDeadline,
      criteria: dto.criteria,
      milestones: dto.milestones,
    });
    flash(req, 'success', result.extended ? 'procurement.flash.amendedExtended' : 'procurement.flash.amended');
    res.redirect(303, `/staff/projects/${id}#amendments`);
  }

  @Post(':id/questions/:questionId/answer')
  @Allow('bureau_officer')
  @FormView('procurement/staff-project')
  async answer(@Param('id') id: string, @Param('questionId') questionId: string, @CurrentActor() actor: Actor, @Body() dto: AnswerDto, @Req() req: Request, @Res() res: Response) {
    await this.questions.answer(actor, id, questionId, dto.answer ?? '');
    flash(req, 'success', 'procurement.flash.answered');
    res.redirect(303, `/staff/projects/${id}#questions`);
  }

  @Get(':id/cancel')
  @Allow('bureau_officer')
  @Render('procurement/cancel')
  cancelForm(@Param('id') id: string, @Req() req: Request) {
    return this.views.cancelPage(id, req.locale);
  }

  @Post(':id/cancel')
  @Allow('bureau_officer')
  @FormView('procurement/cancel', { titleKey: 'procurement.cancel.title' })
  async cancel(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: ReasonDto, @Req() req: Request, @Res() res: Response) {
    await this.projects.cancel(actor, id, dto.reason ?? '');
    flash(req, 'success', 'procurement.flash.cancelled');
    res.redirect(303, `/staff/projects/${id}`);
  }
}

import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor, CurrentUser } from '../identity/current-actor.decorator';
import { SessionUser } from '../identity/identity.service';
import { flash } from '../identity/session.setup';
import { QuestionDto } from './dto/project-form.dto';
import { ProcurementQueries } from './procurement.queries';
import { ProjectQuestionsService } from './project-questions.service';

/** What members of social organisations see: projects open for bids, and asking questions. */
@ApiExcludeController()
@Controller('projects')
@Allow('org_member', 'org_admin')
export class ProjectsController {
  constructor(
    private readonly questions: ProjectQuestionsService,
    private readonly views: ProcurementQueries,
  ) {}

  @Get()
  @Render('procurement/org-list')
  list(@CurrentUser() user: SessionUser) {
    return this.views.organisationListPage(user.organisationId);
  }

  @Get(':id')
  @Render('procurement/org-project')
  show(@Param('id') id: string, @CurrentUser() user: SessionUser, @Req() req: Request) {
    return this.views.organisationProjectPage(id, user.organisationId, req.locale);
  }

  @Post(':id/questions')
  @FormView('procurement/org-project')
  async ask(@Param('id') id: string, @CurrentActor() actor: Actor, @Body() dto: QuestionDto, @Req() req: Request, @Res() res: Response) {
    await this.questions.ask(actor, id, dto.question ?? '');
    flash(req, 'success', 'procurement.flash.asked');
    res.redirect(303, `/projects/${id}#qa`);
  }
}

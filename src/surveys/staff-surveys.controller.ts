import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { STAFF_READERS } from '../awards/awards.queries';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { OpenSurveyDto } from './dto/survey.dto';
import { SurveysService } from './surveys.service';
import { SurveysQueries } from './surveys.queries';

const position = (raw: string) => (/^\d{1,4}$/.test(raw) ? Number(raw) : NaN);

/** Bureau pages: every milestone's survey with results and comments; officers open and close surveys. */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffSurveysController {
  constructor(
    private readonly surveys: SurveysService,
    private readonly views: SurveysQueries,
  ) {}

  @Get('surveys')
  @Render('surveys/list')
  list(@CurrentActor() actor: Actor) {
    return this.views.listPage(actor, 'staff');
  }

  @Get('contracts/:id/milestones/:position/survey')
  @Render('surveys/survey')
  show(@Param('id') id: string, @Param('position') pos: string, @CurrentActor() actor: Actor) {
    return this.views.surveyPage(actor, 'staff', id, position(pos));
  }

  @Post('contracts/:id/milestones/:position/survey')
  @Allow('bureau_officer')
  @FormView('surveys/survey', { titleKey: 'surveys.survey.title' })
  async open(@Param('id') id: string, @Param('position') pos: string, @Body() dto: OpenSurveyDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const survey = await this.surveys.openSurvey(actor, id, position(pos), dto);
    await redirectWithFlash(req, res, 'surveys.flash.opened', `/staff/contracts/${survey.contractId}/milestones/${survey.milestonePosition}/survey`);
  }

  @Post('contracts/:id/milestones/:position/survey/close')
  @Allow('bureau_officer')
  @FormView('surveys/survey', { titleKey: 'surveys.survey.title' })
  async close(@Param('id') id: string, @Param('position') pos: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const survey = await this.surveys.closeSurvey(actor, id, position(pos));
    await redirectWithFlash(req, res, 'surveys.flash.closed', `/staff/contracts/${survey.contractId}/milestones/${survey.milestonePosition}/survey`);
  }

  @Get('contracts/:id/milestones/:position/survey/poster')
  @Render('surveys/poster')
  poster(@Param('id') id: string, @Param('position') pos: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.posterPage(actor, 'staff', id, position(pos), req.locale);
  }
}

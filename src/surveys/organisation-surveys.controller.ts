import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../audit/actor';
import { FormView } from '../common/http/form-view';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { redirectWithFlash } from '../organisations/redirect';
import { OpenSurveyDto } from './dto/survey.dto';
import { SurveysService } from './surveys.service';
import { SurveysQueries } from './surveys.queries';

const position = (raw: string) => (/^\d{1,4}$/.test(raw) ? Number(raw) : NaN);

/** The organisation's surveys: open one per milestone, print the poster, follow the results (no comments). Own contracts only. */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationSurveysController {
  constructor(
    private readonly surveys: SurveysService,
    private readonly views: SurveysQueries,
  ) {}

  @Get('surveys')
  @Render('surveys/list')
  list(@CurrentActor() actor: Actor) {
    return this.views.listPage(actor, 'organisation');
  }

  @Get('contracts/:id/milestones/:position/survey')
  @Render('surveys/survey')
  show(@Param('id') id: string, @Param('position') pos: string, @CurrentActor() actor: Actor) {
    return this.views.surveyPage(actor, 'organisation', id, position(pos));
  }

  @Post('contracts/:id/milestones/:position/survey')
  @FormView('surveys/survey', { titleKey: 'surveys.survey.title' })
  async open(@Param('id') id: string, @Param('position') pos: string, @Body() dto: OpenSurveyDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const survey = await this.surveys.openSurvey(organisationSide(actor), id, position(pos), dto);
    await redirectWithFlash(req, res, 'surveys.flash.opened', `/organisation/contracts/${survey.contractId}/milestones/${survey.milestonePosition}/survey`);
  }

  @Get('contracts/:id/milestones/:position/survey/poster')
  @Render('surveys/poster')
  poster(@Param('id') id: string, @Param('position') pos: string, @CurrentActor() actor: Actor, @Req() req: Request) {
    return this.views.posterPage(actor, 'organisation', id, position(pos), req.locale);
  }
}

/** On the organisation's routes only the organisation roles count (a staff role held alongside does not widen access). */
function organisationSide(actor: Actor): Actor {
  return { ...actor, roles: actor.roles.filter((r) => r === 'org_member' || r === 'org_admin') };
}

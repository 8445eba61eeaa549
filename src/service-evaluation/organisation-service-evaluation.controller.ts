import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { ServiceEvaluationQueries } from './service-evaluation.queries';

/** The organisation's scores and grades per milestone and round, read-only, without the evaluators' names or sheets. */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationServiceEvaluationController {
  constructor(private readonly views: ServiceEvaluationQueries) {}

  @Get('service-evaluations')
  @Render('service-evaluation/organisation')
  page(@CurrentActor() actor: Actor) {
    return this.views.organisationPage(actor);
  }
}

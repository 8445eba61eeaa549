import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Actor } from '../audit/actor';
import { Allow } from '../identity/access.decorators';
import { CurrentActor } from '../identity/current-actor.decorator';
import { PaymentsQueries } from './payments.queries';

/** The organisation's own payments: approved and paid disbursements of its contracts. */
@ApiExcludeController()
@Controller('organisation')
@Allow('org_member', 'org_admin')
export class OrganisationPaymentsController {
  constructor(private readonly views: PaymentsQueries) {}

  @Get('payments')
  @Render('payments/org-payments')
  list(@CurrentActor() actor: Actor) {
    return this.views.organisationPaymentsPage(actor);
  }
}

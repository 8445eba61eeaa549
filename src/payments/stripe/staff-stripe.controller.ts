import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../../audit/actor';
import { STAFF_READERS } from '../../awards/awards.queries';
import { FormView } from '../../common/http/form-view';
import { Allow } from '../../identity/access.decorators';
import { CurrentActor } from '../../identity/current-actor.decorator';
import { redirectWithFlash } from '../../organisations/redirect';
import { ResolveIssueDto } from './dto/stripe.dto';
import { StripeNotConfiguredError } from './stripe.errors';
import { StripeGateway } from './stripe.gateway';
import { StripeRailService } from './stripe-rail.service';
import { StripeReconciliationService } from './stripe-reconciliation.service';
import { StripeQueries } from './stripe.queries';

/** Bureau pages of the Stripe rail: reconciliation with Stripe, resolving its issues, retrying a failed transfer. */
@ApiExcludeController()
@Controller('staff')
@Allow(...STAFF_READERS)
export class StaffStripeController {
  constructor(
    private readonly rail: StripeRailService,
    private readonly reconciliation: StripeReconciliationService,
    private readonly gateway: StripeGateway,
    private readonly views: StripeQueries,
  ) {}

  @Get('reconciliation')
  @Render('payments/reconciliation')
  page() {
    return this.views.reconciliationPage();
  }

  @Post('reconciliation/run')
  @Allow('bureau_officer')
  @FormView('payments/reconciliation', { titleKey: 'payments.stripe.reconciliation.title' })
  async run(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!this.gateway.isConfigured) throw new StripeNotConfiguredError();
    await this.reconciliation.runReconciliation(actor);
    await redirectWithFlash(req, res, 'payments.stripe.flash.reconciled', '/staff/reconciliation');
  }

  @Post('reconciliation/:id/resolve')
  @Allow('bureau_officer')
  @FormView('payments/reconciliation', { titleKey: 'payments.stripe.reconciliation.title' })
  async resolve(@Param('id') id: string, @Body() dto: ResolveIssueDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.reconciliation.resolveIssue(actor, id, dto.note);
    await redirectWithFlash(req, res, 'payments.stripe.flash.resolved', '/staff/reconciliation');
  }

  @Post('disbursements/:id/retry')
  @Allow('bureau_officer')
  @FormView('payments/disbursement', { titleKey: 'payments.disbursement.title' })
  async retry(@Param('id') id: string, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.rail.retryDisbursement(actor, id);
    await redirectWithFlash(req, res, 'payments.stripe.flash.retried', `/staff/disbursements/${id}`);
  }
}

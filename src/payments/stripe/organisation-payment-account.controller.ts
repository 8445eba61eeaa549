import { Body, Controller, Get, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../../audit/actor';
import { FormView } from '../../common/http/form-view';
import { Allow } from '../../identity/access.decorators';
import { CurrentActor } from '../../identity/current-actor.decorator';
import { redirectWithFlash } from '../../organisations/redirect';
import { ChooseRailDto } from './dto/stripe.dto';
import { StripeRailService } from './stripe-rail.service';
import { StripeQueries } from './stripe.queries';

/** The organisation's payment account: which rail it is paid through, and its Stripe Connect onboarding. */
@ApiExcludeController()
@Controller('organisation/payment-account')
@Allow('org_member', 'org_admin')
export class OrganisationPaymentAccountController {
  constructor(
    private readonly rail: StripeRailService,
    private readonly views: StripeQueries,
  ) {}

  @Get()
  @Render('payments/payment-account')
  show(@CurrentActor() actor: Actor) {
    return this.views.paymentAccountPage(actor);
  }

  @Post('rail')
  @Allow('org_admin')
  @FormView('payments/payment-account', { titleKey: 'payments.stripe.account.title' })
  async chooseRail(@Body() dto: ChooseRailDto, @CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    await this.rail.chooseRail(actor, dto.rail);
    await redirectWithFlash(req, res, 'payments.stripe.flash.railChosen', '/organisation/payment-account');
  }

  /** Creates the connected account if needed and sends the admin to Stripe's onboarding. */
  @Post('stripe')
  @Allow('org_admin')
  @FormView('payments/payment-account', { titleKey: 'payments.stripe.account.title' })
  async link(@CurrentActor() actor: Actor, @Res() res: Response) {
    const url = await this.rail.startOnboarding(actor);
    res.redirect(303, url);
  }

  /** Stripe's return_url: onboarding left (finished or not); readiness is asked of Stripe. */
  @Get('stripe/return')
  async returned(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    const account = await this.rail.refreshReadiness(actor);
    await redirectWithFlash(req, res, account.stripeReady ? 'payments.stripe.flash.ready' : 'payments.stripe.flash.notReady', '/organisation/payment-account');
  }

  /** Stripe's refresh_url: the link expired; a new one is made. */
  @Get('stripe/refresh')
  @Allow('org_admin')
  async refresh(@CurrentActor() actor: Actor, @Req() req: Request, @Res() res: Response) {
    if (!this.rail.isConfigured) {
      await redirectWithFlash(req, res, 'payments.stripe.flash.notConfigured', '/organisation/payment-account');
      return;
    }
    res.redirect(303, await this.rail.startOnboarding(actor));
  }
}

import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../../identity/access.decorators';
import { SkipCsrf } from '../../identity/csrf.guard';
import { StripeWebhooksService } from './stripe-webhooks.service';

/**
 * Stripe calls this with signed events. Public (Stripe has no session) and CSRF-exempt: the
 * signature over the raw body (kept as a Buffer for this path only, see app.setup.ts) is the
 * authentication. 200 for a processed or replayed event; 400 for a missing or wrong signature.
 */
@ApiExcludeController()
@Controller('webhooks')
export class StripeWebhooksController {
  constructor(private readonly webhooks: StripeWebhooksService) {}

  @Post('stripe')
  @Public()
  @SkipCsrf()
  @HttpCode(200)
  receive(@Req() req: Request, @Headers('stripe-signature') signature: string | undefined) {
    return this.webhooks.receive(req.body, signature);
  }
}

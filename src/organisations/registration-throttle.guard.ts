import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PgThrottlerStorage } from '../identity/pg-throttler.storage';
import { ORGANISATIONS_CONFIG, OrganisationsConfig } from './organisations.config';
import { RegistrationRateLimitedError } from './organisations.errors';

/**
 * Per-address limit on public registration attempts (REGISTRATION_RATE_LIMIT per
 * REGISTRATION_RATE_WINDOW_SECONDS), counted in PostgreSQL by the store the sign-in and survey
 * throttles use, so every instance shares it. Every attempt counts, refused ones too: they are
 * what a script probing credit codes or e-mail addresses sends.
 */
@Injectable()
export class RegistrationThrottleGuard implements CanActivate {
  constructor(
    private readonly storage: PgThrottlerStorage,
    @Inject(ORGANISATIONS_CONFIG) private readonly config: OrganisationsConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const windowMs = this.config.registrationRateWindowSeconds * 1000;
    const hit = await this.storage.increment(req.ip ?? 'unknown', windowMs, this.config.registrationRateLimit, windowMs, 'registration');
    if (hit.isBlocked) throw new RegistrationRateLimitedError(Math.max(1, Math.ceil(hit.timeToBlockExpire / 60)));
    return true;
  }
}

import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PgThrottlerStorage } from '../identity/pg-throttler.storage';
import { SURVEYS_CONFIG, SurveysConfig } from './surveys.config';
import { SurveyRateLimitedError } from './surveys.errors';

/**
 * Per-address limit on survey answers (SURVEY_RATE_LIMIT per SURVEY_RATE_WINDOW_SECONDS), counted
 * in PostgreSQL by the same store as the sign-in throttle, so every app instance shares it. The
 * default is generous because a whole community may answer from one mobile carrier's address.
 */
@Injectable()
export class SurveyThrottleGuard implements CanActivate {
  constructor(
    private readonly storage: PgThrottlerStorage,
    @Inject(SURVEYS_CONFIG) private readonly config: SurveysConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const windowMs = this.config.rateWindowSeconds * 1000;
    const hit = await this.storage.increment(req.ip ?? 'unknown', windowMs, this.config.rateLimit, windowMs, 'survey');
    if (hit.isBlocked) throw new SurveyRateLimitedError();
    return true;
  }
}

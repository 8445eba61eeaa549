import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { AuthGuard, AuthModuleOptions } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request, Response } from 'express';
import { APP_CONFIG } from '../common/common.module';
import { ValidationFailedError } from '../common/errors/domain.error';
import { flattenValidationErrors } from '../common/http/validation';
import { AppConfig } from '../config/app.config';
import { LoginDto } from './dto/login.dto';
import { InvalidCredentialsError, TooManyAttemptsError } from './identity.errors';
import { PgThrottlerStorage } from './pg-throttler.storage';

const LOGIN_THROTTLER = 'login';

/** The per-address counter of one sign-in attempt, refunded by LocalLoginGuard when it succeeds. */
const ATTEMPT_KEY = Symbol('loginAttemptKey');
type AttemptRequest = Request & { [ATTEMPT_KEY]?: string };

/**
 * Per-address limit on FAILED sign-ins (LOGIN_RATE_LIMIT per LOGIN_RATE_WINDOW_SECONDS, counters
 * in PostgreSQL shared by every instance), for the page and the API. Each attempt is counted
 * atomically before the password is checked, so a burst of concurrent guesses cannot slip past
 * the limit, and a successful sign-in gives its count back: an office behind one address signing
 * in all morning is never locked out by its own successes. Once over the limit the address waits
 * one window, and the refusal says until when (Retry-After too).
 */
@Injectable()
export class LoginThrottleGuard implements CanActivate {
  constructor(
    private readonly storage: PgThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AttemptRequest>();
    const key = req.ip ?? 'unknown';
    const windowMs = this.config.identity.loginRateWindowSeconds * 1000;
    const hit = await this.storage.increment(key, windowMs, this.config.identity.loginRateLimit, windowMs, LOGIN_THROTTLER);
    if (hit.isBlocked) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(hit.timeToBlockExpire));
      const retryAt = hit.blockedUntil ?? new Date(Date.now() + hit.timeToBlockExpire * 1000);
      throw new TooManyAttemptsError(retryAt, hit.timeToBlockExpire);
    }
    req[ATTEMPT_KEY] = key;
    return true;
  }
}

/** Validates the form, checks the credentials with the local strategy, and starts a new session (id regenerated). */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  constructor(
    private readonly storage: PgThrottlerStorage,
    @Optional() options?: AuthModuleOptions,
  ) {
    super(options);
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AttemptRequest>();
    const errors = validateSync(plainToInstance(LoginDto, req.body ?? {}), { forbidUnknownValues: false });
    if (errors.length) throw new ValidationFailedError(flattenValidationErrors(errors));
    const ok = (await super.canActivate(context)) as boolean;
    await super.logIn(req); // passport ≥0.6 regenerates the session id here
    req.session.startedAt = Date.now();
    const attempt = req[ATTEMPT_KEY];
    if (ok && attempt) await this.storage.refund(attempt, LOGIN_THROTTLER);
    return ok;
  }

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err as Error;
    if (!user) throw new InvalidCredentialsError();
    return user;
  }
}

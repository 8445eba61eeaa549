import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ThrottlerGuard } from '@nestjs/throttler';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { ValidationFailedError } from '../common/errors/domain.error';
import { flattenValidationErrors } from '../common/http/validation';
import { LoginDto } from './dto/login.dto';
import { InvalidCredentialsError, TooManyAttemptsError } from './identity.errors';

/** Per-address limit on sign-in attempts (counters in PostgreSQL), shared by the page and the API. */
@Injectable()
export class LoginThrottleGuard extends ThrottlerGuard {
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(): Promise<void> {
    throw new TooManyAttemptsError();
  }
}

/** Validates the form, checks the credentials with the local strategy, and starts a new session (id regenerated). */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const errors = validateSync(plainToInstance(LoginDto, req.body ?? {}), { forbidUnknownValues: false });
    if (errors.length) throw new ValidationFailedError(flattenValidationErrors(errors));
    const ok = (await super.canActivate(context)) as boolean;
    await super.logIn(req); // passport ≥0.6 regenerates the session id here
    req.session.startedAt = Date.now();
    return ok;
  }

  override handleRequest<TUser>(err: unknown, user: TUser): TUser {
    if (err) throw err;
    if (!user) throw new InvalidCredentialsError();
    return user;
  }
}

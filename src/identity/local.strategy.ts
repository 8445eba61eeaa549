import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { actorFromRequest } from './current-actor.decorator';
import { IdentityService, SessionUser } from './identity.service';

/** passport-local: email + password checked by IdentityService (argon2id, lockout). */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly identity: IdentityService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  validate(req: Request, email: string, password: string): Promise<SessionUser> {
    return this.identity.authenticate(email, password, actorFromRequest(req));
  }
}

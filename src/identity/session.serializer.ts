import { Injectable } from '@nestjs/common';
import { PassportSerializer } from '@nestjs/passport';
import passport from 'passport';
import { IdentityService, SessionUser, toSessionUser } from './identity.service';

interface StoredSessionUser {
  id: string;
  /** When this session signed in (ms since epoch): a later password change ends it. */
  at: number;
}

/**
 * passport keeps serializers on its global instance and tries them in order. One process runs
 * one app, but tests start several in turn: the newest app's serializer must be the only one.
 */
function forgetEarlierSerializers(): void {
  const state = passport as unknown as { _serializers: unknown[]; _deserializers: unknown[] };
  state._serializers = [];
  state._deserializers = [];
}

@Injectable()
export class SessionSerializer extends PassportSerializer {
  private readonly identity: IdentityService;

  constructor(identity: IdentityService) {
    forgetEarlierSerializers();
    super();
    this.identity = identity;
  }

  serializeUser(user: SessionUser, done: (err: Error | null, stored?: StoredSessionUser) => void): void {
    done(null, { id: user.id, at: Date.now() });
  }

  /** Reloads the user on every request, so deactivation and role changes apply at once. */
  deserializeUser(stored: StoredSessionUser, done: (err: Error | null, user?: SessionUser | false) => void): void {
    if (!stored || typeof stored.id !== 'string') return done(null, false);
    this.identity
      .findById(stored.id)
      .then((user) => {
        if (!user || !user.isActive || user.passwordChangedAt.getTime() > stored.at + 1000) return done(null, false);
        done(null, toSessionUser(user));
      })
      .catch((error: Error) => done(error));
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import connectPgSimple from 'connect-pg-simple';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { SessionUser } from './identity.service';

declare module 'express-session' {
  interface SessionData {
    /** When the user signed in (ms): the absolute lifetime counts from here. */
    startedAt?: number;
    flash?: { kind: 'success' | 'error' | 'warning'; key: string; params?: Record<string, unknown> };
  }
}

export const SESSION_COOKIE = 'sid';

export const csrf = csrfSync({
  getTokenFromRequest: (req) =>
    // Never the query string: a token in a URL ends up in the address bar, history and logs.
    (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined),
});

/** In development the secret is generated once and kept in DATA_DIR, so sessions survive restarts. */
function resolveSecret(config: AppConfig): string {
  if (config.identity.sessionSecret) return config.identity.sessionSecret;
  if (config.env === 'test') return randomBytes(32).toString('hex');
  const file = path.join(config.dataDir, 'session-secret');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** A session's stored expiry is pushed forward at most this often by one instance. */
export const TOUCH_INTERVAL_MS = 60_000;

/**
 * The rolling idle timeout makes express-session write the session's new expiry on every
 * request that changes nothing (an UPDATE, a WAL flush). Pushing the expiry forward once a
 * minute per session is enough for a 30-minute idle timeout (it then ends between 29 and 30
 * minutes after the last request) and takes that write off nearly every request: a burst of
 * bids no longer pays for it. Kept per instance, in memory; forgotten entries only cost a write.
 */
export function throttleTouches<S extends session.Store>(store: S, intervalMs = TOUCH_INTERVAL_MS, now: () => number = Date.now): S {
  const touch = store.touch?.bind(store);
  if (!touch) return store;
  const lastTouch = new Map<string, number>();
  store.touch = (sid: string, data: session.SessionData, callback?: (err?: unknown) => void) => {
    const at = now();
    const last = lastTouch.get(sid);
    if (last !== undefined && at - last < intervalMs) return callback?.();
    if (lastTouch.size >= 100_000) {
      for (const [key, value] of lastTouch) if (at - value >= intervalMs) lastTouch.delete(key);
      if (lastTouch.size >= 100_000) lastTouch.clear();
    }
    lastTouch.set(sid, at);
    touch(sid, data, (err?: unknown) => {
      if (err) lastTouch.delete(sid);
      callback?.(err);
    });
  };
  return store;
}

/**
 * Sessions in PostgreSQL (shared by instances, survive restarts), idle timeout by a rolling
 * cookie, an absolute lifetime from sign-in, passport, and synchroniser CSRF tokens for forms
 * (checked by CsrfGuard). Browser origin checks come from Nest's enableCsrfProtection.
 */
export function configureSessions(app: NestExpressApplication, config: AppConfig): void {
  const pool = (app.get(DataSource).driver as unknown as { master: Pool }).master;
  const PgStore = connectPgSimple(session);
  const idleMs = config.identity.sessionIdleMinutes * 60_000;
  const absoluteMs = config.identity.sessionAbsoluteHours * 3600_000;
  app.enableCsrfProtection({ exclude: (req: Request) => req.path.startsWith('/webhooks/') });
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: resolveSecret(config),
      store: throttleTouches(new PgStore({ pool, tableName: 'user_sessions', createTableIfMissing: false, pruneSessionInterval: 15 * 60 })),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      unset: 'destroy',
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.identity.secureCookies, maxAge: idleMs, path: '/' },
    }),
  );
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const started = req.session?.startedAt;
    if (started && Date.now() - started > absoluteMs) {
      // Over its absolute lifetime: replace it with an empty session.
      req.session.regenerate((error) => next(error));
      return;
    }
    next();
  });
  app.use(passport.initialize());
  app.use(passport.session());
  app.use((req: Request, res: Response, next: NextFunction) => {
    // express-session may answer a redirect before the session is stored, and a fast browser
    // then follows it with the old session (a lost flash message, a sign-in that seems undone).
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (!req.session) return redirect(...args);
      req.session.save(() => redirect(...args));
    }) as Response['redirect'];
    // Generated lazily, only when a template renders a form, so browsing needs no session.
    res.locals.csrfToken = () => csrf.generateToken(req);
    res.locals.currentUser = req.user as SessionUser | undefined;
    if (req.session?.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });
}

export function flash(req: Request, kind: 'success' | 'error' | 'warning', key: string, params?: Record<string, unknown>): void {
  req.session.flash = { kind, key, params };
}

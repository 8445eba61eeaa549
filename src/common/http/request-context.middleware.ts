import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { DEFAULT_LOCALE, LOCALE_COOKIE, isLocale, localeFromAcceptLanguage } from '../../i18n/i18n';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** One-time tokens in paths (password reset links) never reach the logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/password-reset\/)[^/?#]+/g, '$1[redacted]').replace(/([?&]_csrf=)[^&#]+/g, '$1[redacted]');
}

export function isApiRequest(req: Request): boolean {
  return req.path.startsWith('/api/') || req.path === '/health' || req.path.startsWith('/webhooks/');
}

/**
 * Gives every request an id (kept from X-Request-Id when well-formed), echoes it in the response
 * header, picks the locale (cookie for pages, Accept-Language for the API) and logs one line when
 * the response finishes.
 */
export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const cookieLocale = (req.cookies as Record<string, unknown> | undefined)?.[LOCALE_COOKIE];
    req.locale = isApiRequest(req) ? localeFromAcceptLanguage(req.header('accept-language'), 'en') : isLocale(cookieLocale) ? cookieLocale : DEFAULT_LOCALE;
    res.locals.locale = req.locale;
    res.locals.requestId = req.id;
    res.locals.currentPath = req.originalUrl;
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ reqId: req.id, method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10, userId: req.user?.id }, 'request completed');
    });
    next();
  };
}

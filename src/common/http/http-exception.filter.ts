import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { Locale, hasTranslation, translate } from '../../i18n/i18n';
import { DomainError, FieldErrors, HTTP_STATUS_BY_KIND } from '../errors/domain.error';
import { FormContextRegistry } from './form-context.registry';
import { isApiRequest } from './request-context.middleware';
import { parseFieldMessage } from './validation';
import { ProcurementSuspendedError, isSuspendedAtDatabase } from '../suspension/procurement-suspension';
import { APP_LOGGER } from '../logging/logger';

/** The translation of an error code (`errors.code.PAYMENTS.DISBURSEMENT_NOT_PENDING`), both locales. */
export function errorCodeKey(code: string): string {
  return `errors.code.${code}`;
}

/**
 * What the reader is told: the error's own message key (with its parameters) when it has one,
 * else the translation of its code, so a Chinese page never shows a developer's English sentence.
 * English JSON keeps the error's own (often more specific) English message for API clients.
 */
export function messageOf(mapped: { code: string; message: string; messageKey?: string; messageParams?: Record<string, unknown> }, locale: Locale, isJson: boolean): string {
  if (mapped.messageKey) return translate(locale, mapped.messageKey, mapped.messageParams);
  if (isJson && locale === 'en') return mapped.message;
  const key = errorCodeKey(mapped.code);
  return hasTranslation(key, locale) ? translate(locale, key) : mapped.message;
}

/**
 * Which refusals re-render the submitted form: bad input, conflicts, rule violations, throttling,
 * a wrong password and an expired CSRF token. Never a missing sign-in or role: the form's
 * context may hold data that user must not see.
 */
function rerendersForm(mapped: { status: number; code: string }): boolean {
  if ([400, 409, 422, 429].includes(mapped.status)) return true;
  if (mapped.status === 401) return mapped.code === 'IDENTITY.INVALID_CREDENTIALS';
  if (mapped.status === 403) return mapped.code === 'SECURITY.CSRF_TOKEN_INVALID';
  return false;
}

/** `team.0.name` → `team[0][name]`: the form field name an error key comes from. */
function bracketName(key: string): string {
  const [first, ...rest] = key.split('.');
  return first + rest.map((part) => `[${part}]`).join('');
}

const CONTROL = /<(?:input|select|textarea)\b[^>]*>/g;
const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/**
 * The error summary (views/partials/form-error.hbs) links each message to its field. Templates
 * name their fields in many ways, so the links are resolved in the rendered page: the control
 * that declares the key (`data-field="key"`), else the one posted under that name
 * (`team[0][name]`), else an element with id `f-<key>`; failing all, the summary itself.
 */
export function linkErrorSummary(html: string, keys: string[]): string {
  if (!keys.length || !html.includes('#__field__')) return html;
  const controls = [...html.matchAll(CONTROL)].map((m) => m[0]).filter((tag) => attr(tag, 'type') !== 'hidden' && attr(tag, 'id'));
  const idFor = (key: string): string => {
    const names = [bracketName(key), key];
    const tag =
      controls.find((c) => attr(c, 'data-field') === key) ??
      controls.find((c) => names.includes(attr(c, 'name') ?? '')) ??
      controls.find((c) => names.includes((attr(c, 'name') ?? '').replace(/\[\]$/, '')));
    if (tag) return attr(tag, 'id')!;
    const plain = `f-${key.replace(/[^A-Za-z0-9_-]/g, '-')}`;
    return html.includes(`id="${plain}"`) ? plain : 'form-error';
  };
  return html.replace(/href="#__field__(\d+)"/g, (_, i: string) => `href="#${idFor(keys[Number(i)] ?? '')}"`);
}

/** Form fields never echoed back into a re-rendered form. */
const SECRET_FIELDS = /password|secret|token|_csrf/i;

interface Mapped {
  status: number;
  code: string;
  message: string;
  messageKey?: string;
  messageParams?: Record<string, unknown>;
  fields?: FieldErrors;
}

/**
 * The edge where errors become HTTP: DomainError kinds map to statuses; JSON requests get
 * `{ error: { code, message, fields }, requestId }`; pages get the form re-rendered (see
 * @FormView) or an error page with the request id and nothing internal.
 */
@Catch()
@Injectable()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(APP_LOGGER) private readonly logger: Logger,
    private readonly forms: FormContextRegistry,
  ) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const mapped = this.map(exception);
    if (mapped.status >= 500) {
      this.logger.error({ reqId: req.id, err: exception }, 'unhandled error');
    }
    if (res.headersSent) return;
    const locale = req.locale ?? 'zh-CN';
    const fields = mapped.fields ? this.translateFields(mapped.fields, locale) : undefined;
    const isJson = isApiRequest(req) || (!req.accepts('html') && Boolean(req.accepts('json')));
    const message = messageOf(mapped, locale, isJson);

    if (isJson) {
      res.status(mapped.status).json({ error: { code: mapped.code, message, ...(fields ? { fields } : {}) }, requestId: req.id });
      return;
    }
    if (mapped.status === 401 && req.method === 'GET') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (req.formView && req.method === 'POST' && rerendersForm(mapped)) {
      const values = Object.fromEntries(
        Object.entries((req.body ?? {}) as Record<string, unknown>)
          .filter(([k]) => !SECRET_FIELDS.test(k))
          .map(([k, v]) => [k, typeof v === 'string' ? v.replaceAll('\u0000', '') : v]),
      );
      const { template, titleKey } = req.formView;
      const context = await this.forms.contextFor(template, req).catch(() => ({}));
      const summary = fields
        ? Object.entries(fields)
            .filter(([, messages]) => messages.length > 0)
            .map(([key, messages]) => ({ key, message: messages[0] }))
        : [];
      res.status(mapped.status).render(
        template,
        {
          titleKey,
          ...context,
          values: { ...((context as { values?: object }).values ?? {}), ...values },
          errors: fields ?? {},
          formError: fields ? translate(locale, 'errors.formInvalid') : message,
          errorSummary: summary,
          csrfToken: res.locals.csrfToken as string | undefined,
        },
        (error: Error | null, html: string) => {
          if (error) {
            this.logger.error({ reqId: req.id, err: error }, 'form re-render failed');
            res.status(500).send(translate(locale, 'errors.internal'));
            return;
          }
          res.send(
            linkErrorSummary(
              html,
              summary.map((e) => e.key),
            ),
          );
        },
      );
      return;
    }
    const template = mapped.status === 404 ? 'errors/404' : 'errors/error';
    res.status(mapped.status).render(template, {
      titleKey: mapped.status === 404 ? 'errors.notFoundTitle' : 'errors.errorTitle',
      status: mapped.status,
      message: mapped.status >= 500 ? translate(locale, 'errors.internal') : message,
      code: mapped.code,
    });
  }

  private map(exception: unknown): Mapped {
    // A suspension ordered while the request ran: the database refused the write (see common/suspension).
    if (isSuspendedAtDatabase(exception)) exception = new ProcurementSuspendedError();
    if (exception instanceof DomainError) {
      return {
        status: HTTP_STATUS_BY_KIND[exception.kind],
        code: exception.code,
        message: exception.message,
        messageKey: exception.messageKey,
        messageParams: exception.messageParams,
        fields: exception.fields,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // The Express adapter wraps body-parser's errors (http-errors) in an HttpException; the original is its cause.
      const causeType = (exception.cause as { type?: unknown } | undefined)?.type;
      if (status === 400 && (causeType === 'entity.too.deep' || causeType === 'querystring.parse.rangeError')) {
        return { status: 400, code: 'HTTP.BODY_TOO_DEEP', message: 'The request body is nested too deeply', messageKey: 'errors.bodyTooDeep' };
      }
      if (status === 400 && causeType === 'entity.parse.failed') return { status: 400, code: 'HTTP.MALFORMED_BODY', message: 'The request body is not valid JSON' };
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      return {
        status,
        code: status === 404 ? 'HTTP.NOT_FOUND' : status === 403 ? 'HTTP.FORBIDDEN' : status === 413 ? 'HTTP.PAYLOAD_TOO_LARGE' : `HTTP.${status}`,
        message: Array.isArray(message) ? message.join('; ') : String(message),
        messageKey: status === 404 ? 'errors.notFound' : undefined,
      };
    }
    // body-parser and other Express-level errors carry a 4xx status.
    const status = (exception as { status?: unknown; statusCode?: unknown })?.status ?? (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const type = (exception as { type?: string }).type;
      // body-parser: JSON nested too deep (our verify), a form nested past qs's depth.
      if (type === 'entity.too.deep' || type === 'querystring.parse.rangeError') {
        return { status: 400, code: 'HTTP.BODY_TOO_DEEP', message: 'The request body is nested too deeply', messageKey: 'errors.bodyTooDeep' };
      }
      return {
        status,
        code: type === 'entity.parse.failed' ? 'HTTP.MALFORMED_BODY' : type === 'entity.too.large' ? 'HTTP.PAYLOAD_TOO_LARGE' : `HTTP.${status}`,
        message: type === 'entity.parse.failed' ? 'The request body is not valid JSON' : String((exception as Error).message ?? 'Bad request'),
      };
    }
    return { status: 500, code: 'INTERNAL', message: 'Internal error' };
  }

  private translateFields(fields: FieldErrors, locale: Request['locale']): FieldErrors {
    return Object.fromEntries(
      Object.entries(fields).map(([name, messages]) => [
        name,
        messages.map((m) => {
          const parsed = parseFieldMessage(m);
          if (!parsed) return m;
          const text = translate(locale, parsed.key, { property: name, ...parsed.params });
          return text === parsed.key && typeof parsed.params.fallback === 'string' ? parsed.params.fallback : text;
        }),
      ]),
    );
  }
}

import type { Request, Response } from 'express';
import { isApiRequest } from './request-context.middleware';

/**
 * Irreversible and money actions on pages (withdraw a bid, publish, award, confirm a contract,
 * approve or reject a disbursement, submit final scores, terminate) pass through a server-rendered
 * confirmation step: the first POST renders `common/confirm`, stating the consequence and the
 * amount, with the same fields in hidden inputs plus `confirm=yes`; only that second POST acts.
 * No JavaScript needed, and the action cannot be reached without the step (the controller checks
 * `isConfirmed`). `confirm` is a reserved form field like `_csrf`: taken off the body by the CSRF
 * check before any DTO sees it. JSON API endpoints are explicit already and do not use this.
 */
export const CONFIRM_FIELD = 'confirm';

/** Called with the CSRF check (before pipes): records the flag and removes the reserved field. */
export function takeConfirmation(req: Request): void {
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return;
  req.confirmed = body[CONFIRM_FIELD] === 'yes';
  delete body[CONFIRM_FIELD];
}

/** True when the confirmation step was passed, or for API clients (JSON), which are explicit already. */
export function isConfirmed(req: Request): boolean {
  return req.confirmed === true || isApiRequest(req) || (!req.accepts('html') && Boolean(req.accepts('json')));
}

export interface ConfirmationPage {
  /** Page heading, e.g. 'bidding.confirm.withdrawTitle'. */
  titleKey: string;
  /** What will happen, stated plainly ({{t consequenceKey params}}). */
  consequenceKey: string;
  params?: Record<string, unknown>;
  /** The amount at stake (fen), shown with its label; omitted when the action moves no money. */
  amountMinor?: number | null;
  amountLabelKey?: string;
  /** Facts shown as a list: a label and either text (`lang` when it is Chinese data) or an amount in fen. */
  facts?: Array<{ labelKey: string; value?: string; minor?: number; lang?: string }>;
  /** The button that acts, e.g. 'bidding.confirm.withdraw'. */
  confirmKey: string;
  /** Where "cancel" goes back to (the page the action started from). */
  backUrl: string;
  /** Destructive actions get the warning style. */
  isDanger?: boolean;
}

/** Flattens a parsed form body back into bracketed names (`scores[0][points]`) for hidden inputs. */
export function hiddenFields(value: unknown, prefix = ''): Array<{ name: string; value: string }> {
  if (value === undefined || value === null) return prefix ? [{ name: prefix, value: '' }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => hiddenFields(v, `${prefix}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([k]) => prefix || (k !== '_csrf' && k !== CONFIRM_FIELD))
      .flatMap(([k, v]) => hiddenFields(v, prefix ? `${prefix}[${k}]` : k));
  }
  return [{ name: prefix, value: String(value) }];
}

/** Renders the confirmation step for this POST (same URL, same fields, plus confirm=yes). */
export function renderConfirmation(req: Request, res: Response, page: ConfirmationPage): void {
  res.status(200).render('common/confirm', {
    ...page,
    action: req.originalUrl,
    hidden: hiddenFields(req.body ?? {}),
  });
}

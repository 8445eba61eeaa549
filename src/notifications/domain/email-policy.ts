import { Locale, translate } from '../../i18n/i18n';

/**
 * Which notifications are always emailed, whatever the person chose on /account/notifications.
 * Essential: account security (a password changed or reset), a contract waiting for its
 * signatory's confirmation, and money (disbursements proposed, approved, rejected, paid, failed or
 * reversed; Stripe payouts; a settled contract; reconciliation mismatches). Missing one of these
 * can lose money or an account, so nobody can turn them off. Everything else (registration
 * decisions, project answers and amendments, opening, awards, challenges, evaluations, reminders)
 * is non-essential: always in the inbox, emailed unless the person turned such email off.
 */
const ESSENTIAL_PREFIXES = ['account.', 'disbursement.', 'payout.', 'reconciliation.'] as const;
const ESSENTIAL_KINDS = new Set(['contract.to_confirm', 'contract.settled']);

export function isEssentialKind(kind: string): boolean {
  return ESSENTIAL_KINDS.has(kind) || ESSENTIAL_PREFIXES.some((prefix) => kind.startsWith(prefix));
}

/** Whether a notification of `kind` is emailed to a person who chose `wantsNonEssential`. */
export function shouldEmail(kind: string, wantsNonEssential: boolean): boolean {
  return wantsNonEssential || isEssentialKind(kind);
}

/** A deliverable address: one @, no spaces or line breaks (users.email is validated at sign-up; this is the last guard). */
export function isDeliverableAddress(email: string): boolean {
  return /^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$/.test(email);
}

/**
 * Seconds to wait before the next attempt after `attempts` failed ones: base · 2^(attempts−1),
 * capped at an hour (the same shape as the Stripe outbox).
 */
export function mailBackoffSeconds(attempts: number, baseSeconds: number): number {
  if (attempts < 1) return 0;
  return Math.min(3600, baseSeconds * 2 ** Math.min(attempts - 1, 20));
}

export interface EmailInput {
  locale: Locale;
  displayName: string;
  titleKey: string;
  params: Record<string, unknown>;
  /** The notification's same-site path, or null. */
  link: string | null;
  /** PUBLIC_URL without a trailing slash. */
  publicUrl: string;
  isEssential: boolean;
}

export interface RenderedEmail {
  subject: string;
  text: string;
}

/** Subject and plain-text body in the recipient's language, from the same key as the inbox row. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const t = (key: string, params: Record<string, unknown> = {}) => translate(input.locale, key, params);
  const title = t(input.titleKey, input.params)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const subject = t('notifications.email.subject', { app: t('app.name'), title }).slice(0, 500);
  const url = `${input.publicUrl}${input.link ?? '/inbox'}`;
  const lines = [
    t('notifications.email.greeting', { name: input.displayName }),
    '',
    title,
    '',
    t('notifications.email.open', { url }),
    '',
    '—',
    input.isEssential ? t('notifications.email.essential') : t('notifications.email.optional', { url: `${input.publicUrl}/account/notifications` }),
    t('notifications.email.signature', { app: t('app.name') }),
  ];
  return { subject, text: lines.join('\n') };
}

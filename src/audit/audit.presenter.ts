import { Locale, hasTranslation, translate } from '../i18n/i18n';
import { AuditEvent, AuditSummary } from './audit-event.entity';
import { AuditActorName } from './audit.service';
import { ChainVerification } from './domain/audit-chain';
import { isUuid } from '../common/validation/uuid';

/** The staff page that shows an entity, for the types an auditor may open (every one is a READERS route). */
const ENTITY_PAGES: Record<string, (id: string) => string> = {
  organisation: (id) => `/staff/organisations/${id}`,
  fund: (id) => `/staff/funds/${id}`,
  project: (id) => `/staff/projects/${id}`,
  evaluation: (id) => `/staff/evaluations/${id}`,
  award: (id) => `/staff/awards/${id}`,
  challenge: (id) => `/staff/challenges/${id}`,
  contract: (id) => `/staff/contracts/${id}`,
  disbursement: (id) => `/staff/disbursements/${id}`,
  calendar_day: () => '/staff/calendar',
  procurement_method_rule: () => '/staff/procurement-rules',
  indicator_template: () => '/staff/indicator-templates',
  reconciliation: () => '/staff/reconciliation',
  reconciliation_issue: () => '/staff/reconciliation',
};

/** The page of an audited entity, or null when it has none an auditor can open. */
export function entityHref(entityType: string, entityId: string): string | null {
  const page = ENTITY_PAGES[entityType];
  if (!page) return null;
  const href = page(entityId);
  // Id-addressed pages only for ids of the right shape (a malformed id would only 404).
  return href.endsWith(entityId) && !isUuid(entityId) ? null : href;
}

/** An action's name in the reader's language (`organisation.approved` → 审核通过); unknown actions show as stored. */
export function actionLabel(locale: Locale, action: string): string {
  const key = `audit.action.${action}`;
  return hasTranslation(key, locale) ? translate(locale, key) : action;
}

export function entityTypeLabel(locale: Locale, entityType: string): string {
  const key = `audit.entity.${entityType}`;
  return hasTranslation(key, locale) ? translate(locale, key) : entityType;
}

/** A role held when acting: identity's role names, and the system's own actors (jobs, sign-up, seeding). */
export function roleLabel(locale: Locale, role: string): string {
  for (const key of [`identity.roles.${role}`, `audit.role.${role}`]) if (hasTranslation(key, locale)) return translate(locale, key);
  return role;
}

export interface AuditEventRow {
  id: string;
  /** Position in the hash chain (gapless once linked); null while waiting to be linked. */
  chainSeq: string | null;
  occurredAt: Date;
  /** Full precision for the `<time datetime>` attribute; the page shows minutes in Asia/Shanghai. */
  occurredAtIso: string;
  actorId: string | null;
  /** Shown instead of an id when no user acted (system job, anonymous sign-up). */
  actorLabelKey: string | null;
  actorRoles: string[];
  actorName: string | null;
  actorEmail: string | null;
  roleLabels: string[];
  action: string;
  actionLabel: string;
  entityType: string;
  entityTypeLabel: string;
  entityHref: string | null;
  entityId: string;
  requestId: string | null;
  ip: string | null;
  /** Pretty-printed JSON, or null when the event has none. */
  before: string | null;
  after: string | null;
  details: string | null;
  hasChanges: boolean;
  /** Query strings for "all events of this entity / by this actor". */
  entityQuery: string;
  actorQuery: string | null;
}

const pretty = (value: unknown) => (value === undefined ? null : JSON.stringify(value, null, 2));

export function presentAuditEvent(e: AuditEvent, locale: Locale = 'zh-CN', names: Map<string, AuditActorName> = new Map()): AuditEventRow {
  const summary: AuditSummary = e.summary ?? {};
  const [before, after, details] = [pretty(summary.before), pretty(summary.after), pretty(summary.details)];
  return {
    id: e.id,
    chainSeq: e.chainSeq,
    occurredAt: e.occurredAt,
    occurredAtIso: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorLabelKey: e.actorId ? null : e.actorRoles.includes('anonymous') ? 'audit.actorAnonymous' : 'audit.actorSystem',
    actorRoles: e.actorRoles,
    actorName: e.actorId ? (names.get(e.actorId)?.displayName ?? null) : null,
    actorEmail: e.actorId ? (names.get(e.actorId)?.email ?? null) : null,
    roleLabels: e.actorRoles.map((r) => roleLabel(locale, r)),
    action: e.action,
    actionLabel: actionLabel(locale, e.action),
    entityType: e.entityType,
    entityTypeLabel: entityTypeLabel(locale, e.entityType),
    entityHref: entityHref(e.entityType, e.entityId),
    entityId: e.entityId,
    requestId: e.requestId,
    ip: e.ip,
    before,
    after,
    details,
    hasChanges: Boolean(before ?? after ?? details),
    entityQuery: new URLSearchParams({ entityType: e.entityType, entityId: e.entityId }).toString(),
    actorQuery: e.actorId ? new URLSearchParams({ actorId: e.actorId }).toString() : null,
  };
}

export interface VerificationView {
  ok: boolean;
  checked: number;
  firstBrokenId: string | null;
  reasonKey: string | null;
}

export function presentVerification(result: ChainVerification): VerificationView {
  return result.ok
    ? { ok: true, checked: result.checked, firstBrokenId: null, reasonKey: null }
    : { ok: false, checked: result.checked, firstBrokenId: result.firstBrokenId, reasonKey: `audit.verify.reason.${result.reason}` };
}

export function pageLinks(meta: { page: number; pageSize: number; total: number }) {
  const pages = Math.max(1, Math.ceil(meta.total / meta.pageSize));
  return { page: meta.page, pages, total: meta.total, prev: meta.page > 1 ? meta.page - 1 : null, next: meta.page < pages ? meta.page + 1 : null };
}

import { AuditEvent, AuditSummary } from './audit-event.entity';
import { ChainVerification } from './domain/audit-chain';

export interface AuditEventRow {
  id: string;
  occurredAt: Date;
  /** Full precision for the `<time datetime>` attribute; the page shows minutes in Asia/Shanghai. */
  occurredAtIso: string;
  actorId: string | null;
  /** Shown instead of an id when no user acted (system job, anonymous sign-up). */
  actorLabelKey: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
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

export function presentAuditEvent(e: AuditEvent): AuditEventRow {
  const summary: AuditSummary = e.summary ?? {};
  const [before, after, details] = [pretty(summary.before), pretty(summary.after), pretty(summary.details)];
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    occurredAtIso: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorLabelKey: e.actorId ? null : e.actorRoles.includes('anonymous') ? 'audit.actorAnonymous' : 'audit.actorSystem',
    actorRoles: e.actorRoles,
    action: e.action,
    entityType: e.entityType,
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

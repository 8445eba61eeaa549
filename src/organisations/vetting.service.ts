import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { normaliseCreditCode } from '../common/validation/credit-code';
import { DocumentMetadata, DocumentsService } from '../documents/documents.service';
import { IdentityService } from '../identity/identity.service';
import { NotificationsService } from '../notifications/notifications.service';
import { BureauDecision, ORGANISATION_STATUSES, OrganisationStatus, TRANSITIONS, checkTransition } from './domain/vetting';
import { ListOrganisationsQuery } from './dto/list-organisations.query';
import { Organisation } from './organisation.entity';
import { OWNER_TYPE, lockOrganisation } from './organisation.records';
import { OrganisationNotFoundError, ReasonRequiredError, StaleDecisionError, TransitionNotAllowedError } from './organisations.errors';
import { isUuid } from '../common/validation/uuid';

export interface StaffQueuePage {
  data: Organisation[];
  meta: { page: number; pageSize: number; total: number };
  /** How many organisations are in each status (for the filter tabs). */
  counts: Record<OrganisationStatus, number>;
}

export interface StaffOrganisationView {
  organisation: Organisation;
  documents: DocumentMetadata[];
  history: AuditEvent[];
  /** Display names of the users who acted in the history, by id. */
  actorNames: Record<string, string>;
}

export interface DecisionInput {
  decision: BureauDecision;
  /** The status the officer saw; a different current status means someone else decided first. */
  expectedStatus: OrganisationStatus;
  /** When that status began as the officer's page showed it (ISO 8601); optional. */
  expectedStatusChangedAt?: string;
  reason?: string | null;
}

/** Escapes LIKE wildcards so that the search text is matched literally. */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The bureau's side of the registry: the review queue, the full record and the decisions. */
@Injectable()
export class VettingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly documents: DocumentsService,
    private readonly identity: IdentityService,
    private readonly clock: Clock,
    private readonly notifications: NotificationsService,
  ) {}

  /** The queue: one status (oldest submission first when reviewing) or all, searched by name or credit code. */
  async listForStaff(query: ListOrganisationsQuery): Promise<StaffQueuePage> {
    const qb = this.dataSource.getRepository(Organisation).createQueryBuilder('o');
    if (query.status !== 'all') qb.andWhere('o.status = :status', { status: query.status });
    if (query.q) {
      qb.andWhere(`(o.name_zh ILIKE :name ESCAPE '\\' OR o.credit_code::text LIKE :code ESCAPE '\\')`, {
        name: likeContains(query.q),
        code: likeContains(normaliseCreditCode(query.q)),
      });
    }
    if (query.status === 'submitted') qb.orderBy('o.submitted_at', 'ASC', 'NULLS LAST');
    else qb.orderBy('o.status_changed_at', 'DESC');
    qb.addOrderBy('o.id', 'ASC');
    const [[data, total], rows] = await Promise.all([
      qb
        .skip((query.page - 1) * query.pageSize)
        .take(query.pageSize)
        .getManyAndCount(),
      this.dataSource.query(`SELECT status, count(*)::int AS n FROM organisations GROUP BY status`) as Promise<{ status: OrganisationStatus; n: number }[]>,
    ]);
    const counts = Object.fromEntries(ORGANISATION_STATUSES.map((s) => [s, 0])) as Record<OrganisationStatus, number>;
    for (const row of rows) counts[row.status] = row.n;
    return { data, meta: { page: query.page, pageSize: query.pageSize, total }, counts };
  }

  /** How many registrations wait for a decision (the officer's dashboard). */
  async countAwaitingReview(): Promise<number> {
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE status = 'submitted'`)) as { n: number }[];
    return n;
  }

  /** Every field, the documents and the history of one organisation. */
  async viewForStaff(organisationId: string): Promise<StaffOrganisationView> {
    const organisation = isUuid(organisationId) ? await this.dataSource.getRepository(Organisation).findOneBy({ id: organisationId }) : null;
    if (!organisation) throw new OrganisationNotFoundError();
    const [documents, history] = await Promise.all([
      this.documents.listFor(OWNER_TYPE, organisation.id),
      this.audit.list({ entityType: OWNER_TYPE, entityId: organisation.id, page: 1, pageSize: 100 }),
    ]);
    const actorIds = [...new Set(history.data.map((e) => e.actorId).filter((id): id is string => Boolean(id)))];
    const users = await Promise.all(actorIds.map((id) => this.identity.findById(id)));
    const actorNames = Object.fromEntries(users.filter((u) => u !== null).map((u) => [u.id, u.displayName]));
    return { organisation, documents, history: history.data, actorNames };
  }

  /**
   * One bureau decision, in one transaction: the organisation row is locked, the transition is
   * checked against the status the officer saw, the status and the reason shown to the
   * organisation are written with the audit event. When someone else decided first the decision
   * is refused (StaleDecisionError, 409) and the attempt is recorded as
   * `organisation.decision_refused` in a transaction of its own.
   */
  async decide(actor: Actor, organisationId: string, input: DecisionInput): Promise<Organisation> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const organisation = await lockOrganisation(manager, organisationId);
        const check = checkTransition({
          action: input.decision,
          current: organisation.status,
          expected: input.expectedStatus,
          changedAt: organisation.statusChangedAt.getTime(),
          expectedChangedAt: input.expectedStatusChangedAt ? Date.parse(input.expectedStatusChangedAt) : undefined,
          reason: input.reason,
        });
        if (!check.ok) {
          if (check.refusal === 'stale') throw new StaleDecisionError(check.expected, check.actual);
          if (check.refusal === 'reason_required') throw new ReasonRequiredError();
          throw new TransitionNotAllowedError(check.action, check.from);
        }
        const now = await this.clock.now(manager);
        const changes: Partial<Organisation> = {
          status: check.to,
          statusReason: check.reason,
          statusChangedAt: now,
          statusChangedBy: actor.userId,
          updatedAt: now,
          ...(input.decision === 'approve' ? { approvedAt: now } : {}),
        };
        await manager.update(Organisation, { id: organisation.id }, changes);
        await this.audit.record(manager, actor, {
          action: TRANSITIONS[input.decision].auditAction,
          entityType: OWNER_TYPE,
          entityId: organisation.id,
          before: { status: organisation.status, statusReason: organisation.statusReason },
          after: { status: check.to, statusReason: check.reason },
          details: { reason: check.reason },
        });
        // The organisation's members hear the decision and its reason, in this transaction.
        await this.notifications.notify(manager, {
          recipients: { organisationIds: [organisation.id] },
          kind: TRANSITIONS[input.decision].auditAction,
          titleKey: check.reason ? `organisations.notifications.${input.decision}WithReason` : `organisations.notifications.${input.decision}`,
          params: { name: organisation.nameZh, reason: check.reason ?? '' },
          link: '/organisation',
        });
        return { ...organisation, ...changes };
      });
    } catch (error) {
      if (error instanceof StaleDecisionError) await this.recordRefusal(actor, organisationId, input, error);
      throw error;
    }
  }

  /** Auditors see attempted conflicting decisions; the refusal itself changed nothing. */
  private async recordRefusal(actor: Actor, organisationId: string, input: DecisionInput, error: StaleDecisionError): Promise<void> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, actor, {
        action: 'organisation.decision_refused',
        entityType: OWNER_TYPE,
        entityId: organisationId,
        details: { decision: input.decision, expectedStatus: error.expected, actualStatus: error.actual, reason: input.reason?.trim() || null, code: error.code },
      }),
    );
  }
}

import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Challenge } from '../awards/award.entity';
import { ChallengesService } from '../awards/challenges.service';
import { PeriodExplanation, lastDayOf, workingDayPeriod } from '../awards/domain/working-day-period';
import { Clock } from '../common/clock/clock';
import { NotificationsService } from '../notifications/notifications.service';
import { localDateOf } from '../procurement/domain/local-time';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import {
  AlreadySuspendedError,
  ComplaintAlreadyDecidedError,
  ComplaintAlreadyFiledError,
  ComplaintNotFoundError,
  ComplaintNotYetError,
  ComplaintPeriodEndedError,
  ComplaintsValidationError,
  NotSuspendedError,
  complaintRefusalAtCommit,
} from './complaints.errors';
import { ComplaintConsequence, ComplaintStatus, DECISION_WORKING_DAYS, SUSPENSION_MAX_DAYS, checkDecision, checkText, complaintPeriod, complaintWindow, suspensionEndsAt } from './domain/complaints';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export interface ComplaintRecord {
  id: string;
  challengeId: string;
  projectId: string;
  projectReference: string;
  projectTitle: string;
  organisationId: string;
  organisationName: string;
  grounds: string;
  filedAt: Date;
  periodEndsAt: Date;
  periodExplanation: PeriodExplanation;
  decisionDueAt: Date;
  decisionDueExplanation: PeriodExplanation;
  status: ComplaintStatus;
  consequence: ComplaintConsequence | null;
  decision: string | null;
  decidedAt: Date | null;
}

export interface SuspensionRecord {
  id: string;
  complaintId: string;
  reason: string;
  orderedAt: Date;
  endsAt: Date;
  liftedAt: Date | null;
  liftReason: string | null;
  /** Ordered, not lifted, not yet at its end (database clock). */
  inForce: boolean;
}

const SELECT = `SELECT c.*, p.reference, p.title, o.name_zh FROM complaints c JOIN project_labels p ON p.id = c.project_id JOIN organisation_labels o ON o.id = c.organisation_id`;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Complaints (投诉) to the finance department: filed by the organisation whose challenge was
 * answered or not answered in time (政府采购法 第五十五条); the finance department (role
 * finance_supervisor) may suspend the procurement while it handles the complaint (财政部令第94号
 * 第二十八条, enforced by database triggers on awards, contracts and disbursements) and records
 * its decision, which is published on the notice board (第三十六条). Owns `complaints` and
 * `procurement_suspensions`; every change in one transaction with its audit event.
 */
@Injectable()
export class ComplaintsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly rules: ProcurementRulesService,
    private readonly challenges: ChallengesService,
  ) {}

  /** The challenger's view: its challenge, the complaint period and whether it may complain now. */
  async windowFor(actor: Actor, challengeId: string) {
    const challenge = await this.challenges.getOwnChallenge(actor, challengeId);
    const m = this.dataSource.manager;
    const now = await this.clock.now(m);
    const period = complaintPeriod(challenge, await this.rules.loadCalendar(m, lastDayOf(challenge.answerDueExplanation)));
    const complaint = await this.findByChallenge(challenge.id);
    return { challenge, period, window: complaintWindow(now, challenge, period.endsAt), complaint, now };
  }

  async fileComplaint(actor: Actor, challengeId: string, input: { grounds: string }): Promise<ComplaintRecord> {
    const grounds = String(input.grounds ?? '').trim();
    const problems = checkText('grounds', grounds);
    if (problems.length) throw new ComplaintsValidationError(problems);
    let answerDueAt: Date | null = null;
    let endsAt: Date | null = null;
    try {
      return await this.dataSource.transaction(async (m) => {
        const own = await this.challenges.getOwnChallenge(actor, challengeId);
        // FOR SHARE: an answer being written (FOR UPDATE) finishes first, or waits for this filing.
        const challenge = await m.findOneOrFail(Challenge, { where: { id: own.id }, lock: { mode: 'pessimistic_read' } });
        answerDueAt = challenge.answerDueAt;
        const now = await this.clock.now(m);
        const calendar = await this.rules.loadCalendar(m, lastDayOf(challenge.answerDueExplanation));
        const period = complaintPeriod(challenge, calendar);
        endsAt = period.endsAt;
        const window = complaintWindow(now, challenge, period.endsAt);
        if (!window.ok) throw window.reason === 'not_yet' ? new ComplaintNotYetError(challenge.answerDueAt) : new ComplaintPeriodEndedError(period.endsAt);
        if (await this.findByChallenge(challenge.id, m)) throw new ComplaintAlreadyFiledError();
        const award = { project_id: challenge.projectId };
        // 财政部令第94号 第二十六条: decided within 30 working days of receipt.
        const due = workingDayPeriod(now, DECISION_WORKING_DAYS, await this.rules.loadCalendar(m, localDateOf(now)), 'complaint_decision');
        const [{ id }] = (await m.query(
          `INSERT INTO complaints (challenge_id, project_id, organisation_id, filed_by, grounds, filed_at, period_ends_at, period_explanation,
             decision_due_at, decision_due_explanation, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::jsonb, 'received') RETURNING id`,
          [challenge.id, award.project_id, challenge.organisationId, actor.userId, grounds, now, period.endsAt, JSON.stringify(period.explanation), due.endsAt, JSON.stringify(due.explanation)],
        )) as Array<{ id: string }>;
        const [project] = (await m.query(`SELECT reference, title FROM project_labels WHERE id = $1`, [award.project_id])) as Array<{ reference: string; title: string }>;
        await this.notifications.notify(m, {
          recipients: { roles: ['finance_supervisor'] },
          kind: 'complaint.filed',
          titleKey: 'complaints.notifications.filed',
          params: { reference: project.reference, title: project.title },
          link: `/finance/complaints/${id}`,
        });
        await this.audit.record(m, actor, {
          action: 'complaint.filed',
          entityType: 'complaint',
          entityId: id,
          after: { status: 'received', challengeId: challenge.id, projectId: award.project_id, filedAt: now.toISOString(), decisionDueAt: due.endsAt.toISOString() },
          details: { groundsSha256: sha256(grounds), periodEndsAt: period.endsAt.toISOString(), challengeStatus: challenge.status },
        });
        return this.load(m, id);
      });
    } catch (error) {
      const refusal = complaintRefusalAtCommit(error);
      if (refusal === 'COMPLAINTS.NOT_YET' && answerDueAt) throw new ComplaintNotYetError(answerDueAt);
      if (refusal === 'COMPLAINTS.PERIOD_ENDED' && endsAt) throw new ComplaintPeriodEndedError(endsAt);
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'complaints_challenge_id_key') throw new ComplaintAlreadyFiledError();
      throw error;
    }
  }

  /** Suspends the procurement for `days` (1–30) calendar days while the complaint is handled. */
  async suspendProcurement(actor: Actor, complaintId: string, input: { days: unknown; reason: string }): Promise<SuspensionRecord> {
    const reason = String(input.reason ?? '').trim();
    const raw = String(input.days ?? '').trim();
    const days = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
    const problems: Array<ReturnType<typeof checkText>[number] | { field: string; key: 'days'; params: { max: number } }> = [];
    if (!(days >= 1 && days <= SUSPENSION_MAX_DAYS)) problems.push({ field: 'days', key: 'days', params: { max: SUSPENSION_MAX_DAYS } });
    problems.push(...checkText('reason', reason));
    if (problems.length) throw new ComplaintsValidationError(problems);
    return this.dataSource.transaction(async (m) => {
      const complaint = await this.lock(m, complaintId);
      if (complaint.status !== 'received') throw new ComplaintAlreadyDecidedError();
      // The project row serialises suspensions of one project.
      await m.query(`SELECT 1 FROM projects WHERE id = $1 FOR UPDATE`, [complaint.projectId]);
      const [{ suspended }] = (await m.query(`SELECT procurement_suspended($1) AS suspended`, [complaint.projectId])) as Array<{ suspended: boolean }>;
      if (suspended) throw new AlreadySuspendedError();
      const now = await this.clock.now(m);
      const endsAt = suspensionEndsAt(now, days);
      const [{ id }] = (await m.query(`INSERT INTO procurement_suspensions (project_id, complaint_id, reason, ordered_at, ordered_by, ends_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [
        complaint.projectId,
        complaint.id,
        reason,
        now,
        actor.userId,
        endsAt,
      ])) as Array<{ id: string }>;
      await this.notifyBureau(m, complaint, 'complaint.suspended', 'complaints.notifications.suspended');
      await this.audit.record(m, actor, {
        action: 'procurement.suspended',
        entityType: 'complaint',
        entityId: complaint.id,
        after: { suspensionId: id, projectId: complaint.projectId, orderedAt: now.toISOString(), endsAt: endsAt.toISOString(), days },
        details: { reason },
      });
      return (await this.suspensionsOf(complaint.projectId, m)).find((s) => s.id === id)!;
    });
  }

  /** Lifts the suspension in force before its end. */
  async liftSuspension(actor: Actor, complaintId: string, input: { reason: string }): Promise<void> {
    const reason = String(input.reason ?? '').trim();
    const problems = checkText('liftReason', reason);
    if (problems.length) throw new ComplaintsValidationError(problems);
    await this.dataSource.transaction(async (m) => {
      const complaint = await this.lock(m, complaintId);
      const now = await this.clock.now(m);
      const lifted = await this.liftInForce(m, actor, complaint, now, reason);
      if (!lifted) throw new NotSuspendedError();
    });
  }

  /** The decision, once: dismissed, or upheld with its consequence; lifts a suspension in force and is published. */
  async decideComplaint(actor: Actor, complaintId: string, input: { decision: string; consequence?: string | null; text: string }): Promise<ComplaintRecord> {
    const checked = checkDecision({ decision: String(input.decision ?? ''), consequence: input.consequence ?? null, text: String(input.text ?? '') });
    if (!checked.decision) throw new ComplaintsValidationError(checked.problems);
    const decision = checked.decision;
    return this.dataSource.transaction(async (m) => {
      const complaint = await this.lock(m, complaintId);
      if (complaint.status !== 'received') throw new ComplaintAlreadyDecidedError();
      const now = await this.clock.now(m);
      await m.query(`UPDATE complaints SET status = $2, consequence = $3, decision = $4, decided_at = $5, decided_by = $6 WHERE id = $1`, [
        complaint.id,
        decision.status,
        decision.consequence,
        decision.decision,
        now,
        actor.userId,
      ]);
      await this.liftInForce(m, actor, complaint, now, `投诉处理决定已作出（${decision.status === 'upheld' ? '投诉成立' : '驳回投诉'}）`);
      await this.notifications.notify(m, {
        recipients: { organisationIds: [complaint.organisationId] },
        kind: 'complaint.decided',
        titleKey: `complaints.notifications.decided_${decision.status}`,
        params: { reference: complaint.projectReference, title: complaint.projectTitle },
        link: `/organisation/challenges/${complaint.challengeId}/complaint`,
      });
      await this.notifyBureau(m, complaint, 'complaint.decided', `complaints.notifications.decided_${decision.status}`);
      await this.audit.record(m, actor, {
        action: 'complaint.decided',
        entityType: 'complaint',
        entityId: complaint.id,
        before: { status: 'received' },
        after: { status: decision.status, consequence: decision.consequence, decidedAt: now.toISOString() },
        details: { decisionSha256: sha256(decision.decision), decidedLate: now.getTime() >= complaint.decisionDueAt.getTime() },
      });
      return this.load(m, complaint.id);
    });
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────

  async get(complaintId: string, manager: EntityManager = this.dataSource.manager): Promise<ComplaintRecord> {
    if (!isUuid(complaintId)) throw new ComplaintNotFoundError();
    const rows = (await manager.query(`${SELECT} WHERE c.id = $1`, [complaintId])) as ComplaintRow[];
    if (!rows.length) throw new ComplaintNotFoundError();
    return toRecord(rows[0]);
  }

  async list(where: 'received' | 'decided', limit = 100): Promise<ComplaintRecord[]> {
    const rows = (await this.dataSource.query(
      where === 'received' ? `${SELECT} WHERE c.status = 'received' ORDER BY c.decision_due_at, c.id LIMIT $1` : `${SELECT} WHERE c.status <> 'received' ORDER BY c.decided_at DESC, c.id LIMIT $1`,
      [limit],
    )) as ComplaintRow[];
    return rows.map(toRecord);
  }

  async findByChallenge(challengeId: string, manager: EntityManager = this.dataSource.manager): Promise<ComplaintRecord | null> {
    const rows = (await manager.query(`${SELECT} WHERE c.challenge_id = $1`, [challengeId])) as ComplaintRow[];
    return rows.length ? toRecord(rows[0]) : null;
  }

  async suspensionsOf(projectId: string, manager: EntityManager = this.dataSource.manager): Promise<SuspensionRecord[]> {
    const rows = (await manager.query(`SELECT s.*, (s.lifted_at IS NULL AND app_now() < s.ends_at) AS in_force FROM procurement_suspensions s WHERE s.project_id = $1 ORDER BY s.ordered_at DESC`, [
      projectId,
    ])) as Array<{ id: string; complaint_id: string; reason: string; ordered_at: Date; ends_at: Date; lifted_at: Date | null; lift_reason: string | null; in_force: boolean }>;
    return rows.map((r) => ({
      id: r.id,
      complaintId: r.complaint_id,
      reason: r.reason,
      orderedAt: r.ordered_at,
      endsAt: r.ends_at,
      liftedAt: r.lifted_at,
      liftReason: r.lift_reason,
      inForce: r.in_force,
    }));
  }

  getChallenge(challengeId: string): Promise<Challenge> {
    return this.challenges.getChallenge(challengeId);
  }

  now(): Promise<Date> {
    return this.clock.now(this.dataSource.manager);
  }

  private async lock(m: EntityManager, complaintId: string): Promise<ComplaintRecord> {
    if (!isUuid(complaintId)) throw new ComplaintNotFoundError();
    const rows = (await m.query(`SELECT id FROM complaints WHERE id = $1 FOR UPDATE`, [complaintId])) as unknown[];
    if (!rows.length) throw new ComplaintNotFoundError();
    return this.load(m, complaintId);
  }

  private load(m: EntityManager, complaintId: string): Promise<ComplaintRecord> {
    return this.get(complaintId, m);
  }

  private async liftInForce(m: EntityManager, actor: Actor, complaint: ComplaintRecord, now: Date, reason: string): Promise<boolean> {
    const lifted = (await m.query(
      `UPDATE procurement_suspensions SET lifted_at = $2, lifted_by = $3, lift_reason = $4
        WHERE project_id = $1 AND lifted_at IS NULL AND app_now() < ends_at RETURNING id`,
      [complaint.projectId, now, actor.userId, reason],
    )) as [Array<{ id: string }>, number];
    const ids = lifted[0] ?? [];
    if (!ids.length) return false;
    await this.notifyBureau(m, complaint, 'complaint.suspension_lifted', 'complaints.notifications.lifted');
    await this.audit.record(m, actor, {
      action: 'procurement.suspension_lifted',
      entityType: 'complaint',
      entityId: complaint.id,
      after: { suspensionIds: ids.map((r) => r.id), liftedAt: now.toISOString() },
      details: { reason },
    });
    return true;
  }

  private async notifyBureau(m: EntityManager, complaint: ComplaintRecord, kind: string, titleKey: string): Promise<void> {
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_officer', 'bureau_approver'] },
      kind,
      titleKey,
      params: { reference: complaint.projectReference, title: complaint.projectTitle },
      link: `/notices/complaints`,
    });
  }
}

interface ComplaintRow {
  id: string;
  challenge_id: string;
  project_id: string;
  reference: string;
  title: string;
  organisation_id: string;
  name_zh: string;
  grounds: string;
  filed_at: Date;
  period_ends_at: Date;
  period_explanation: PeriodExplanation;
  decision_due_at: Date;
  decision_due_explanation: PeriodExplanation;
  status: ComplaintStatus;
  consequence: ComplaintConsequence | null;
  decision: string | null;
  decided_at: Date | null;
}

function toRecord(r: ComplaintRow): ComplaintRecord {
  return {
    id: r.id,
    challengeId: r.challenge_id,
    projectId: r.project_id,
    projectReference: r.reference,
    projectTitle: r.title,
    organisationId: r.organisation_id,
    organisationName: r.name_zh,
    grounds: r.grounds,
    filedAt: r.filed_at,
    periodEndsAt: r.period_ends_at,
    periodExplanation: r.period_explanation,
    decisionDueAt: r.decision_due_at,
    decisionDueExplanation: r.decision_due_explanation,
    status: r.status,
    consequence: r.consequence,
    decision: r.decision,
    decidedAt: r.decided_at,
  };
}

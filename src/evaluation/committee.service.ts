import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { EvaluatorsService } from '../evaluators/evaluators.service';
import { IdentityService } from '../identity/identity.service';
import { NotificationsService } from '../notifications/notifications.service';
import { checkTransition } from '../procurement/domain/project-lifecycle';
import { BiddingProject, ProjectsService } from '../procurement/projects.service';
import { Candidate, ConflictFact, ExclusionReason, ScreenedPool, screenCandidates } from './domain/committee';
import { DRAW_ALGORITHM, drawCommittee } from './domain/draw';
import { EvaluationAction, canDo, committeeSizeFor } from './domain/lifecycle';
import { declarationText, sha256Hex, signerMatches } from './declaration';
import {
  AlreadyDeclaredError,
  CommitteePoolTooSmallError,
  EvaluationAlreadyLiveError,
  EvaluationInputError,
  NotOnCommitteeError,
  ProjectNotReadyForEvaluationError,
  RepresentativeNotAllowedError,
  WrongEvaluationStageError,
} from './evaluation.errors';
import { EvaluationRecord, MemberRecord, findLiveEvaluation, loadEvaluation, loadMembers, loadOpenedBids } from './evaluation.records';
import { isUuid } from '../common/validation/uuid';

export const REPRESENTATIVE_ROLES = ['bureau_officer', 'bureau_approver'] as const;
const RECUSAL_REASON_MAX = 1000;

export function assertStage(action: EvaluationAction, evaluation: Pick<EvaluationRecord, 'status'>): void {
  if (!canDo(action, evaluation.status)) throw new WrongEvaluationStageError(action, evaluation.status);
}

/** Members who still sit on the committee (drawn or declared, not recused). */
export function sitting(members: readonly MemberRecord[]): MemberRecord[] {
  return members.filter((m) => m.status !== 'recused');
}

export interface CommitteeRequest {
  /** A bureau officer or approver to sit as the bureau's representative (counted in the size). */
  representativeId?: string | null;
}

/**
 * The committee: the reproducible random draw, the members' declarations and recusals with
 * automatic replacement. Each use case locks the evaluation row (or, for the request, the
 * project row) and writes its audit event and notifications in the same transaction.
 */
@Injectable()
export class CommitteeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly evaluators: EvaluatorsService,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  /** Bureau staff who may sit as the representative. */
  async listRepresentativeCandidates(): Promise<Array<{ id: string; displayName: string; roles: string[] }>> {
    const seen = new Map<string, { id: string; displayName: string; roles: string[] }>();
    for (const role of REPRESENTATIVE_ROLES) {
      for (const u of await this.identity.listUsers({ role })) if (u.isActive) seen.set(u.id, { id: u.id, displayName: u.displayName, roles: u.roles });
    }
    return [...seen.values()].sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
  }

  /**
   * Requests a committee for an opened project: size from the method rule, experts drawn at
   * random (crypto seed, recorded) from the eligible pool, the representative seated if the rule
   * allows one. The project moves to `evaluation`.
   */
  async requestCommittee(actor: Actor, projectId: string, request: CommitteeRequest = {}): Promise<{ id: string }> {
    return this.dataSource.transaction(async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'update' });
      if (project.status !== 'opened' && project.status !== 'evaluation') throw new ProjectNotReadyForEvaluationError(project.status);
      if (await findLiveEvaluation(m, project.id)) throw new EvaluationAlreadyLiveError();
      const size = committeeSizeFor(project.rule, project.budgetCeilingMinor);
      const representativeId = request.representativeId ? request.representativeId : null;
      const now = await this.clock.now(m);
      const atFault = await this.excludedFromProject(m, project.id);
      if (representativeId) await this.checkRepresentative(m, project, representativeId, atFault, now);
      const wanted = size - (representativeId ? 1 : 0);
      const others = new Map<string, ExclusionReason>(atFault.map((id) => [id, 'found_at_fault']));
      if (representativeId) others.set(representativeId, 'representative');
      if (actor.userId) others.set(actor.userId, others.get(actor.userId) ?? 'requester');
      const screened = await this.screen(m, project, others, now);
      if (screened.pool.length < wanted) throw new CommitteePoolTooSmallError(screened.pool.length, wanted);
      const [{ round }] = (await m.query(`SELECT coalesce(max(round), 0) + 1 AS round FROM evaluations WHERE project_id = $1`, [project.id])) as Array<{ round: number }>;
      const [{ id }] = (await m.query(
        `INSERT INTO evaluations (project_id, round, status, committee_size, requested_by, scoring, price_weight, created_at)
         VALUES ($1, $2, 'committee', $3, $4, $5, $6, $7) RETURNING id`,
        [project.id, round, size, actor.userId, project.rule.scoring, project.priceWeight, now],
      )) as Array<{ id: string }>;
      const draw = await this.recordDraw(m, actor, id, 'initial', screened, wanted, now);
      for (const [index, userId] of draw.result.entries()) {
        await m.query(`INSERT INTO committee_members (evaluation_id, user_id, role, draw_id, is_chair, status) VALUES ($1, $2, 'expert', $3, $4, 'drawn')`, [id, userId, draw.id, index === 0]);
      }
      if (representativeId) {
        await m.query(`INSERT INTO committee_members (evaluation_id, user_id, role, status) VALUES ($1, $2, 'bureau_representative', 'drawn')`, [id, representativeId]);
      }
      if (project.status === 'opened') await this.startProjectEvaluation(m, actor, project, id);
      await this.audit.record(m, actor, {
        action: 'evaluation.committee_drawn',
        entityType: 'evaluation',
        entityId: id,
        after: { status: 'committee', round, committeeSize: size },
        details: {
          projectId: project.id,
          drawId: draw.id,
          algorithm: DRAW_ALGORITHM,
          seed: draw.seed,
          poolSize: screened.pool.length,
          excluded: screened.excluded.map((e) => ({ userId: e.userId, reason: e.reason })),
          wanted,
          result: draw.result,
          chair: draw.result[0],
          representativeId,
        },
      });
      await this.notifyDrawn(m, [...draw.result, ...(representativeId ? [representativeId] : [])], project, id);
      return { id };
    });
  }

  /** Signs the no-conflict declaration; when the last sitting member signs, qualification review begins. */
  async declare(actor: Actor, evaluationId: string, input: { accepted: boolean; signerName: string }): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const members = await loadMembers(m, evaluation.id);
      const me = this.memberOf(members, actor);
      if (me.status === 'declared') throw new AlreadyDeclaredError();
      assertStage('declare', evaluation);
      const problems: Record<string, string[]> = {};
      if (!input.accepted) problems.accepted = ['evaluation.validation.declarationRequired'];
      if (!signerMatches(input.signerName ?? '', me.name)) problems.signerName = ['evaluation.validation.signerName'];
      if (Object.keys(problems).length) throw new EvaluationInputError(problems);
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
      const text = declarationText({ memberName: me.name, reference: project.reference, title: project.title, bidders: await this.bidderNames(m, project.id) });
      const sha256 = sha256Hex(text);
      const now = await this.clock.now(m);
      await m.query(
        `UPDATE committee_members SET status = 'declared', declared_at = $3, declaration_sha256 = $4, declaration_text = $5, declaration_signer = $6
          WHERE evaluation_id = $1 AND user_id = $2`,
        [evaluation.id, me.userId, now, sha256, text, input.signerName.trim()],
      );
      await this.audit.record(m, actor, {
        action: 'evaluation.member_declared',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { memberStatus: 'drawn' },
        after: { memberStatus: 'declared' },
        details: { userId: me.userId, declarationSha256: sha256, signer: input.signerName.trim() },
      });
      await this.advanceIfComplete(m, actor, evaluation, project);
    });
  }

  /** Declares a conflict: the member is recused (reason required) and a replacement is drawn at once. */
  async recuse(actor: Actor, evaluationId: string, reason: string): Promise<{ replacementId: string | null }> {
    const cleaned = (reason ?? '').trim();
    if (cleaned.length < 2) throw new EvaluationInputError({ reason: ['evaluation.validation.recusalReasonRequired'] });
    if (cleaned.length > RECUSAL_REASON_MAX) throw new EvaluationInputError({ reason: ['evaluation.validation.reasonTooLong'] });
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      const members = await loadMembers(m, evaluation.id);
      const me = this.memberOf(members, actor);
      if (me.status === 'declared') throw new AlreadyDeclaredError();
      assertStage('recuse', evaluation);
      const now = await this.clock.now(m);
      await m.query(`UPDATE committee_members SET status = 'recused', recused_at = $3, recusal_reason = $4, is_chair = false WHERE evaluation_id = $1 AND user_id = $2`, [
        evaluation.id,
        me.userId,
        now,
        cleaned,
      ]);
      await this.audit.record(m, actor, {
        action: 'evaluation.member_recused',
        entityType: 'evaluation',
        entityId: evaluation.id,
        before: { memberStatus: me.status },
        after: { memberStatus: 'recused' },
        details: { userId: me.userId, role: me.role, reason: cleaned, wasChair: me.isChair },
      });
      const replacementId = await this.replace(m, actor, evaluation, now);
      if (me.isChair) await this.reassignChair(m, actor, evaluation.id);
      return { replacementId };
    });
  }

  /** For the officer: draws the missing members when a recusal could not be replaced at the time. */
  async drawReplacement(actor: Actor, evaluationId: string): Promise<{ replacementId: string | null }> {
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, evaluationId, 'update');
      assertStage('recuse', evaluation);
      const members = await loadMembers(m, evaluation.id);
      if (sitting(members).length >= evaluation.committeeSize) return { replacementId: null };
      const now = await this.clock.now(m);
      const replacementId = await this.replace(m, actor, evaluation, now, true);
      if (!sitting(await loadMembers(m, evaluation.id)).some((x) => x.isChair)) await this.reassignChair(m, actor, evaluation.id);
      return { replacementId };
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private memberOf(members: readonly MemberRecord[], actor: Actor): MemberRecord {
    const me = members.find((x) => x.userId === actor.userId);
    if (!me || me.status === 'recused') throw new NotOnCommitteeError();
    return me;
  }

  /**
   * The bureau representative sits as a committee member (财政部令第87号 第四十七条), so is screened
   * like the experts: the role, no part found at fault in an earlier round (第六十七条), and no
   * relationship with any bidder (第六十二条 回避; the same relationships the experts declare).
   */
  private async checkRepresentative(m: EntityManager, project: BiddingProject, userId: string, atFault: readonly string[], now: Date): Promise<void> {
    if (!project.rule.allowsBureauRepresentative) throw new RepresentativeNotAllowedError('rule');
    const user = isUuid(userId) ? await this.identity.findById(userId) : null;
    if (!user || !user.isActive || !user.roles.some((r) => (REPRESENTATIVE_ROLES as readonly string[]).includes(r))) throw new RepresentativeNotAllowedError('role');
    if (atFault.includes(userId)) throw new RepresentativeNotAllowedError('at_fault');
    const bids = await loadOpenedBids(m, project.id);
    const conflicts = await this.evaluators.conflictsFor(
      [userId],
      bids.map((b) => b.organisationId),
      now,
    );
    if (conflicts.length) {
      const names = [...new Set(conflicts.map((c) => bids.find((b) => b.organisationId === c.organisationId)?.organisationName ?? ''))];
      throw new RepresentativeNotAllowedError('conflict', { organisations: names.join('、') });
    }
  }

  private async excludedFromProject(m: EntityManager, projectId: string): Promise<string[]> {
    const rows = (await m.query(`SELECT user_id FROM committee_exclusions WHERE project_id = $1`, [projectId])) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** Candidates whose expertise covers a project category, screened for activity and conflicts with any bidder. */
  private async screen(m: EntityManager, project: BiddingProject, others: ReadonlyMap<string, ExclusionReason>, now: Date): Promise<ScreenedPool> {
    const categories = [...project.categoryCodes];
    const active = await this.evaluators.listActiveEvaluators({ categories });
    const activeIds = new Set(active.map((e) => e.userId));
    const candidates = new Map<string, Candidate>();
    for (const category of categories) {
      const page = await this.evaluators.listProfiles({ category, page: 1, pageSize: 100_000 });
      for (const p of page.data) candidates.set(p.userId, { userId: p.userId, name: p.displayName, isActive: activeIds.has(p.userId) });
    }
    for (const e of active) candidates.set(e.userId, { userId: e.userId, name: e.displayName, isActive: true });
    const bids = await loadOpenedBids(m, project.id);
    const bidderNames = new Map(bids.map((b) => [b.organisationId, b.organisationName]));
    const conflicts: ConflictFact[] = (await this.evaluators.conflictsFor([...candidates.keys()], [...bidderNames.keys()], now)).map((c) => ({
      evaluatorId: c.evaluatorId,
      organisationId: c.organisationId,
      organisationName: bidderNames.get(c.organisationId) ?? '',
      kind: c.kind,
      startedOn: c.startedOn,
      endedOn: c.endedOn,
    }));
    return screenCandidates([...candidates.values()], conflicts, others);
  }

  private async recordDraw(
    m: EntityManager,
    actor: Actor,
    evaluationId: string,
    kind: 'initial' | 'replacement',
    screened: ScreenedPool,
    wanted: number,
    now: Date,
  ): Promise<{ id: string; seed: string; result: string[] }> {
    const seed = randomBytes(32).toString('hex');
    const result = drawCommittee(seed, screened.pool, wanted);
    const [{ id }] = (await m.query(
      `INSERT INTO committee_draws (evaluation_id, kind, algorithm, seed, pool, excluded, wanted, result, drawn_at, drawn_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8::jsonb, $9, $10) RETURNING id`,
      [evaluationId, kind, DRAW_ALGORITHM, seed, JSON.stringify(screened.pool), JSON.stringify(screened.excluded), wanted, JSON.stringify(result), now, actor.userId],
    )) as Array<{ id: string }>;
    return { id, seed, result };
  }

  /** Draws one replacement expert when the committee is short; null (and the officer told) when nobody is left. */
  private async replace(m: EntityManager, actor: Actor, evaluation: EvaluationRecord, now: Date, mustSucceed = false): Promise<string | null> {
    const members = await loadMembers(m, evaluation.id);
    if (sitting(members).length >= evaluation.committeeSize) return null;
    const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
    const others = new Map<string, ExclusionReason>((await this.excludedFromProject(m, evaluation.projectId)).map((id) => [id, 'found_at_fault']));
    for (const x of members) others.set(x.userId, 'already_drawn');
    others.set(evaluation.requestedBy, others.get(evaluation.requestedBy) ?? 'requester');
    const screened = await this.screen(m, project, others, now);
    if (screened.pool.length < 1) {
      if (mustSucceed) throw new CommitteePoolTooSmallError(0, 1);
      await this.notifications.notify(m, {
        recipients: { userIds: [evaluation.requestedBy] },
        kind: 'evaluation.replacement_unavailable',
        titleKey: 'evaluation.notifications.replacementUnavailable',
        params: { reference: project.reference, title: project.title },
        link: `/staff/evaluations/${evaluation.id}`,
      });
      return null;
    }
    const draw = await this.recordDraw(m, actor, evaluation.id, 'replacement', screened, 1, now);
    const [userId] = draw.result;
    await m.query(`INSERT INTO committee_members (evaluation_id, user_id, role, draw_id, is_chair, status) VALUES ($1, $2, 'expert', $3, false, 'drawn')`, [evaluation.id, userId, draw.id]);
    await this.audit.record(m, actor, {
      action: 'evaluation.replacement_drawn',
      entityType: 'evaluation',
      entityId: evaluation.id,
      details: { drawId: draw.id, algorithm: DRAW_ALGORITHM, seed: draw.seed, poolSize: screened.pool.length, result: draw.result },
    });
    await this.notifyDrawn(m, [userId], project, evaluation.id);
    return userId;
  }

  /** The first sitting expert in order of appointment chairs the committee. */
  private async reassignChair(m: EntityManager, actor: Actor, evaluationId: string): Promise<void> {
    const members = sitting(await loadMembers(m, evaluationId));
    if (members.some((x) => x.isChair)) return;
    const next = members.find((x) => x.role === 'expert') ?? members[0];
    if (!next) return;
    await m.query(`UPDATE committee_members SET is_chair = true WHERE evaluation_id = $1 AND user_id = $2`, [evaluationId, next.userId]);
    await this.audit.record(m, actor, { action: 'evaluation.chair_assigned', entityType: 'evaluation', entityId: evaluationId, after: { chair: next.userId } });
  }

  private async advanceIfComplete(m: EntityManager, actor: Actor, evaluation: EvaluationRecord, project: BiddingProject): Promise<void> {
    const members = sitting(await loadMembers(m, evaluation.id));
    if (members.length < evaluation.committeeSize || members.some((x) => x.status !== 'declared')) return;
    await m.query(`UPDATE evaluations SET status = 'qualification' WHERE id = $1`, [evaluation.id]);
    await this.audit.record(m, actor, {
      action: 'evaluation.committee_complete',
      entityType: 'evaluation',
      entityId: evaluation.id,
      before: { status: 'committee' },
      after: { status: 'qualification' },
      details: { members: members.map((x) => x.userId) },
    });
    await this.notifications.notify(m, {
      recipients: { userIds: [evaluation.requestedBy, ...members.map((x) => x.userId)] },
      kind: 'evaluation.committee_complete',
      titleKey: 'evaluation.notifications.committeeComplete',
      params: { reference: project.reference, title: project.title },
      link: `/evaluations/${evaluation.id}`,
    });
  }

  /**
   * opened → evaluation (project-lifecycle `start_evaluation`): refused with this module's code
   * when the project is not opened, then moved (and audited) by procurement.
   */
  private async startProjectEvaluation(m: EntityManager, actor: Actor, project: BiddingProject, evaluationId: string): Promise<void> {
    if (!checkTransition('start_evaluation', project.status).ok) throw new ProjectNotReadyForEvaluationError(project.status);
    await this.projects.markEvaluationStarted(m, actor, project.id, evaluationId);
  }

  private async bidderNames(m: EntityManager, projectId: string): Promise<string[]> {
    return [...new Set((await loadOpenedBids(m, projectId)).map((b) => b.organisationName))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
  }

  private async notifyDrawn(m: EntityManager, userIds: string[], project: BiddingProject, evaluationId: string): Promise<void> {
    await this.notifications.notify(m, {
      recipients: { userIds },
      kind: 'evaluation.member_drawn',
      titleKey: 'evaluation.notifications.memberDrawn',
      params: { reference: project.reference, title: project.title },
      link: `/evaluations/${evaluationId}`,
    });
  }
}

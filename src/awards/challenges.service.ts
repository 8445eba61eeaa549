import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { fieldMessage } from '../common/http/validation';
import { ValidationFailedError } from '../common/errors/domain.error';
import { DocumentMetadata, DocumentsService, LoadedDocument } from '../documents/documents.service';
import { NotificationsService } from '../notifications/notifications.service';
import { localDateOf } from '../procurement/domain/local-time';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import { ProjectsService } from '../procurement/projects.service';
import { ResultsService } from '../evaluation/results.service';
import { Award, Challenge } from './award.entity';
import { AWARDS_CONFIG, AwardsConfig } from './awards.config';
import { AwardsService } from './awards.service';
import {
  AwardNotActiveError,
  AwardNotFoundError,
  AwardsValidationError,
  ChallengeAlreadyAnsweredError,
  ChallengeAlreadyFiledError,
  ChallengeNotFoundError,
  ChallengePeriodEndedError,
  NotABidderError,
  OrganisationRequiredError,
  StepNotEndedError,
  isChallengePeriodEndedAtCommit,
} from './awards.errors';
import { ATTACHMENTS_MAX, AnswerInput, CheckedAnswer, PROCEDURE_STEPS, ProcedureStep, checkAnswer, checkGrounds, upheldEffect } from './domain/challenges';
import { documentsChallengePeriod, procedureChallengePeriod } from './domain/challenge-periods';
import { hasEnded, workingDayPeriod } from './domain/working-day-period';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export const CHALLENGE_DOCUMENT_OWNER = 'challenge';

export interface ChallengeFile {
  originalName: string;
  buffer: Buffer | undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Challenges (质疑): filed by a bidder within the challenge period (the database clock decides,
 * checked again at COMMIT by a trigger), answered by an officer within the answer period. An
 * upheld challenge supersedes the award and its evaluation round (re-run) or cancels the award;
 * either way the project goes back to evaluation.
 */
@Injectable()
export class ChallengesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly documents: DocumentsService,
    private readonly clock: Clock,
    private readonly rules: ProcurementRulesService,
    private readonly projects: ProjectsService,
    private readonly results: ResultsService,
    private readonly awards: AwardsService,
    @Inject(AWARDS_CONFIG) private readonly config: AwardsConfig,
  ) {}

  async fileChallenge(actor: Actor, awardId: string, input: { grounds: string }, files: ChallengeFile[]): Promise<Challenge> {
    if (!actor.organisationId || !actor.userId) throw new OrganisationRequiredError();
    const organisationId = actor.organisationId;
    const grounds = (input.grounds ?? '').trim();
    const problems = checkGrounds(grounds);
    if (problems.length) throw new AwardsValidationError(problems);
    if (files.length > ATTACHMENTS_MAX) {
      throw new ValidationFailedError({ attachments: [fieldMessage('awards.validation.tooManyFiles', { max: ATTACHMENTS_MAX })] }, 'Too many attachments', 'AWARDS.INVALID');
    }
    let endsAt: Date | null = null;
    try {
      return await this.dataSource.transaction(async (m) => {
        // FOR SHARE: an answer or the contract (FOR UPDATE) waits for this filing, or this for them.
        const award = isUuid(awardId) ? await m.findOne(Award, { where: { id: awardId }, lock: { mode: 'pessimistic_read' } }) : null;
        if (!award) throw new AwardNotFoundError();
        endsAt = award.challengePeriodEndsAt;
        if (!(await this.isBidder(m, award.projectId, organisationId))) throw new NotABidderError();
        if (award.status !== 'active') throw new AwardNotActiveError(award.status);
        const now = await this.clock.now(m);
        if (hasEnded(now, award.challengePeriodEndsAt)) throw new ChallengePeriodEndedError(award.challengePeriodEndsAt);
        const existing = await m.findOneBy(Challenge, { awardId: award.id, organisationId });
        if (existing) throw new ChallengeAlreadyFiledError();

        const calendar = await this.rules.loadCalendar(m, localDateOf(now));
        const due = workingDayPeriod(now, this.config.challengeAnswerWorkingDays, calendar, 'challenge_answer');
        const [{ id }] = (await m.query(
          `INSERT INTO challenges (award_id, organisation_id, filed_by, grounds, filed_at, answer_due_at, answer_due_explanation, status,
             subject, project_id, period_ends_at, period_explanation)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'open', 'result', $8, $9, $10::jsonb) RETURNING id`,
          [
            award.id,
            organisationId,
            actor.userId,
            grounds,
            now,
            due.endsAt,
            JSON.stringify(due.explanation),
            award.projectId,
            award.challengePeriodEndsAt,
            JSON.stringify(award.challengePeriodExplanation),
          ],
        )) as Array<{ id: string }>;
        const [project] = (await m.query(`SELECT reference, title FROM project_labels WHERE id = $1`, [award.projectId])) as Array<{ reference: string; title: string }>;
        await this.recordFiling(m, actor, {
          id,
          files,
          grounds,
          project,
          alsoTell: [award.awardedBy],
          after: { status: 'open', awardId: award.id, organisationId, filedAt: now.toISOString(), answerDueAt: due.endsAt.toISOString() },
          periodEndsAt: award.challengePeriodEndsAt,
        });
        return m.findOneByOrFail(Challenge, { id });
      });
    } catch (error) {
      if (isChallengePeriodEndedAtCommit(error) && endsAt) throw new ChallengePeriodEndedError(endsAt);
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'challenges_one_per_organisation') throw new ChallengeAlreadyFiledError();
      throw error;
    }
  }

  /**
   * The officer's answer. Upheld: the award is superseded (re-run: the evaluation round is
   * superseded too, so the evaluation module can request round 2) or cancelled, and the project
   * is back in evaluation. All in one transaction, under the award's row lock.
   */
  async answerChallenge(actor: Actor, challengeId: string, input: AnswerInput): Promise<Challenge> {
    const subject = isUuid(challengeId) ? (await this.dataSource.manager.findOneBy(Challenge, { id: challengeId }))?.subject : undefined;
    if (!subject) throw new ChallengeNotFoundError();
    const checked = checkAnswer({ decision: String(input.decision ?? ''), outcome: input.outcome ?? null, answer: String(input.answer ?? ''), faultedMemberIds: input.faultedMemberIds }, subject);
    if (!checked.answer) throw new AwardsValidationError(checked.problems);
    const answer = checked.answer;
    if (subject !== 'result') return this.answerProjectChallenge(actor, challengeId, answer);
    return this.dataSource.transaction(async (m) => {
      const found = await m.findOneByOrFail(Challenge, { id: challengeId });
      const award = await m.findOneOrFail(Award, { where: { id: found.awardId! }, lock: { mode: 'pessimistic_write' } });
      const challenge = await m.findOneOrFail(Challenge, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      if (challenge.status !== 'open') throw new ChallengeAlreadyAnsweredError();
      const now = await this.clock.now(m);
      const [project] = (await m.query(`SELECT id, reference, title FROM project_labels WHERE id = $1`, [award.projectId])) as Array<{ id: string; reference: string; title: string }>;
      const affectsAward = answer.status === 'upheld' && answer.outcome !== null && award.status === 'active';
      await this.recordAnswer(
        m,
        actor,
        challenge,
        answer,
        now,
        { ...project, link: `/organisation/awards/${award.id}` },
        {
          awardId: award.id,
          answerSha256: sha256(answer.answer),
          answeredLate: hasEnded(now, challenge.answerDueAt),
          awardStatusBefore: award.status,
          changesAward: affectsAward,
          faultedMemberIds: answer.faultedMemberIds,
        },
      );
      if (affectsAward) await this.applyUpheld(m, actor, award, project, answer.outcome as 'rerun_evaluation' | 'cancel_award', challenge.id, answer.answer, now, answer.faultedMemberIds);
      return m.findOneByOrFail(Challenge, { id: challenge.id });
    });
  }

  private async applyUpheld(
    m: EntityManager,
    actor: Actor,
    award: Award,
    project: { id: string; reference: string; title: string },
    outcome: 'rerun_evaluation' | 'cancel_award',
    challengeId: string,
    answer: string,
    now: Date,
    faultedMemberIds: readonly string[] = [],
  ): Promise<void> {
    const effect = upheldEffect(outcome);
    await m.query(`UPDATE awards SET status = $2, cancelled_at = $3, cancel_reason = $4 WHERE id = $1 AND status = 'active'`, [award.id, effect.awardStatus, now, answer]);
    await this.audit.record(m, actor, {
      action: effect.awardStatus === 'superseded' ? 'award.superseded' : 'award.cancelled',
      entityType: 'award',
      entityId: award.id,
      before: { status: 'active' },
      after: { status: effect.awardStatus, cancelledAt: now.toISOString() },
      details: { challengeId, outcome },
    });
    // The evaluation module owns the round: it marks it superseded (and audits it) in this transaction.
    // Members found at fault are barred from the new committee (财政部令第87号 第六十七条); the evaluation module records it.
    if (effect.supersedesEvaluation) {
      await this.results.supersedeEvaluation(m, actor, award.evaluationId, `质疑成立，重新组织评审（质疑 ${challengeId}）`, { excludedMemberIds: faultedMemberIds });
    }
    // Procurement moves the project back to evaluation (and audits it) in this transaction.
    await this.projects.withdrawAward(m, actor, project.id, { awardId: award.id, challengeId, outcome });
    await this.notifications.notify(m, {
      recipients: { organisationIds: await this.awards.bidderOrganisations(m, project.id), roles: ['bureau_approver'] },
      kind: `award.${effect.awardStatus}`,
      titleKey: `awards.notifications.award_${effect.awardStatus}`,
      params: { reference: project.reference, title: project.title },
      link: `/notices/awards/${project.reference}`,
    });
  }

  /**
   * A challenge against the procurement documents (any approved organisation that may bid on the
   * project) or against a procedural step (a bidder whose bid was opened), each within its own
   * period (实施条例 第五十三条(一)(二)), checked again at COMMIT by the database.
   */
  async fileProjectChallenge(actor: Actor, projectId: string, input: { subject: string; step?: string | null; grounds: string }, files: ChallengeFile[]): Promise<Challenge> {
    if (!actor.organisationId || !actor.userId) throw new OrganisationRequiredError();
    const organisationId = actor.organisationId;
    const subject = input.subject === 'documents' || input.subject === 'procedure' ? input.subject : null;
    const step = subject === 'procedure' && (PROCEDURE_STEPS as readonly string[]).includes(input.step ?? '') ? (input.step as ProcedureStep) : null;
    const grounds = (input.grounds ?? '').trim();
    const problems = checkGrounds(grounds);
    if (!subject) problems.push({ field: 'subject', key: 'choose' });
    if (subject === 'procedure' && !step) problems.push({ field: 'step', key: 'choose' });
    if (problems.length || !subject) throw new AwardsValidationError(problems);
    if (files.length > ATTACHMENTS_MAX) {
      throw new ValidationFailedError({ attachments: [fieldMessage('awards.validation.tooManyFiles', { max: ATTACHMENTS_MAX })] }, 'Too many attachments', 'AWARDS.INVALID');
    }
    let endsAt: Date | null = null;
    try {
      return await this.dataSource.transaction(async (m) => {
        const facts = await this.projectFacts(m, projectId, organisationId);
        if (!facts) throw new ChallengeNotFoundError();
        const now = await this.clock.now(m);
        const period = await this.projectPeriod(m, facts, subject, step);
        if (!period) throw new StepNotEndedError();
        endsAt = period.endsAt;
        if (subject === 'procedure' && !facts.isBidder) throw new NotABidderError();
        if (subject === 'documents' && !facts.isBidder && !facts.isApproved) throw new NotABidderError();
        if (hasEnded(now, period.endsAt)) throw new ChallengePeriodEndedError(period.endsAt);
        const calendar = await this.rules.loadCalendar(m, localDateOf(now));
        const due = workingDayPeriod(now, this.config.challengeAnswerWorkingDays, calendar, 'challenge_answer');
        const [{ id }] = (await m.query(
          `INSERT INTO challenges (award_id, organisation_id, filed_by, grounds, filed_at, answer_due_at, answer_due_explanation, status,
             subject, project_id, step, period_ends_at, period_explanation)
           VALUES (NULL, $1, $2, $3, $4, $5, $6::jsonb, 'open', $7, $8, $9, $10, $11::jsonb) RETURNING id`,
          [organisationId, actor.userId, grounds, now, due.endsAt, JSON.stringify(due.explanation), subject, facts.id, step, period.endsAt, JSON.stringify(period.explanation)],
        )) as Array<{ id: string }>;
        await this.recordFiling(m, actor, {
          id,
          files,
          grounds,
          project: facts,
          alsoTell: [],
          after: { status: 'open', subject, step, projectId: facts.id, organisationId, filedAt: now.toISOString(), answerDueAt: due.endsAt.toISOString() },
          periodEndsAt: period.endsAt,
        });
        return m.findOneByOrFail(Challenge, { id });
      });
    } catch (error) {
      if (isChallengePeriodEndedAtCommit(error) && endsAt) throw new ChallengePeriodEndedError(endsAt);
      const { code, constraint } = pgError(error);
      if (code === '23505' && (constraint === 'challenges_documents_once' || constraint === 'challenges_step_once')) throw new ChallengeAlreadyFiledError();
      throw error;
    }
  }

  /** The periods of the project challenges the organisation could file now (for its page). */
  async projectChallengePeriods(actor: Actor, projectId: string) {
    if (!actor.organisationId) throw new OrganisationRequiredError();
    const m = this.dataSource.manager;
    const facts = await this.projectFacts(m, projectId, actor.organisationId);
    if (!facts || (!facts.isBidder && !facts.isApproved)) throw new ChallengeNotFoundError();
    const now = await this.clock.now(m);
    const documents = await this.projectPeriod(m, facts, 'documents', null);
    const steps = [];
    for (const step of PROCEDURE_STEPS) steps.push({ step, period: facts.isBidder ? await this.projectPeriod(m, facts, 'procedure', step) : null });
    const own = await m.find(Challenge, { where: { projectId: facts.id, organisationId: actor.organisationId }, order: { filedAt: 'ASC', id: 'ASC' } });
    return { project: facts, now, documents, steps, own: own.filter((c) => c.subject !== 'result') };
  }

  private async projectFacts(m: EntityManager, projectId: string, organisationId: string) {
    if (!isUuid(projectId)) return null;
    const rows = (await m.query(
      `SELECT p.id, p.reference, p.title, p.published_at,
              (SELECT max(o.opened_at) FROM bid_openings o WHERE o.project_id = p.id) AS opened_at,
              (SELECT max(e.signed_off_at) FROM evaluations e WHERE e.project_id = p.id AND e.status = 'signed_off') AS signed_off_at,
              EXISTS (SELECT 1 FROM opened_bids b WHERE b.project_id = p.id AND b.organisation_id = $2) AS is_bidder,
              EXISTS (SELECT 1 FROM organisations o WHERE o.id = $2 AND o.status = 'approved') AS is_approved
         FROM projects p WHERE p.id = $1 AND p.published_at IS NOT NULL FOR SHARE OF p`,
      [projectId, organisationId],
    )) as Array<{ id: string; reference: string; title: string; published_at: Date; opened_at: Date | null; signed_off_at: Date | null; is_bidder: boolean; is_approved: boolean }>;
    const r = rows[0];
    return r
      ? { id: r.id, reference: r.reference, title: r.title, publishedAt: r.published_at, openedAt: r.opened_at, signedOffAt: r.signed_off_at, isBidder: r.is_bidder, isApproved: r.is_approved }
      : null;
  }

  /** The period of a project challenge; null while the step has not ended. */
  private async projectPeriod(m: EntityManager, facts: NonNullable<Awaited<ReturnType<ChallengesService['projectFacts']>>>, subject: 'documents' | 'procedure', step: ProcedureStep | null) {
    const from = subject === 'documents' ? facts.publishedAt : step === 'bid_opening' ? facts.openedAt : facts.signedOffAt;
    if (!from) return null;
    const calendar = await this.rules.loadCalendar(m, localDateOf(from));
    return subject === 'documents'
      ? documentsChallengePeriod({ publishedAt: from }, calendar, { documentsNoticeWorkingDays: this.config.documentsNoticeWorkingDays, challengeWorkingDays: this.config.challengePeriodWorkingDays })
      : procedureChallengePeriod(from, calendar, { challengeWorkingDays: this.config.challengePeriodWorkingDays });
  }

  /** The answer to a challenge against the documents or a step: recorded and sent; the award is not touched. */
  private answerProjectChallenge(actor: Actor, challengeId: string, answer: CheckedAnswer): Promise<Challenge> {
    return this.dataSource.transaction(async (m) => {
      const challenge = await m.findOneOrFail(Challenge, { where: { id: challengeId }, lock: { mode: 'pessimistic_write' } });
      if (challenge.status !== 'open') throw new ChallengeAlreadyAnsweredError();
      const now = await this.clock.now(m);
      const [project] = (await m.query(`SELECT reference, title FROM project_labels WHERE id = $1`, [challenge.projectId])) as Array<{ reference: string; title: string }>;
      await this.recordAnswer(
        m,
        actor,
        challenge,
        answer,
        now,
        { ...project, link: `/organisation/projects/${challenge.projectId}/challenges` },
        {
          subject: challenge.subject,
          step: challenge.step,
          answerSha256: sha256(answer.answer),
          answeredLate: hasEnded(now, challenge.answerDueAt),
        },
      );
      return m.findOneByOrFail(Challenge, { id: challenge.id });
    });
  }

  /** The answer of an open challenge (row locked by the caller): written, sent to the challenging organisation, audited. */
  private async recordAnswer(
    m: EntityManager,
    actor: Actor,
    challenge: Challenge,
    answer: CheckedAnswer,
    now: Date,
    notice: { reference: string; title: string; link: string },
    details: Record<string, unknown>,
  ): Promise<void> {
    await m.query(`UPDATE challenges SET status = $2, outcome = $3, answer = $4, answered_at = $5, answered_by = $6 WHERE id = $1`, [
      challenge.id,
      answer.status,
      answer.outcome,
      answer.answer,
      now,
      actor.userId,
    ]);
    await this.notifications.notify(m, {
      recipients: { organisationIds: [challenge.organisationId] },
      kind: 'challenge.answered',
      titleKey: `awards.notifications.challenge_${answer.status}`,
      params: { reference: notice.reference, title: notice.title },
      link: notice.link,
    });
    await this.audit.record(m, actor, {
      action: 'challenge.answered',
      entityType: 'challenge',
      entityId: challenge.id,
      before: { status: 'open' },
      after: { status: answer.status, outcome: answer.outcome, answeredAt: now.toISOString() },
      details,
    });
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────

  async isBidder(m: EntityManager, projectId: string, organisationId: string): Promise<boolean> {
    const rows = (await m.query(`SELECT 1 FROM opened_bids WHERE project_id = $1 AND organisation_id = $2 LIMIT 1`, [projectId, organisationId])) as unknown[];
    return rows.length > 0;
  }

  /** An award's challenges, oldest first, with the name of each challenging organisation (staff pages only). */
  async challengesWithOrganisations(awardId: string): Promise<Array<{ challenge: Challenge; organisationName: string }>> {
    const challenges = await this.dataSource.manager.find(Challenge, { where: { awardId }, order: { filedAt: 'ASC', id: 'ASC' } });
    if (!challenges.length) return [];
    const rows = (await this.dataSource.query(`SELECT id, name_zh FROM organisation_labels WHERE id = ANY($1::uuid[])`, [challenges.map((c) => c.organisationId)])) as Array<{
      id: string;
      name_zh: string;
    }>;
    const names = new Map(rows.map((r) => [r.id, r.name_zh]));
    return challenges.map((challenge) => ({ challenge, organisationName: names.get(challenge.organisationId) ?? '' }));
  }

  async getChallenge(challengeId: string): Promise<Challenge> {
    const challenge = isUuid(challengeId) ? await this.dataSource.manager.findOneBy(Challenge, { id: challengeId }) : null;
    if (!challenge) throw new ChallengeNotFoundError();
    return challenge;
  }

  /** The organisation's own challenge (someone else's is not found). */
  async getOwnChallenge(actor: Actor, challengeId: string): Promise<Challenge> {
    const challenge = await this.getChallenge(challengeId);
    if (!actor.organisationId || challenge.organisationId !== actor.organisationId) throw new ChallengeNotFoundError();
    return challenge;
  }

  attachmentsOf(challengeId: string): Promise<DocumentMetadata[]> {
    return this.documents.listFor(CHALLENGE_DOCUMENT_OWNER, challengeId);
  }

  /** One attachment of a challenge the caller may already see (checked by the caller). */
  async loadAttachment(challenge: Challenge, documentId: string): Promise<LoadedDocument> {
    const doc = await this.documents.load(documentId);
    if (doc.ownerType !== CHALLENGE_DOCUMENT_OWNER || doc.ownerId !== challenge.id) throw new ChallengeNotFoundError();
    return doc;
  }

  /** What every challenge's filing does after its row: the attachments, officers told, the audit event (grounds by hash). */
  private async recordFiling(
    m: EntityManager,
    actor: Actor,
    filing: {
      id: string;
      files: ChallengeFile[];
      grounds: string;
      project: { reference: string; title: string };
      alsoTell: string[];
      after: Record<string, unknown>;
      periodEndsAt: Date;
    },
  ): Promise<void> {
    const stored: DocumentMetadata[] = [];
    for (const file of filing.files) {
      stored.push(
        await this.documents.store(m, {
          ownerType: CHALLENGE_DOCUMENT_OWNER,
          ownerId: filing.id,
          kind: 'challenge_attachment',
          originalName: file.originalName,
          buffer: file.buffer,
          uploadedBy: actor.userId,
          field: 'attachments',
        }),
      );
    }
    await this.notifications.notify(m, {
      recipients: { roles: ['bureau_officer'], userIds: filing.alsoTell },
      kind: 'challenge.filed',
      titleKey: 'awards.notifications.challengeFiled',
      params: { reference: filing.project.reference, title: filing.project.title },
      link: `/staff/challenges/${filing.id}`,
    });
    await this.audit.record(m, actor, {
      action: 'challenge.filed',
      entityType: 'challenge',
      entityId: filing.id,
      after: filing.after,
      details: {
        groundsSha256: sha256(filing.grounds),
        groundsLength: Array.from(filing.grounds).length,
        attachments: stored.map((d) => ({ documentId: d.id, sha256: d.sha256, sizeBytes: d.sizeBytes })),
        challengePeriodEndsAt: filing.periodEndsAt.toISOString(),
      },
    });
  }
}

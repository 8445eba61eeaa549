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
import { pgError } from '../procurement/funds.service';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
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
  isChallengePeriodEndedAtCommit,
} from './awards.errors';
import { ATTACHMENTS_MAX, AnswerInput, checkAnswer, checkGrounds, upheldEffect } from './domain/challenges';
import { hasEnded, workingDayPeriod } from './domain/working-day-period';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
        const award = UUID.test(awardId) ? await m.findOne(Award, { where: { id: awardId }, lock: { mode: 'pessimistic_read' } }) : null;
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
          `INSERT INTO challenges (award_id, organisation_id, filed_by, grounds, filed_at, answer_due_at, answer_due_explanation, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, 'open') RETURNING id`,
          [award.id, organisationId, actor.userId, grounds, now, due.endsAt, JSON.stringify(due.explanation)],
        )) as Array<{ id: string }>;
        const stored: DocumentMetadata[] = [];
        for (const file of files) {
          stored.push(
            await this.documents.store(m, {
              ownerType: CHALLENGE_DOCUMENT_OWNER,
              ownerId: id,
              kind: 'challenge_attachment',
              originalName: file.originalName,
              buffer: file.buffer,
              uploadedBy: actor.userId,
              field: 'attachments',
            }),
          );
        }
        const [project] = (await m.query(`SELECT reference, title FROM projects WHERE id = $1`, [award.projectId])) as Array<{ reference: string; title: string }>;
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_officer'], userIds: [award.awardedBy] },
          kind: 'challenge.filed',
          titleKey: 'awards.notifications.challengeFiled',
          params: { reference: project.reference, title: project.title },
          link: `/staff/challenges/${id}`,
        });
        await this.audit.record(m, actor, {
          action: 'challenge.filed',
          entityType: 'challenge',
          entityId: id,
          after: { status: 'open', awardId: award.id, organisationId, filedAt: now.toISOString(), answerDueAt: due.endsAt.toISOString() },
          details: {
            groundsSha256: sha256(grounds),
            groundsLength: Array.from(grounds).length,
            attachments: stored.map((d) => ({ documentId: d.id, sha256: d.sha256, sizeBytes: d.sizeBytes })),
            challengePeriodEndsAt: award.challengePeriodEndsAt.toISOString(),
          },
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
    const checked = checkAnswer({ decision: String(input.decision ?? ''), outcome: input.outcome ?? null, answer: String(input.answer ?? ''), faultedMemberIds: input.faultedMemberIds });
    if (!checked.answer) throw new AwardsValidationError(checked.problems);
    const answer = checked.answer;
    return this.dataSource.transaction(async (m) => {
      const found = UUID.test(challengeId) ? await m.findOneBy(Challenge, { id: challengeId }) : null;
      if (!found) throw new ChallengeNotFoundError();
      const award = await m.findOneOrFail(Award, { where: { id: found.awardId }, lock: { mode: 'pessimistic_write' } });
      const challenge = await m.findOneOrFail(Challenge, { where: { id: found.id }, lock: { mode: 'pessimistic_write' } });
      if (challenge.status !== 'open') throw new ChallengeAlreadyAnsweredError();
      const now = await this.clock.now(m);
      await m.query(`UPDATE challenges SET status = $2, outcome = $3, answer = $4, answered_at = $5, answered_by = $6 WHERE id = $1`, [
        challenge.id,
        answer.status,
        answer.outcome,
        answer.answer,
        now,
        actor.userId,
      ]);
      const [project] = (await m.query(`SELECT id, reference, title FROM projects WHERE id = $1`, [award.projectId])) as Array<{ id: string; reference: string; title: string }>;
      await this.notifications.notify(m, {
        recipients: { organisationIds: [challenge.organisationId] },
        kind: 'challenge.answered',
        titleKey: `awards.notifications.challenge_${answer.status}`,
        params: { reference: project.reference, title: project.title },
        link: `/organisation/awards/${award.id}`,
      });
      const affectsAward = answer.status === 'upheld' && answer.outcome !== null && award.status === 'active';
      await this.audit.record(m, actor, {
        action: 'challenge.answered',
        entityType: 'challenge',
        entityId: challenge.id,
        before: { status: 'open' },
        after: { status: answer.status, outcome: answer.outcome, answeredAt: now.toISOString() },
        details: {
          awardId: award.id,
          answerSha256: sha256(answer.answer),
          answeredLate: hasEnded(now, challenge.answerDueAt),
          awardStatusBefore: award.status,
          changesAward: affectsAward,
          faultedMemberIds: answer.faultedMemberIds,
        },
      });
      if (affectsAward) await this.applyUpheld(m, actor, award, project, answer.outcome!, challenge.id, answer.answer, now, answer.faultedMemberIds);
      return m.findOneByOrFail(Challenge, { id: challenge.id });
    });
  }

  private async applyUpheld(
    m: EntityManager,
    actor: Actor,
    award: Award,
    project: { id: string; reference: string; title: string },
    outcome: NonNullable<Challenge['outcome']>,
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
    await m.query(`UPDATE projects SET status = $2, updated_at = now() WHERE id = $1 AND status = 'awarded'`, [project.id, effect.projectStatus]);
    await this.audit.record(m, actor, {
      action: 'project.award_withdrawn',
      entityType: 'project',
      entityId: project.id,
      before: { status: 'awarded' },
      after: { status: effect.projectStatus },
      details: { awardId: award.id, challengeId, outcome },
    });
    await this.notifications.notify(m, {
      recipients: { organisationIds: await this.awards.bidderOrganisations(m, project.id), roles: ['bureau_approver'] },
      kind: `award.${effect.awardStatus}`,
      titleKey: `awards.notifications.award_${effect.awardStatus}`,
      params: { reference: project.reference, title: project.title },
      link: `/notices/awards/${project.reference}`,
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
    const rows = (await this.dataSource.query(`SELECT id, name_zh FROM organisations WHERE id = ANY($1::uuid[])`, [challenges.map((c) => c.organisationId)])) as Array<{ id: string; name_zh: string }>;
    const names = new Map(rows.map((r) => [r.id, r.name_zh]));
    return challenges.map((challenge) => ({ challenge, organisationName: names.get(challenge.organisationId) ?? '' }));
  }

  async getChallenge(challengeId: string): Promise<Challenge> {
    const challenge = UUID.test(challengeId) ? await this.dataSource.manager.findOneBy(Challenge, { id: challengeId }) : null;
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
}

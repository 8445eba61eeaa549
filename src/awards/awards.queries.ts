import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { Clock } from '../common/clock/clock';
import { FormContextProvider } from '../common/http/form-context.registry';
import { NotFoundError } from '../common/errors/domain.error';
import { parseMinor } from '../common/money/money';
import { Locale } from '../i18n/i18n';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { describePaymentTerms } from '../procurement/payment-terms.presenter';
import { ProjectQueries } from '../procurement/project.queries';
import { Award, Challenge } from './award.entity';
import { presentChallenge, presentNotice, presentPublicChallenge } from './award.presenter';
import { AwardNotFoundError } from './awards.errors';
import { AwardsService } from './awards.service';
import { ChallengesService } from './challenges.service';
import { DEVIATION_REASON_MAX, DEVIATION_REASON_MIN, validRanking } from './domain/award-rules';
import { ANSWER_MAX, ANSWER_MIN, ATTACHMENTS_MAX, GROUNDS_MAX, GROUNDS_MIN, PROCEDURE_STEPS, outcomesFor } from './domain/challenges';
import { formatExactScore } from './domain/exact-score';
import { deadlineStatus, hasEnded } from './domain/working-day-period';
import { describePeriod, periodEndText } from './period.presenter';
import { forRoles } from '../identity/form-contexts';
import { isUuid } from '../common/validation/uuid';

export const STAFF_READERS = ['bureau_officer', 'bureau_approver', 'auditor'] as const;
const PROJECT_REFERENCE = /^WH-\d{4}-\d{4,}$/;

class ProjectNoticeNotFoundError extends NotFoundError {
  constructor() {
    super('AWARDS.NOTICE_NOT_FOUND', 'No award notice for this project');
  }
}

/**
 * Builds the page contexts of this module's templates. The same builders serve the GET handlers
 * and the FormContextRegistry, so a refused form is shown again on the same page with the
 * message and the input kept.
 */
@Injectable()
export class AwardsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly awards: AwardsService,
    private readonly challenges: ChallengesService,
    private readonly clock: Clock,
    private readonly projects: ProjectQueries,
  ) {}

  private now(): Promise<Date> {
    return this.clock.now(this.dataSource.manager);
  }

  // ── Staff ───────────────────────────────────────────────────────────────────────────────────

  /** The award decision page of a project: the signed-off ranking, the committee, and the form for an eligible approver. */
  async decisionPage(projectId: string, actor: Actor) {
    const m = this.dataSource.manager;
    const [row] = isUuid(projectId)
      ? ((await m.query(`SELECT id, reference, title, purchaser_name, status, budget_ceiling_minor FROM projects WHERE id = $1 AND status <> 'draft'`, [projectId])) as ProjectRow[])
      : [];
    if (!row) throw new ProjectNoticeNotFoundError();
    const project = {
      id: row.id,
      reference: row.reference,
      title: row.title,
      purchaserName: row.purchaser_name,
      status: row.status,
      statusKey: `procurement.status.${row.status}`,
      budgetCeilingMinor: parseMinor(row.budget_ceiling_minor)!,
    };
    const evaluation = await this.awards.liveEvaluation(m, project.id);
    const results = evaluation ? await this.awards.resultsOf(m, evaluation.id) : [];
    const committee = evaluation ? await this.awards.committeeOf(m, evaluation.id) : [];
    const eligibility = await this.awards.canAward(actor, project.id);
    const awards = await this.awards.awardsOfProject(project.id);
    const active = awards.find((a) => a.status === 'active') ?? null;
    const top = validRanking(results)[0];
    const isSignedOff = evaluation?.status === 'signed_off';
    return {
      titleKey: 'awards.decision.title',
      project,
      evaluation: evaluation ? { round: evaluation.round, status: evaluation.status, signedOffAt: evaluation.signedOffAt, isSignedOff } : null,
      results: results.map((r) => ({
        ...r,
        isTop: top !== undefined && r.isValid && r.rank === top.rank,
        priceScoreText: formatExactScore(r.priceScore),
        technicalScoreText: formatExactScore(r.technicalScore),
        totalScoreText: formatExactScore(r.totalScore),
      })),
      committee: committee.map((c) => ({ ...c, roleKey: `awards.committeeRoles.${c.role}` })),
      tookPart: !eligibility.ok && eligibility.reason === 'took_part',
      capacityKeys: !eligibility.ok && eligibility.reason === 'took_part' ? eligibility.capacities.map((c) => `awards.capacities.${c}`) : [],
      activeAward: active ? { id: active.id, organisationName: active.notice.winner.organisationName, priceMinor: active.priceMinor, awardedAt: active.awardedAt } : null,
      history: awards
        .filter((a) => a.status !== 'active')
        .map((a) => ({ id: a.id, statusKey: `awards.status.${a.status}`, organisationName: a.notice.winner.organisationName, endedAt: a.cancelledAt })),
      canAward: eligibility.ok && isSignedOff && project.status === 'evaluation' && !active,
      reasonMin: DEVIATION_REASON_MIN,
      reasonMax: DEVIATION_REASON_MAX,
      values: { bidId: top?.bidId ?? '' },
    };
  }

  async staffAwardPage(awardId: string, locale: Locale, roles: readonly string[]) {
    const award = await this.awards.getAward(awardId);
    const now = await this.now();
    const challenges = await this.challenges.challengesWithOrganisations(award.id);
    const notice = presentNotice(award, locale, now);
    const openChallenges = challenges.filter((c) => c.challenge.status === 'open').length;
    return {
      title: { nameZh: award.notice.project.title, nameEn: award.notice.project.title },
      award: notice,
      challenges: challenges.map(({ challenge, organisationName }) => presentChallenge(challenge, locale, now, { organisationName })),
      periodEnded: hasEnded(now, award.challengePeriodEndsAt),
      openChallenges,
      canContract: award.status === 'active' && hasEnded(now, award.challengePeriodEndsAt) && openChallenges === 0,
      isOfficer: roles.includes('bureau_officer'),
    };
  }

  /** Evaluations signed off and waiting for an award decision; recent awards. */
  async staffListPage(actor: Actor) {
    const [waiting, recent] = await Promise.all([this.awaitingDecision(actor), this.recentAwards(50)]);
    return { titleKey: 'awards.staff.title', waiting, recent };
  }

  async awaitingDecision(actor: Pick<Actor, 'userId' | 'roles'>) {
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.reference, p.title, e.round, e.signed_off_at
         FROM evaluations e JOIN projects p ON p.id = e.project_id
        WHERE e.status = 'signed_off' AND p.status = 'evaluation'
          AND NOT EXISTS (SELECT 1 FROM awards a WHERE a.project_id = p.id AND a.status = 'active')
        ORDER BY e.signed_off_at NULLS LAST, p.reference`,
    )) as Array<{ id: string; reference: string; title: string; round: number; signed_off_at: Date | null }>;
    const out = [];
    for (const r of rows) {
      const eligibility = await this.awards.canAward(actor, r.id);
      out.push({ projectId: r.id, reference: r.reference, title: r.title, round: r.round, signedOffAt: r.signed_off_at, tookPart: !eligibility.ok && eligibility.reason === 'took_part' });
    }
    return out;
  }

  async recentAwards(limit: number) {
    const rows = await this.dataSource.getRepository(Award).find({ order: { awardedAt: 'DESC' }, take: limit });
    return rows.map((a) => ({
      id: a.id,
      reference: a.notice.project.reference,
      title: a.notice.project.title,
      organisationName: a.notice.winner.organisationName,
      priceMinor: a.priceMinor,
      status: a.status,
      statusKey: `awards.status.${a.status}`,
      awardedAt: a.awardedAt,
      challengePeriodEndsAt: a.challengePeriodEndsAt,
      challengePeriodEndText: periodEndText(a.challengePeriodExplanation),
    }));
  }

  /** Open challenges, soonest answer due first, then the recently answered. */
  async challengesPage(locale: Locale) {
    const now = await this.now();
    const rows = await this.challengeRows(`c.status = 'open'`, 'c.answer_due_at ASC');
    const answered = await this.challengeRows(`c.status <> 'open'`, 'c.answered_at DESC', 30);
    const present = (r: ChallengeRow) => ({ ...presentChallenge(r.challenge, locale, now, { organisationName: r.organisationName }), reference: r.reference, projectTitle: r.projectTitle });
    return { titleKey: 'awards.challenges.title', open: rows.map(present), answered: answered.map(present) };
  }

  async openChallengesForDashboard(locale: Locale) {
    const now = await this.now();
    return (await this.challengeRows(`c.status = 'open'`, 'c.answer_due_at ASC', 20)).map((r) => ({
      ...presentChallenge(r.challenge, locale, now, { organisationName: r.organisationName }),
      reference: r.reference,
      projectTitle: r.projectTitle,
    }));
  }

  async challengePage(challengeId: string, locale: Locale) {
    const challenge = await this.challenges.getChallenge(challengeId);
    const [award, attachments, now] = await Promise.all([challenge.awardId ? this.awards.getAward(challenge.awardId) : Promise.resolve(null), this.challenges.attachmentsOf(challenge.id), this.now()]);
    const [org] = (await this.dataSource.query(`SELECT name_zh FROM organisation_labels WHERE id = $1`, [challenge.organisationId])) as Array<{ name_zh: string }>;
    const [project] = (await this.dataSource.query(`SELECT id, reference, title FROM project_labels WHERE id = $1`, [challenge.projectId])) as Array<{ id: string; reference: string; title: string }>;
    return {
      titleKey: 'awards.challenge.title',
      challenge: presentChallenge(challenge, locale, now, { organisationName: org?.name_zh }),
      award: award ? presentNotice(award, locale, now) : null,
      project,
      attachments: attachments.map((d) => ({ ...d, url: `/staff/challenges/${challenge.id}/attachments/${d.id}` })),
      outcomes: outcomesFor(challenge.subject).map((code) => ({ code, labelKey: `awards.outcomes.${code}`, hintKey: `awards.outcomeHints.${code}` })),
      answerMin: ANSWER_MIN,
      answerMax: ANSWER_MAX,
      // Who sat on the round the award came from: those found at fault are barred from a re-run (财政部令第87号 第六十七条).
      committee: award && challenge.status === 'open' ? await this.committeeWithIds(award.evaluationId) : [],
      values: { decision: '', outcome: '', faultedMemberIds: [] },
    };
  }

  private async committeeWithIds(evaluationId: string): Promise<Array<{ userId: string; name: string; roleKey: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT cm.user_id, u.display_name, cm.role FROM committee_members cm JOIN user_names u ON u.id = cm.user_id
        WHERE cm.evaluation_id = $1 AND cm.status <> 'recused' ORDER BY cm.is_chair DESC, cm.role = 'bureau_representative', u.display_name`,
      [evaluationId],
    )) as Array<{ user_id: string; display_name: string; role: string }>;
    return rows.map((r) => ({ userId: r.user_id, name: r.display_name, roleKey: `awards.committeeRoles.${r.role}` }));
  }

  /** The organisation's challenges against a project's documents and procedural steps, with their periods. */
  async organisationProjectChallengesPage(actor: Actor, projectId: string, locale: Locale) {
    const { project, now, documents, steps, own } = await this.challenges.projectChallengePeriods(actor, projectId);
    const filed = (subject: string, step: string | null) => own.find((c) => c.subject === subject && c.step === step) ?? null;
    const option = (period: NonNullable<typeof documents> | null, subject: 'documents' | 'procedure', step: string | null) => ({
      subject,
      step,
      labelKey: subject === 'documents' ? 'awards.subjects.documents' : `awards.steps.${step}`,
      periodText: period ? describePeriod(period.explanation, locale) : null,
      periodEndText: period ? periodEndText(period.explanation) : null,
      notStarted: !period,
      isOpen: !!period && !hasEnded(now, period.endsAt) && !filed(subject, step),
      filed: filed(subject, step) !== null,
    });
    const options = [option(documents, 'documents', null), ...steps.filter((s) => s.period !== undefined).map((s) => option(s.period, 'procedure', s.step))];
    return {
      titleKey: 'awards.projectChallenges.title',
      project,
      options,
      canFile: options.some((o) => o.isOpen),
      steps: PROCEDURE_STEPS,
      challenges: await Promise.all(
        own.map(async (c) => ({
          ...presentChallenge(c, locale, now),
          labelKey: c.subject === 'documents' ? 'awards.subjects.documents' : `awards.steps.${c.step}`,
          attachments: (await this.challenges.attachmentsOf(c.id)).map((d) => ({ ...d, url: `/organisation/challenges/${c.id}/attachments/${d.id}` })),
        })),
      ),
      groundsMin: GROUNDS_MIN,
      groundsMax: GROUNDS_MAX,
      attachmentsMax: ATTACHMENTS_MAX,
      values: { choice: '', grounds: '' },
    };
  }

  // ── Organisations ───────────────────────────────────────────────────────────────────────────

  /** Awards on every project the organisation's bids were opened on, newest first, with its own challenge. */
  async organisationAwardsPage(actor: Actor, locale: Locale) {
    const organisationId = actor.organisationId;
    if (!organisationId) return { titleKey: 'awards.org.title', awards: [] };
    const now = await this.now();
    const awards = await this.dataSource
      .getRepository(Award)
      .createQueryBuilder('a')
      .where(`a.project_id IN (SELECT project_id FROM opened_bids WHERE organisation_id = :organisationId)`, { organisationId })
      .orderBy('a.awarded_at', 'DESC')
      .getMany();
    const own = awards.length ? await this.dataSource.getRepository(Challenge).find({ where: awards.map((a) => ({ awardId: a.id, organisationId })) }) : [];
    return {
      titleKey: 'awards.org.title',
      awards: awards.map((a) => {
        const challenge = own.find((c) => c.awardId === a.id);
        return {
          id: a.id,
          reference: a.notice.project.reference,
          title: a.notice.project.title,
          winnerName: a.notice.winner.organisationName,
          isWinner: a.organisationId === organisationId,
          priceMinor: a.priceMinor,
          statusKey: `awards.status.${a.status}`,
          status: a.status,
          challengePeriodEndsAt: a.challengePeriodEndsAt,
          challengePeriodEndText: periodEndText(a.challengePeriodExplanation),
          periodOpen: a.status === 'active' && !hasEnded(now, a.challengePeriodEndsAt),
          periodClosing: a.status === 'active' && !hasEnded(now, a.challengePeriodEndsAt) && deadlineStatus(now, a.challengePeriodEndsAt).isClose,
          challenge: challenge ? presentChallenge(challenge, locale, now) : null,
        };
      }),
    };
  }

  async organisationAwardPage(actor: Actor, awardId: string, locale: Locale) {
    const award = await this.awards.getAward(awardId);
    if (!actor.organisationId || !(await this.challenges.isBidder(this.dataSource.manager, award.projectId, actor.organisationId))) throw new AwardNotFoundError();
    const now = await this.now();
    const own = await this.dataSource.getRepository(Challenge).findOneBy({ awardId: award.id, organisationId: actor.organisationId });
    const attachments = own ? await this.challenges.attachmentsOf(own.id) : [];
    const notice = presentNotice(award, locale, now);
    return {
      title: { nameZh: award.notice.project.title, nameEn: award.notice.project.title },
      award: notice,
      isWinner: award.organisationId === actor.organisationId,
      challenge: own ? presentChallenge(own, locale, now) : null,
      attachments: attachments.map((d) => ({ ...d, url: `/organisation/challenges/${own!.id}/attachments/${d.id}` })),
      canChallenge: !own && notice.challengePeriodOpen,
      groundsMin: GROUNDS_MIN,
      groundsMax: GROUNDS_MAX,
      attachmentsMax: ATTACHMENTS_MAX,
    };
  }

  // ── Public notice board ─────────────────────────────────────────────────────────────────────

  async noticePage(reference: string, locale: Locale) {
    if (!PROJECT_REFERENCE.test(reference)) throw new ProjectNoticeNotFoundError();
    const rows = (await this.dataSource.query(`SELECT id, status FROM projects WHERE reference = $1 AND status <> 'draft'`, [reference])) as Array<{ id: string; status: string }>;
    if (!rows[0]) throw new ProjectNoticeNotFoundError();
    const awards = await this.awards.awardsOfProject(rows[0].id);
    if (!awards.length) throw new ProjectNoticeNotFoundError();
    const now = await this.now();
    const notices = [];
    for (const award of awards) {
      const challenges = await this.awards.challengesOf(award.id);
      notices.push({ ...presentNotice(award, locale, now), challenges: challenges.map((c, i) => presentPublicChallenge(c, i)) });
    }
    const [first, ...earlier] = notices;
    // The payment-by-results table fixed at publication: what the winner priced is what is paid.
    const current = { ...first, paymentTermLines: describePaymentTerms(await this.projects.paymentTermsOf(rows[0].id), locale) };
    return { title: { nameZh: current.project.title, nameEn: current.project.title }, notice: current, earlier, projectStatusKey: `procurement.status.${rows[0].status}` };
  }

  async noticesIndexPage() {
    return { titleKey: 'awards.notices.title', awards: await this.recentAwards(100) };
  }

  // ── Form contexts ───────────────────────────────────────────────────────────────────────────

  /** Providers for the error filter: each form re-rendered with its page data, for readers allowed to see it. */
  formContexts(): Record<string, FormContextProvider> {
    const id = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'awards/decision': forRoles(STAFF_READERS, (req) => this.decisionPage(id(req, 'projectId'), actorFromRequest(req))),
      'awards/challenge': forRoles(STAFF_READERS, (req) => this.challengePage(id(req, 'id'), req.locale)),
      'awards/org-award': forRoles(['org_member', 'org_admin'], (req) => this.organisationAwardPage(actorFromRequest(req), id(req, 'awardId'), req.locale)),
      'awards/org-project-challenges': forRoles(['org_member', 'org_admin'], (req) => this.organisationProjectChallengesPage(actorFromRequest(req), id(req, 'projectId'), req.locale)),
    };
  }

  private async challengeRows(where: string, order: string, limit = 200): Promise<ChallengeRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.id, o.name_zh, p.reference, p.title FROM challenges c
         JOIN project_labels p ON p.id = c.project_id JOIN organisation_labels o ON o.id = c.organisation_id
        WHERE ${where} ORDER BY ${order} LIMIT ${Number(limit)}`,
    )) as Array<{ id: string; name_zh: string; reference: string; title: string }>;
    if (!rows.length) return [];
    const challenges = await this.dataSource.getRepository(Challenge).findBy(rows.map((r) => ({ id: r.id })));
    const byId = new Map(challenges.map((c) => [c.id, c]));
    return rows.map((r) => ({ challenge: byId.get(r.id)!, organisationName: r.name_zh, reference: r.reference, projectTitle: r.title }));
  }
}

interface ChallengeRow {
  challenge: Challenge;
  organisationName: string;
  reference: string;
  projectTitle: string;
}

interface ProjectRow {
  id: string;
  reference: string;
  title: string;
  purchaser_name: string;
  status: string;
  budget_ceiling_minor: string;
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { Clock } from '../common/clock/clock';
import { Locale } from '../i18n/i18n';
import { ProjectQueries } from '../procurement/project.queries';
import { ProjectsService } from '../procurement/projects.service';
import { committeeSizeFor, scoresShared, signOffBlockers } from './domain/lifecycle';
import { canStillExplain, hasLapsed } from './domain/low-price';
import { usesTechnicalScoring } from './domain/outcome';
import { REVIEWER_REASONS, proposeQualification } from './domain/qualification';
import { COMMENT_ABOVE_PERCENT, COMMENT_BELOW_PERCENT, formatCenti } from './domain/score-input';
import { CommitteeService, sitting } from './committee.service';
import { declarationText } from './declaration';
import { isOfficer, isStaffReader, requireDeclaredSeat, requireSeat, seatOf } from './evaluation-access';
import { BidNotInEvaluationError, EvaluationNotFoundError, NotOnCommitteeError } from './evaluation.errors';
import {
  listEvaluationsOfProject,
  loadDraws,
  loadEvaluation,
  loadFlags,
  loadInquiries,
  loadMembers,
  loadOpenedBids,
  loadQualifications,
  loadResults,
  loadSheets,
  loadSubmissions,
} from './evaluation.records';
import { renderReportPdf } from './report.pdf';
import { EvaluationFacts, lettersOf, presentDraws, presentInquiry, presentReport, validBids } from './report.presenter';
import { isUuid } from '../common/validation/uuid';

export type Viewer = Pick<Actor, 'userId' | 'roles' | 'organisationId'>;

const STATUS_ORDER = `CASE e.status WHEN 'committee' THEN 1 WHEN 'qualification' THEN 2 WHEN 'scoring' THEN 3 WHEN 'review' THEN 4 ELSE 5 END`;

/** Read models of the evaluation pages, with who-may-see-what checked here (roles by the guard). */
@Injectable()
export class EvaluationQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly projectQueries: ProjectQueries,
    private readonly committee: CommitteeService,
    private readonly clock: Clock,
  ) {}

  /** Everything recorded about an evaluation (read in one transaction). */
  async loadFacts(evaluationId: string, m?: EntityManager): Promise<EvaluationFacts> {
    const load = async (tx: EntityManager): Promise<EvaluationFacts> => {
      const evaluation = await loadEvaluation(tx, evaluationId);
      const project = await this.projects.getProjectForBidding(tx, evaluation.projectId, { lock: 'share' });
      const draws = await loadDraws(tx, evaluation.id);
      const ids = [...new Set(draws.flatMap((d) => [...d.pool, ...d.result]))];
      const names = new Map(
        ((await tx.query(`SELECT id, display_name FROM user_names WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string; display_name: string }>).map((u) => [u.id, u.display_name]),
      );
      return {
        evaluation,
        project,
        members: await loadMembers(tx, evaluation.id),
        draws,
        bids: await loadOpenedBids(tx, evaluation.projectId),
        qualifications: await loadQualifications(tx, evaluation.id),
        inquiries: await loadInquiries(tx, evaluation.id),
        sheets: await loadSheets(tx, evaluation.id),
        submissions: await loadSubmissions(tx, evaluation.id),
        flags: await loadFlags(tx, evaluation.id),
        results: await loadResults(tx, evaluation.id),
        names,
        now: await this.clock.now(tx),
      };
    };
    return m ? load(m) : this.dataSource.transaction(load);
  }

  // ── Staff ─────────────────────────────────────────────────────────────────────────────────

  async staffList() {
    const rows = (await this.dataSource.query(
      `SELECT e.id, e.round, e.status, e.committee_size, e.created_at, p.reference, p.title,
              (SELECT count(*)::int FROM committee_members m WHERE m.evaluation_id = e.id AND m.status = 'declared') AS declared,
              (SELECT count(*)::int FROM score_submissions s WHERE s.evaluation_id = e.id) AS submitted,
              (SELECT count(*)::int FROM committee_members m WHERE m.evaluation_id = e.id AND m.signed_off_at IS NOT NULL) AS signed
         FROM evaluations e JOIN project_labels p ON p.id = e.project_id
        ORDER BY ${STATUS_ORDER}, e.created_at DESC LIMIT 200`,
    )) as Array<Record<string, any>>;
    const awaiting = await this.projectQueries.listForStaff({ status: 'opened', page: 1, pageSize: 100 });
    const live = new Set(rows.filter((r) => !['superseded', 'failed'].includes(r.status)).map((r) => r.reference));
    return {
      titleKey: 'evaluation.staff.listTitle',
      evaluations: rows.map((r) => ({
        id: r.id,
        round: r.round,
        reference: r.reference,
        title: r.title,
        statusKey: `evaluation.statuses.${r.status}`,
        status: r.status,
        size: r.committee_size,
        declared: r.declared,
        submitted: r.submitted,
        signed: r.signed,
        createdAt: r.created_at,
      })),
      awaiting: awaiting.data.filter((p) => !live.has(p.reference)).map((p) => ({ id: p.id, reference: p.reference, title: p.title, budgetCeilingMinor: p.budgetCeilingMinor })),
    };
  }

  async requestPage(projectId: string) {
    const project = await this.dataSource.transaction((m) => this.projects.getProjectForBidding(m, projectId, { lock: 'share' }));
    const rounds = await listEvaluationsOfProject(this.dataSource.manager, project.id);
    return {
      titleKey: 'evaluation.request.title',
      project: {
        id: project.id,
        reference: project.reference,
        title: project.title,
        status: project.status,
        budgetCeilingMinor: project.budgetCeilingMinor,
        methodKey: `procurement.methods.${project.method}`,
      },
      size: committeeSizeFor(project.rule, project.budgetCeilingMinor),
      scoringKey: `evaluation.scorings.${project.rule.scoring}`,
      largeBudgetMinor: project.rule.largeBudgetMinor,
      isLarge: project.budgetCeilingMinor >= project.rule.largeBudgetMinor,
      allowsRepresentative: project.rule.allowsBureauRepresentative,
      candidates: project.rule.allowsBureauRepresentative ? await this.committee.listRepresentativeCandidates() : [],
      canRequest: ['opened', 'evaluation'].includes(project.status) && !rounds.some((r) => !['superseded', 'failed'].includes(r.status)),
      rounds: rounds.map((r) => ({ id: r.id, round: r.round, statusKey: `evaluation.statuses.${r.status}` })),
    };
  }

  async staffPage(viewer: Viewer, evaluationId: string) {
    if (!isStaffReader(viewer.roles)) throw new NotOnCommitteeError();
    const facts = await this.loadFacts(evaluationId);
    const report = presentReport(facts, { showNames: true });
    const officer = isOfficer(viewer.roles);
    const { status } = facts.evaluation;
    const seated = sitting(facts.members);
    return {
      titleKey: 'evaluation.staff.title',
      ...report,
      isOfficer: officer,
      qualification: this.qualificationRows(facts, true, officer && ['committee', 'qualification'].includes(status)),
      qualificationAction: `/staff/evaluations/${facts.evaluation.id}/qualification`,
      inquiryAction: `/staff/evaluations/${facts.evaluation.id}/low-price`,
      inquiries: report.bids
        .filter((b) => b.inquiry)
        .map((b) => ({ bidId: b.bidId, letter: b.letter, organisationName: b.organisationName, ...b.inquiry!, canDecide: officer && ['scoring', 'review'].includes(status) && !b.inquiry!.isDecided })),
      canClose: officer && status === 'qualification',
      canDecideInquiries: officer && ['scoring', 'review'].includes(status),
      canDrawReplacement: officer && status === 'committee' && seated.length < facts.evaluation.committeeSize,
      progress: {
        declared: seated.filter((m) => m.status === 'declared').length,
        submitted: facts.submissions.length,
        signed: seated.filter((m) => m.signedOffAt).length,
        size: facts.evaluation.committeeSize,
      },
      blockers: status === 'review' ? this.blockerKeys(facts) : [],
    };
  }

  // ── Report and draws (staff and the committee) ────────────────────────────────────────────

  async report(viewer: Viewer, evaluationId: string) {
    const facts = await this.loadFacts(evaluationId);
    const staff = isStaffReader(viewer.roles);
    const seat = seatOf(facts.members, viewer.userId);
    if (!staff) requireDeclaredSeat(facts.members, viewer);
    const report = presentReport(facts, { showNames: staff });
    return {
      titleKey: 'evaluation.report.title',
      ...report,
      me: seat ? { isMember: true, hasSigned: Boolean(seat.signedOffAt), isDeclared: seat.status === 'declared' } : { isMember: false },
      canSign: Boolean(seat && seat.status === 'declared' && !seat.signedOffAt && facts.evaluation.status === 'review' && this.blockerKeys(facts).length === 0),
      blockers: facts.evaluation.status === 'review' ? this.blockerKeys(facts) : [],
      signedCount: sitting(facts.members).filter((m) => m.signedOffAt).length,
      sittingCount: sitting(facts.members).length,
    };
  }

  /** The same report as a PDF, in the reader's language. */
  async reportPdf(viewer: Viewer, evaluationId: string, locale: Locale): Promise<{ fileName: string; pdf: Buffer }> {
    const model = await this.report(viewer, evaluationId);
    const pdf = await renderReportPdf(model, locale, await this.clock.now(this.dataSource.manager));
    return { fileName: `evaluation-report-${model.project.reference}-r${model.evaluation.round}.pdf`, pdf };
  }

  async drawsCheck(viewer: Viewer, evaluationId: string) {
    const facts = await this.loadFacts(evaluationId);
    if (!isStaffReader(viewer.roles)) requireSeat(facts.members, viewer);
    const draws = presentDraws(facts);
    return {
      titleKey: 'evaluation.draws.title',
      evaluation: { id: facts.evaluation.id, round: facts.evaluation.round },
      project: { reference: facts.project.reference, title: facts.project.title },
      draws,
      allMatch: draws.every((d) => d.matches),
    };
  }

  // ── Committee members ─────────────────────────────────────────────────────────────────────

  async myEvaluations(viewer: Viewer) {
    const rows = (await this.dataSource.query(
      `SELECT e.id, e.status, e.round, p.reference, p.title, m.status AS member_status, m.is_chair, m.signed_off_at,
              EXISTS (SELECT 1 FROM score_submissions s WHERE s.evaluation_id = e.id AND s.user_id = m.user_id) AS submitted,
              (SELECT count(*)::int FROM score_flags f JOIN qualification_reviews q ON q.evaluation_id = f.evaluation_id AND q.bid_id = f.bid_id AND q.is_valid
                WHERE f.evaluation_id = e.id AND f.resolution IS NULL AND (f.user_id = m.user_id OR m.is_chair)) AS open_flags
         FROM committee_members m JOIN evaluations e ON e.id = m.evaluation_id JOIN project_labels p ON p.id = e.project_id
        WHERE m.user_id = $1 AND m.status <> 'recused'
        ORDER BY ${STATUS_ORDER}, e.created_at DESC`,
      [viewer.userId],
    )) as Array<Record<string, any>>;
    return {
      titleKey: 'evaluation.mine.title',
      evaluations: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        title: r.title,
        statusKey: `evaluation.statuses.${r.status}`,
        isChair: r.is_chair,
        dueKey: dueKeyOf(r.status, r.member_status, r.submitted, r.signed_off_at, r.open_flags),
      })),
    };
  }

  async memberPage(viewer: Viewer, evaluationId: string, locale: Locale) {
    const facts = await this.loadFacts(evaluationId);
    const me = requireSeat(facts.members, viewer);
    const { evaluation, project } = facts;
    const base = {
      titleKey: 'evaluation.member.title',
      evaluation: {
        id: evaluation.id,
        round: evaluation.round,
        status: evaluation.status,
        statusKey: `evaluation.statuses.${evaluation.status}`,
        scoringKey: `evaluation.scorings.${evaluation.scoring}`,
      },
      project: {
        reference: project.reference,
        title: project.title,
        purchaserName: project.purchaserName,
        budgetCeilingMinor: project.budgetCeilingMinor,
        methodKey: `procurement.methods.${project.method}`,
      },
      me: { name: me.name, roleKey: `evaluation.roles.${me.role}`, isChair: me.isChair, status: me.status, declaredAt: me.declaredAt, declarationSha256: me.declarationSha256 },
    };
    if (me.status !== 'declared') {
      const bidders = [...new Set(facts.bids.map((b) => b.organisationName))].sort((a, b) => a.localeCompare(b, 'zh-CN'));
      const declarationFacts = { memberName: me.name, reference: project.reference, title: project.title, bidders };
      return {
        ...base,
        isDeclared: false,
        canDeclare: evaluation.status === 'committee',
        declaration: { text: declarationText(declarationFacts, 'zh-CN'), translation: locale === 'en' ? declarationText(declarationFacts, 'en') : null },
      };
    }
    const letters = lettersOf(facts);
    const technical = usesTechnicalScoring(evaluation.scoring);
    const mySheets = facts.sheets.filter((s) => s.userId === me.userId);
    const submitted = facts.submissions.some((s) => s.userId === me.userId);
    const shared = scoresShared(evaluation.status);
    const valid = new Set(validBids(facts).map((b) => b.bidId));
    const myOpenFlags = facts.flags.filter((f) => f.userId === me.userId && f.resolution === null && valid.has(f.bidId));
    const report = shared ? presentReport(facts, { showNames: false }) : null;
    const blockers = evaluation.status === 'review' ? this.blockerKeys(facts) : [];
    return {
      ...base,
      isDeclared: true,
      isTechnical: technical,
      bids: facts.bids
        .map((b) => ({
          letter: letters.get(b.bidId)!,
          priceMinor: b.priceMinor,
          isValid: valid.has(b.bidId),
          isComplete: project.criteria.every((c) => mySheets.some((s) => s.bidId === b.bidId && s.criterion === c.position)),
          isFlagged: myOpenFlags.some((f) => f.bidId === b.bidId),
          qualificationKey: this.qualificationKey(facts, b.bidId),
        }))
        .sort((a, b) => a.letter.localeCompare(b.letter)),
      qualification: this.qualificationRows(facts, false, ['committee', 'qualification'].includes(evaluation.status)),
      qualificationAction: `/evaluations/${evaluation.id}/qualification`,
      inquiryAction: `/evaluations/${evaluation.id}/low-price`,
      canClose: me.isChair && evaluation.status === 'qualification',
      scoringOpen: technical && evaluation.status === 'scoring' && !submitted,
      submitted,
      scoresShared: shared,
      flags: (report?.flags ?? [])
        .filter((f) => f.isOnValidBid)
        .map((f) => ({ ...f, key: `${f.letter}:${f.userId}`, canConfirm: me.isChair && f.resolution === null && evaluation.status === 'review', isMine: f.userId === me.userId })),
      inquiries: facts.inquiries
        .filter((i) => valid.has(i.bidId) || i.accepted === false)
        .map((i) => ({ bidId: i.bidId, letter: letters.get(i.bidId), ...presentInquiry(i), canDecide: me.isChair && ['scoring', 'review'].includes(evaluation.status) && i.accepted === null })),
      ranking: report?.ranking ?? [],
      canSign: evaluation.status === 'review' && !me.signedOffAt && blockers.length === 0,
      hasSigned: Boolean(me.signedOffAt),
      blockers,
    };
  }

  /** One anonymised bid with the member's scoring form (and, once everyone has submitted, the others' scores). */
  async memberBidPage(viewer: Viewer, evaluationId: string, letter: string) {
    const facts = await this.loadFacts(evaluationId);
    const me = requireDeclaredSeat(facts.members, viewer);
    const letters = lettersOf(facts);
    const bidId = [...letters.entries()].find(([, l]) => l === letter)?.[0];
    const bid = facts.bids.find((b) => b.bidId === bidId);
    if (!bid) throw new BidNotInEvaluationError();
    const { evaluation, project } = facts;
    const isValid = validBids(facts).some((b) => b.bidId === bid.bidId);
    const submitted = facts.submissions.some((s) => s.userId === me.userId);
    const myFlag = facts.flags.find((f) => f.userId === me.userId && f.bidId === bid.bidId && f.resolution === null);
    const technical = usesTechnicalScoring(evaluation.scoring);
    const canEdit = technical && isValid && ((evaluation.status === 'scoring' && !submitted) || (evaluation.status === 'review' && Boolean(myFlag)));
    const shared = scoresShared(evaluation.status);
    const mine = facts.sheets.filter((s) => s.userId === me.userId && s.bidId === bid.bidId);
    const others = shared ? facts.members.filter((m) => m.status === 'declared') : [];
    return {
      titleKey: 'evaluation.bid.title',
      evaluation: { id: evaluation.id, status: evaluation.status, statusKey: `evaluation.statuses.${evaluation.status}` },
      project: { reference: project.reference, title: project.title, budgetCeilingMinor: project.budgetCeilingMinor },
      letter,
      bid: { priceMinor: bid.priceMinor, decrypted: bid.decrypted, body: bid.body, isValid, qualificationKey: this.qualificationKey(facts, bid.bidId) },
      isTechnical: technical,
      canEdit,
      isRevision: evaluation.status === 'review' && Boolean(myFlag),
      flag: myFlag ? { deviation: `${myFlag.deviationCenti > 0 ? '+' : ''}${formatCenti(myFlag.deviationCenti)}` } : null,
      submitted,
      criteria: project.criteria.map((c) => {
        const line = mine.find((s) => s.criterion === c.position);
        return {
          position: c.position,
          name: c.name,
          description: c.description,
          weight: c.weight,
          field: `c${c.position}`,
          pointsKey: `points.c${c.position}`,
          commentKey: `comments.c${c.position}`,
          pointsId: `f-points-c${c.position}`,
          commentId: `f-comments-c${c.position}`,
          low: formatCenti(COMMENT_BELOW_PERCENT * c.weight),
          high: formatCenti(COMMENT_ABOVE_PERCENT * c.weight),
          saved: line ? formatCenti(line.pointsCenti) : null,
          savedComment: line?.comment ?? null,
          others: others.map((m) => {
            const o = facts.sheets.find((s) => s.userId === m.userId && s.bidId === bid.bidId && s.criterion === c.position);
            return { name: m.name, points: o ? formatCenti(o.pointsCenti) : '', comment: o?.comment ?? null };
          }),
        };
      }),
      otherNames: others.map((m) => m.name),
      values: {
        points: Object.fromEntries(mine.map((s) => [`c${s.criterion}`, formatCenti(s.pointsCenti)])),
        comments: Object.fromEntries(mine.map((s) => [`c${s.criterion}`, s.comment ?? ''])),
      },
    };
  }

  // ── Organisations ─────────────────────────────────────────────────────────────────────────

  /** An organisation's own bid: its qualification result (once the review is closed) and any low-price inquiry; never others' scores. */
  async organisationBidPage(viewer: Viewer, bidId: string) {
    if (!isUuid(bidId) || !viewer.organisationId) throw new BidNotInEvaluationError();
    const [row] = (await this.dataSource.query(
      `SELECT b.id, b.project_id, e.id AS evaluation_id FROM bids b
         LEFT JOIN evaluations e ON e.project_id = b.project_id AND e.status NOT IN ('superseded')
        WHERE b.id = $1 AND b.organisation_id = $2 ORDER BY e.round DESC NULLS LAST LIMIT 1`,
      [bidId, viewer.organisationId],
    )) as Array<{ id: string; project_id: string; evaluation_id: string | null }>;
    if (!row) throw new BidNotInEvaluationError();
    if (!row.evaluation_id) throw new EvaluationNotFoundError();
    return this.dataSource.transaction(async (m) => {
      const evaluation = await loadEvaluation(m, row.evaluation_id!);
      const project = await this.projects.getProjectForBidding(m, evaluation.projectId, { lock: 'share' });
      const bid = (await loadOpenedBids(m, evaluation.projectId)).find((b) => b.bidId === bidId);
      const closed = evaluation.qualificationClosedAt !== null;
      const q = closed ? (await loadQualifications(m, evaluation.id)).find((x) => x.bidId === bidId) : undefined;
      const inquiry = (await loadInquiries(m, evaluation.id)).find((i) => i.bidId === bidId);
      return {
        titleKey: 'evaluation.organisation.title',
        bidId,
        project: { reference: project.reference, title: project.title, purchaserName: project.purchaserName },
        evaluation: { status: evaluation.status, statusKey: `evaluation.statuses.${evaluation.status}`, endedReason: evaluation.endedReason },
        priceMinor: bid?.priceMinor ?? null,
        reviewClosed: closed,
        qualification: q ? { isValid: q.isValid, reasonKey: q.reasonCode ? `evaluation.reasons.${q.reasonCode}` : null, reason: q.reason, decidedAt: q.decidedAt } : null,
        inquiry: inquiry ? presentInquiry(inquiry) : null,
        canExplain: Boolean(inquiry && canStillExplain(inquiry, await this.clock.now(m)) && ['scoring', 'review'].includes(evaluation.status)),
        values: { explanation: inquiry?.explanation ?? '' },
      };
    });
  }

  // ── Internals ─────────────────────────────────────────────────────────────────────────────

  private blockerKeys(facts: EvaluationFacts): string[] {
    const valid = new Set(validBids(facts).map((b) => b.bidId));
    return signOffBlockers({
      status: facts.evaluation.status,
      unresolvedFlags: facts.flags.filter((f) => valid.has(f.bidId) && f.resolution === null).length,
      // Past its time unanswered, an inquiry no longer holds the sign-off up: signing records it as lapsed.
      undecidedInquiries: facts.inquiries.filter((i) => valid.has(i.bidId) && i.accepted === null && !(facts.now && hasLapsed(i, facts.now))).length,
    });
  }

  private qualificationKey(facts: EvaluationFacts, bidId: string): string {
    const q = facts.qualifications.find((x) => x.bidId === bidId);
    if (!q) return 'evaluation.qualificationStates.pending';
    return q.isValid ? 'evaluation.qualificationStates.valid' : 'evaluation.qualificationStates.invalid';
  }

  /** Bids with their decision and the platform's proposal, for the qualification review forms. */
  private qualificationRows(facts: EvaluationFacts, showNames: boolean, canDecide: boolean) {
    const letters = lettersOf(facts);
    return {
      canDecide,
      reasons: REVIEWER_REASONS.map((code) => ({ code, key: `evaluation.reasons.${code}` })),
      rows: facts.bids
        .map((b) => {
          const q = facts.qualifications.find((x) => x.bidId === b.bidId);
          const proposal = proposeQualification(b, facts.project.budgetCeilingMinor);
          return {
            bidId: b.bidId,
            letter: letters.get(b.bidId)!,
            organisationName: showNames ? b.organisationName : null,
            priceMinor: b.priceMinor,
            decrypted: b.decrypted,
            body: b.body,
            decision: q
              ? { isValid: q.isValid, reasonKey: q.reasonCode ? `evaluation.reasons.${q.reasonCode}` : null, reason: q.reason, decidedByName: q.decidedByName, decidedAt: q.decidedAt }
              : null,
            proposal: { isValid: proposal.isValid, reasonCode: proposal.reasonCode, reasonKey: proposal.reasonCode ? `evaluation.reasons.${proposal.reasonCode}` : null },
            selected: q ? (q.isValid ? 'valid' : 'invalid') : proposal.isValid ? 'valid' : 'invalid',
            selectedReason: q?.reasonCode ?? proposal.reasonCode ?? '',
          };
        })
        .sort((a, b) => a.letter.localeCompare(b.letter)),
    };
  }
}

/** What a member has to do now, for "my evaluations" and the dashboard. */
export function dueKeyOf(status: string, memberStatus: string, submitted: boolean, signedOffAt: Date | null, openFlags: number): string {
  if (memberStatus === 'drawn') return status === 'committee' ? 'evaluation.due.declare' : 'evaluation.due.none';
  if (status === 'qualification') return 'evaluation.due.qualification';
  if (status === 'scoring') return submitted ? 'evaluation.due.waitingOthers' : 'evaluation.due.score';
  if (status === 'review') {
    if (openFlags > 0) return 'evaluation.due.flags';
    return signedOffAt ? 'evaluation.due.waitingSignatures' : 'evaluation.due.signOff';
  }
  if (status === 'committee') return 'evaluation.due.waitingDeclarations';
  return 'evaluation.due.none';
}

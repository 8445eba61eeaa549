import type { BiddingProject } from '../procurement/projects.service';
import { anonymise } from './domain/anonymise';
import { reproduceDraw } from './domain/draw';
import { scoresShared } from './domain/lifecycle';
import { computeResults, evaluatorTotals, usesTechnicalScoring } from './domain/outcome';
import { formatCenti } from './domain/score-input';
import { Rational, parseFraction, roundHalfUpTo, toDecimal, toFraction } from './domain/rational';
import { DrawRecord, EvaluationRecord, FlagRecord, InquiryRecord, MemberRecord, OpenedBidRecord, QualificationRecord, ResultRecord, SheetRecord, SubmissionRecord } from './evaluation.records';

/** Everything recorded about one evaluation, loaded in one transaction. */
export interface EvaluationFacts {
  evaluation: EvaluationRecord;
  project: BiddingProject;
  members: MemberRecord[];
  draws: DrawRecord[];
  bids: OpenedBidRecord[];
  qualifications: QualificationRecord[];
  inquiries: InquiryRecord[];
  sheets: SheetRecord[];
  submissions: SubmissionRecord[];
  flags: FlagRecord[];
  results: ResultRecord[];
  /** Names of everyone a draw mentions, by user id. */
  names: Map<string, string>;
  /** The database clock when the facts were read (an inquiry past its time no longer blocks the sign-off). */
  now?: Date;
}

export interface Audience {
  /** Staff and auditors see which organisation is behind each letter; committee members do not. */
  showNames: boolean;
}

const decimal = (r: Rational) => toDecimal(r, 2);
/** Exact fen (a fraction) rounded half up to whole fen, for display with the money helper. */
const wholeFen = (fraction: string) => Number(roundHalfUpTo(parseFraction(fraction), 1n));

export function lettersOf(facts: Pick<EvaluationFacts, 'bids'>): Map<string, string> {
  return anonymise(facts.bids.map((b) => b.bidId));
}

export function validBids(facts: Pick<EvaluationFacts, 'bids' | 'qualifications'>): OpenedBidRecord[] {
  const valid = new Set(facts.qualifications.filter((q) => q.isValid).map((q) => q.bidId));
  return facts.bids.filter((b) => valid.has(b.bidId) && b.priceMinor !== null);
}

/** Scorers: members who sit (declared), in order of appointment. */
export function scorers(facts: Pick<EvaluationFacts, 'members'>): MemberRecord[] {
  return facts.members.filter((m) => m.status === 'declared');
}

export function presentDraws(facts: Pick<EvaluationFacts, 'draws' | 'names'>) {
  const name = (id: string) => facts.names.get(id) ?? id;
  return facts.draws.map((d, index) => {
    const check = reproduceDraw({ algorithm: d.algorithm, seed: d.seed, pool: d.pool, wanted: d.wanted, result: d.result });
    return {
      number: index + 1,
      id: d.id,
      kindKey: `evaluation.drawKinds.${d.kind}`,
      algorithm: d.algorithm,
      seed: d.seed,
      drawnAt: d.drawnAt,
      drawnByName: d.drawnByName,
      wanted: d.wanted,
      poolSize: d.pool.length,
      pool: d.pool.map((id) => ({ id, name: name(id) })),
      excluded: d.excluded.map((e) => ({
        id: e.userId,
        name: e.name,
        reasonKey: `evaluation.exclusions.${e.reason}`,
        conflicts: (e.conflicts ?? []).map((c) => ({ ...c, kindKey: `evaluators.kinds.${c.kind}` })),
      })),
      result: d.result.map((id, i) => ({ position: i + 1, id, name: name(id) })),
      recomputed: check.recomputed.map((id, i) => ({ position: i + 1, id, name: name(id) })),
      matches: check.matches,
      problemKey: check.problem ? `evaluation.draws.problems.${check.problem}` : null,
    };
  });
}

/** The report (HTML and PDF share it): sheets, aggregate, ranking, flags, qualification, draws, rule. */
export function presentReport(facts: EvaluationFacts, audience: Audience) {
  const { evaluation, project } = facts;
  const letters = lettersOf(facts);
  const letter = (bidId: string) => letters.get(bidId) ?? '?';
  const bidById = new Map(facts.bids.map((b) => [b.bidId, b]));
  const orgName = (bidId: string) => (audience.showNames ? (bidById.get(bidId)?.organisationName ?? '') : null);
  const memberName = (userId: string) => facts.members.find((m) => m.userId === userId)?.name ?? userId;
  const shared = scoresShared(evaluation.status);
  const technical = usesTechnicalScoring(evaluation.scoring);
  const valid = validBids(facts);
  const scoring = scorers(facts);
  const criteria = project.criteria.map((c) => ({ position: c.position, name: c.name, weight: c.weight }));

  const bids = [...facts.bids]
    .sort((a, b) => letter(a.bidId).localeCompare(letter(b.bidId)))
    .map((b) => {
      const q = facts.qualifications.find((x) => x.bidId === b.bidId);
      const inquiry = facts.inquiries.find((x) => x.bidId === b.bidId);
      return {
        bidId: b.bidId,
        letter: letter(b.bidId),
        organisationName: orgName(b.bidId),
        priceMinor: b.priceMinor,
        decrypted: b.decrypted,
        receiptSha256: b.receiptSha256,
        qualification: q
          ? { isValid: q.isValid, reasonKey: q.reasonCode ? `evaluation.reasons.${q.reasonCode}` : null, reason: q.reason, decidedByName: q.decidedByName, decidedAt: q.decidedAt }
          : null,
        inquiry: inquiry ? presentInquiry(inquiry) : null,
      };
    });

  const members = facts.members.map((m) => {
    const submission = facts.submissions.find((s) => s.userId === m.userId);
    return {
      userId: m.userId,
      name: m.name,
      roleKey: `evaluation.roles.${m.role}`,
      isChair: m.isChair,
      status: m.status,
      statusKey: `evaluation.memberStatuses.${m.status}`,
      declaredAt: m.declaredAt,
      declarationSha256: m.declarationSha256,
      recusedAt: m.recusedAt,
      recusalReason: m.recusalReason,
      submittedAt: submission?.submittedAt ?? null,
      revision: submission?.revision ?? 0,
      signedOffAt: m.signedOffAt,
    };
  });

  const totals =
    shared && technical
      ? evaluatorTotals({ criteria, validBids: valid.map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor! })), scorerIds: scoring.map((m) => m.userId), sheets: facts.sheets })
      : [];

  const sheets =
    shared && technical
      ? scoring.map((m) => ({
          memberName: m.name,
          userId: m.userId,
          bids: valid
            .map((b) => ({
              letter: letter(b.bidId),
              organisationName: orgName(b.bidId),
              lines: criteria.map((c) => {
                const line = facts.sheets.find((s) => s.userId === m.userId && s.bidId === b.bidId && s.criterion === c.position);
                return { name: c.name, weight: c.weight, points: line ? formatCenti(line.pointsCenti) : '', comment: line?.comment ?? null };
              }),
              total: (() => {
                const t = totals.find((x) => x.userId === m.userId && x.bidId === b.bidId);
                return t ? decimal(t.total) : '';
              })(),
            }))
            .sort((a, b) => a.letter.localeCompare(b.letter)),
        }))
      : [];

  const computed = shared
    ? computeResults({
        scoring: evaluation.scoring,
        priceWeight: evaluation.priceWeight,
        criteria,
        validBids: valid.map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor! })),
        scorerIds: scoring.map((m) => m.userId),
        sheets: facts.sheets,
      })
    : [];
  const stored = facts.results.length > 0;
  const ranking = (
    stored
      ? facts.results.map((r) => ({
          bidId: r.bidId,
          priceMinor: r.priceMinor,
          priceScore: parseFraction(r.priceScore),
          technicalScore: parseFraction(r.technicalScore),
          totalScore: parseFraction(r.totalScore),
          rank: r.rank,
          tieNote: r.tieNote,
        }))
      : computed
  ).map((r) => ({
    letter: letter(r.bidId),
    organisationName: orgName(r.bidId),
    priceMinor: r.priceMinor,
    priceScore: decimal(r.priceScore),
    technicalScore: decimal(r.technicalScore),
    totalScore: decimal(r.totalScore),
    priceScoreExact: toFraction(r.priceScore),
    technicalScoreExact: toFraction(r.technicalScore),
    totalScoreExact: toFraction(r.totalScore),
    rank: r.rank,
    tieNoteKey: r.tieNote ? `evaluation.ties.${r.tieNote}` : null,
    perEvaluator: technical ? scoring.map((m) => totals.find((t) => t.userId === m.userId && t.bidId === r.bidId)).map((t) => (t ? decimal(t.total) : '')) : [],
  }));

  const flags = shared
    ? facts.flags.map((f) => ({
        letter: letter(f.bidId),
        organisationName: orgName(f.bidId),
        userId: f.userId,
        memberName: memberName(f.userId),
        deviation: `${f.deviationCenti > 0 ? '+' : ''}${formatCenti(f.deviationCenti)}`,
        resolution: f.resolution,
        resolutionKey: `evaluation.flagResolutions.${f.resolution ?? 'open'}`,
        note: f.note,
        resolvedByName: f.resolvedByName,
        resolvedAt: f.resolvedAt,
        isOnValidBid: valid.some((b) => b.bidId === f.bidId),
      }))
    : [];

  return {
    evaluation: {
      id: evaluation.id,
      round: evaluation.round,
      status: evaluation.status,
      statusKey: `evaluation.statuses.${evaluation.status}`,
      scoringKey: `evaluation.scorings.${evaluation.scoring}`,
      isTechnical: technical,
      committeeSize: evaluation.committeeSize,
      createdAt: evaluation.createdAt,
      qualificationClosedAt: evaluation.qualificationClosedAt,
      scoringClosedAt: evaluation.scoringClosedAt,
      signedOffAt: evaluation.signedOffAt,
      endedReason: evaluation.endedReason,
      priceWeight: evaluation.priceWeight,
      technicalWeight: criteria.reduce((a, c) => a + c.weight, 0),
    },
    project: {
      id: project.id,
      reference: project.reference,
      title: project.title,
      purchaserName: project.purchaserName,
      methodKey: `procurement.methods.${project.method}`,
      budgetCeilingMinor: project.budgetCeilingMinor,
      criteria,
    },
    showNames: audience.showNames,
    scoresShared: shared,
    resultsStored: stored,
    bids,
    members,
    draws: presentDraws(facts),
    sheets,
    scorerNames: scoring.map((m) => m.name),
    ranking,
    flags,
  };
}

export type ReportModel = ReturnType<typeof presentReport>;

export function presentInquiry(i: InquiryRecord) {
  return {
    priceMinor: i.threshold.priceMinor,
    meanMinor: wholeFen(i.threshold.meanMinor),
    meanMinorExact: i.threshold.meanMinor,
    thresholdMinor: wholeFen(i.threshold.thresholdMinor),
    validBids: i.threshold.validBids,
    requestedAt: i.requestedAt,
    explanationDueAt: i.explanationDueAt,
    thresholdPercent: i.threshold.thresholdPercent ?? 80,
    lapsed: i.lapsed,
    explanation: i.explanation,
    explainedAt: i.explainedAt,
    accepted: i.accepted,
    isDecided: i.accepted !== null,
    decidedAt: i.decidedAt,
    decidedByName: i.decidedByName,
    decisionNote: i.decisionNote,
  };
}

import { ConfirmationPage } from '../common/http/confirmation';
import { Locale } from '../i18n/i18n';
import { Award, Challenge } from './award.entity';
import { AwardNotice } from './award-notice';
import { formatExactScore } from './domain/exact-score';
import { DeadlineStatus, deadlineStatus, hasEnded } from './domain/working-day-period';
import { describePeriod, periodEndText } from './period.presenter';

/** The award notice for its pages: scores rounded to 2 decimals from the exact values, in the reader's language. */
export function presentNotice(award: Award, locale: Locale, now: Date) {
  const n: AwardNotice = award.notice;
  return {
    id: award.id,
    status: award.status,
    statusKey: `awards.status.${award.status}`,
    isActive: award.status === 'active',
    endedAt: award.cancelledAt,
    endReason: award.cancelReason,
    project: n.project,
    methodKey: `procurement.methods.${n.project.method}`,
    round: n.evaluation.round,
    signedOffAt: n.evaluation.signedOffAt ? new Date(n.evaluation.signedOffAt) : null,
    winner: n.winner,
    isTopRanked: n.isTopRanked,
    deviationReason: n.deviationReason,
    results: n.results.map((r) => ({
      ...r,
      isWinner: r.bidId === n.winner.bidId,
      priceScoreText: formatExactScore(r.priceScore),
      technicalScoreText: formatExactScore(r.technicalScore),
      totalScoreText: formatExactScore(r.totalScore),
    })),
    committee: n.committee.map((c) => ({ ...c, roleKey: `awards.committeeRoles.${c.role}` })),
    awardedAt: award.awardedAt,
    challengePeriodEndsAt: award.challengePeriodEndsAt,
    challengePeriodEndText: periodEndText(award.challengePeriodExplanation),
    challengePeriodText: describePeriod(award.challengePeriodExplanation, locale),
    challengePeriodOpen: award.status === 'active' && !hasEnded(now, award.challengePeriodEndsAt),
  };
}

function dueOf(challenge: Challenge, now: Date): DeadlineStatus & { isOpen: boolean } {
  const isOpen = challenge.status === 'open';
  return { ...deadlineStatus(isOpen ? now : (challenge.answeredAt ?? now), challenge.answerDueAt), isOpen };
}

/** A challenge as the public sees it: when, the result and the answer; never who or their grounds. */
export function presentPublicChallenge(challenge: Challenge, index: number) {
  return {
    number: index + 1,
    filedAt: challenge.filedAt,
    status: challenge.status,
    statusKey: `awards.challengeStatus.${challenge.status}`,
    outcome: challenge.outcome,
    outcomeKey: challenge.outcome ? `awards.outcomes.${challenge.outcome}` : null,
    answer: challenge.answer,
    answeredAt: challenge.answeredAt,
    answerDueAt: challenge.answerDueAt,
    answerDueEndText: periodEndText(challenge.answerDueExplanation),
  };
}

/** A challenge for staff and for the organisation that filed it: everything, with the answer deadline. */
export function presentChallenge(challenge: Challenge, locale: Locale, now: Date, extra: { organisationName?: string } = {}) {
  const due = dueOf(challenge, now);
  return {
    ...presentPublicChallenge(challenge, 0),
    id: challenge.id,
    awardId: challenge.awardId,
    projectId: challenge.projectId,
    subject: challenge.subject,
    step: challenge.step,
    subjectKey: challenge.subject === 'procedure' ? `awards.steps.${challenge.step}` : `awards.subjects.${challenge.subject}`,
    organisationName: extra.organisationName ?? null,
    grounds: challenge.grounds,
    answerDueText: describePeriod(challenge.answerDueExplanation, locale),
    daysLeft: due.daysLeft,
    daysOverdue: -due.daysLeft,
    isOverdue: due.isOpen && due.isOverdue,
    isClose: due.isOpen && due.isClose,
    answeredLate: !due.isOpen && challenge.answeredAt !== null && challenge.answeredAt.getTime() > challenge.answerDueAt.getTime(),
  };
}

/** The confirmation step before an award: the winner, the contract amount, the challenge period that starts. */
export function presentAwardConfirmation(projectId: string, preview: { organisationName: string; priceMinor: number; isTopRanked: boolean; reference: string; title: string }): ConfirmationPage {
  return {
    titleKey: 'awards.confirm.title',
    consequenceKey: preview.isTopRanked ? 'awards.confirm.consequence' : 'awards.confirm.consequenceDeviation',
    params: { organisation: preview.organisationName },
    amountMinor: preview.priceMinor,
    amountLabelKey: 'awards.confirm.amount',
    facts: [
      { labelKey: 'awards.confirm.project', value: `${preview.reference} ${preview.title}`, lang: 'zh-CN' },
      { labelKey: 'awards.confirm.winner', value: preview.organisationName, lang: 'zh-CN' },
    ],
    confirmKey: 'awards.confirm.submit',
    backUrl: `/staff/projects/${projectId}/award`,
  };
}

import { RankedBid, validRanking } from './domain/award-rules';

/**
 * The award notice (中标/成交公告) as published, stored with the award (jsonb) so that the public
 * record stays what it was on the day, whatever is renamed later. Scores are the exact "n/d"
 * strings of the evaluation; pages round them for display only. Pure.
 */
export const AWARD_NOTICE_FORMAT = 'marketplace/award-notice/1';

export interface NoticeResult {
  rank: number;
  bidId: string;
  organisationId: string;
  organisationName: string;
  priceMinor: number;
  priceScore: string;
  technicalScore: string;
  totalScore: string;
  tieNote: string | null;
}

export interface NoticeCommitteeMember {
  name: string;
  role: 'expert' | 'bureau_representative';
  isChair: boolean;
}

export interface AwardNotice {
  format: typeof AWARD_NOTICE_FORMAT;
  project: { id: string; reference: string; title: string; purchaserName: string; method: string; budgetCeilingMinor: number; currency: string };
  evaluation: { id: string; round: number; signedOffAt: string | null };
  winner: { organisationId: string; organisationName: string; creditCode: string; bidId: string; priceMinor: number; rank: number };
  isTopRanked: boolean;
  deviationReason: string | null;
  /** Every valid bid, best rank first. */
  results: NoticeResult[];
  committee: NoticeCommitteeMember[];
  awardedAt: string;
  challengePeriodEndsAt: string;
  challengePeriodWorkingDays: number;
  /** Working days the notice is up before the challenge period counts (财政部令第87号 第六十九条); absent on notices published before it was recorded. */
  noticeWorkingDays?: number;
}

export interface EvaluationResultRow extends RankedBid {
  organisationName: string;
  creditCode: string;
  priceScore: string;
  technicalScore: string;
  totalScore: string;
  tieNote: string | null;
}

export function buildAwardNotice(input: {
  project: AwardNotice['project'];
  evaluation: AwardNotice['evaluation'];
  results: readonly EvaluationResultRow[];
  committee: readonly NoticeCommitteeMember[];
  chosen: EvaluationResultRow;
  isTopRanked: boolean;
  deviationReason: string | null;
  awardedAt: Date;
  challengePeriodEndsAt: Date;
  challengePeriodWorkingDays: number;
  noticeWorkingDays: number;
}): AwardNotice {
  const valid = validRanking(input.results) as EvaluationResultRow[];
  return {
    format: AWARD_NOTICE_FORMAT,
    project: input.project,
    evaluation: input.evaluation,
    winner: {
      organisationId: input.chosen.organisationId,
      organisationName: input.chosen.organisationName,
      creditCode: input.chosen.creditCode,
      bidId: input.chosen.bidId,
      priceMinor: input.chosen.priceMinor,
      rank: input.chosen.rank,
    },
    isTopRanked: input.isTopRanked,
    deviationReason: input.deviationReason,
    results: valid.map((r) => ({
      rank: r.rank,
      bidId: r.bidId,
      organisationId: r.organisationId,
      organisationName: r.organisationName,
      priceMinor: r.priceMinor,
      priceScore: r.priceScore,
      technicalScore: r.technicalScore,
      totalScore: r.totalScore,
      tieNote: r.tieNote,
    })),
    committee: [...input.committee],
    awardedAt: input.awardedAt.toISOString(),
    challengePeriodEndsAt: input.challengePeriodEndsAt.toISOString(),
    challengePeriodWorkingDays: input.challengePeriodWorkingDays,
    noticeWorkingDays: input.noticeWorkingDays,
  };
}

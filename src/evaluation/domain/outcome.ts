import type { Scoring } from '../../procurement/domain/method-rules';
import { Rational } from './rational';
import { AbnormalScore, BidResult, EvaluatorTotal, abnormalScores, rankComprehensive, rankLowestPrice, technicalTotal } from './scoring';

/**
 * From the recorded facts to totals, flags and the ranking (pure). Only valid bids count (after
 * the qualification review and any rejected low-price explanation); only the scoring members'
 * sheets count.
 */
export interface OutcomeInput {
  scoring: Scoring;
  priceWeight: number;
  criteria: ReadonlyArray<{ position: number; weight: number }>;
  validBids: ReadonlyArray<{ bidId: string; priceMinor: number }>;
  scorerIds: readonly string[];
  sheets: ReadonlyArray<{ userId: string; bidId: string; criterion: number; pointsCenti: number }>;
}

/** Whether the method scores technical criteria (综合评分法) or ranks by price alone. */
export function usesTechnicalScoring(scoring: Scoring): boolean {
  return scoring === 'comprehensive';
}

/** Each scorer's technical total per valid bid, for complete sheets only (every criterion scored). */
export function evaluatorTotals(input: Pick<OutcomeInput, 'criteria' | 'validBids' | 'scorerIds' | 'sheets'>): EvaluatorTotal[] {
  const totals: EvaluatorTotal[] = [];
  const positions = new Set(input.criteria.map((c) => c.position));
  for (const bid of input.validBids) {
    for (const userId of input.scorerIds) {
      const lines = input.sheets.filter((s) => s.userId === userId && s.bidId === bid.bidId && positions.has(s.criterion));
      if (lines.length !== positions.size) continue;
      totals.push({ userId, bidId: bid.bidId, total: technicalTotal(lines.map((l) => l.pointsCenti)) });
    }
  }
  return totals;
}

export function computeFlags(input: OutcomeInput): AbnormalScore[] {
  if (!usesTechnicalScoring(input.scoring)) return [];
  return abnormalScores(evaluatorTotals(input));
}

export function computeResults(input: OutcomeInput): BidResult[] {
  if (!usesTechnicalScoring(input.scoring)) return rankLowestPrice(input.validBids);
  const totals = evaluatorTotals(input);
  const byBid = new Map<string, Rational[]>();
  for (const t of totals) byBid.set(t.bidId, [...(byBid.get(t.bidId) ?? []), t.total]);
  return rankComprehensive(
    input.validBids.map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor, technicalTotals: byBid.get(b.bidId) ?? [] })),
    input.priceWeight,
  );
}

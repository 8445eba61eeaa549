import { Rational, ZERO, add, compare, div, equals, fromCenti, mean, mul, rational, sub, abs, roundHalfUpTo } from './rational';

/**
 * Scoring and ranking (pure, exact).
 *
 * 综合评分法 (comprehensive scoring, MOF Order 87 art. 55):
 *   price score     = lowest valid price ÷ bid price × price weight (the lowest valid bid gets the full weight)
 *   technical score = the mean of the evaluators' technical totals for the bid, where a
 *                     technical total is the sum of the evaluator's points on every criterion
 *   total           = price score + technical score
 * Ranking: total descending; equal totals go to the lower price, then the higher technical
 * score; bids equal on all three share a rank (competition ranking: 1, 1, 3).
 *
 * Lowest price (request for quotation, competitive negotiation, single source): no technical
 * scoring; bids rank by price ascending and equal prices share a rank. For a uniform record the
 * price score is still computed (lowest ÷ price × 100) and is the total.
 */
export type TieNote = 'lower_price' | 'higher_technical' | 'equal_rank';

export interface BidForRanking {
  bidId: string;
  priceMinor: number;
  /** Each scoring evaluator's technical total for this bid (comprehensive only). */
  technicalTotals?: Rational[];
}

export interface BidResult {
  bidId: string;
  priceMinor: number;
  priceScore: Rational;
  technicalScore: Rational;
  totalScore: Rational;
  rank: number;
  /** How an equal total was resolved; null when the total is unique. */
  tieNote: TieNote | null;
}

export class ScoringError extends Error {}

function assertPrice(priceMinor: number): bigint {
  if (!Number.isSafeInteger(priceMinor) || priceMinor <= 0) throw new ScoringError(`price must be a positive whole number of fen, got ${priceMinor}`);
  return BigInt(priceMinor);
}

/** lowest ÷ price × weight, exact. */
export function priceScore(lowestMinor: number, priceMinor: number, priceWeight: number): Rational {
  const lowest = assertPrice(lowestMinor);
  const price = assertPrice(priceMinor);
  if (lowest > price) throw new ScoringError('the lowest price cannot exceed a bid price');
  if (!Number.isInteger(priceWeight) || priceWeight < 0 || priceWeight > 100) throw new ScoringError(`price weight must be 0..100, got ${priceWeight}`);
  return rational(lowest * BigInt(priceWeight), price);
}

/** An evaluator's technical total for one bid: the sum of their points (in hundredths). */
export function technicalTotal(pointsCenti: readonly number[]): Rational {
  return fromCenti(pointsCenti.reduce((a, b) => a + b, 0));
}

function lowestOf(bids: readonly BidForRanking[]): number {
  return bids.reduce((low, b) => Math.min(low, b.priceMinor), Number.POSITIVE_INFINITY);
}

/** Competition ranks and tie notes for bids already sorted best first. */
function rankSorted<T extends { priceMinor: number; technicalScore: Rational; totalScore: Rational }>(
  sorted: T[],
  sameRank: (a: T, b: T) => boolean,
): Array<T & { rank: number; tieNote: TieNote | null }> {
  const ranked: Array<T & { rank: number; tieNote: TieNote | null }> = [];
  sorted.forEach((bid, index) => {
    const previous = ranked[index - 1];
    const rank = previous && sameRank(previous, bid) ? previous.rank : index + 1;
    ranked.push({ ...bid, rank, tieNote: null });
  });
  for (const bid of ranked) {
    const tied = ranked.filter((other) => other !== bid && equals(other.totalScore, bid.totalScore));
    if (tied.length === 0) continue;
    if (tied.some((other) => other.rank === bid.rank)) bid.tieNote = 'equal_rank';
    else if (tied.some((other) => other.priceMinor === bid.priceMinor)) bid.tieNote = 'higher_technical';
    else bid.tieNote = 'lower_price';
  }
  return ranked;
}

/** 综合评分法: every bid needs at least one evaluator's technical total. */
export function rankComprehensive(bids: readonly BidForRanking[], priceWeight: number): BidResult[] {
  if (bids.length === 0) return [];
  const lowest = lowestOf(bids);
  const scored = bids.map((b) => {
    const totals = b.technicalTotals ?? [];
    if (totals.length === 0) throw new ScoringError(`bid ${b.bidId} has no technical scores`);
    const price = priceScore(lowest, b.priceMinor, priceWeight);
    const technical = mean(totals);
    return { bidId: b.bidId, priceMinor: b.priceMinor, priceScore: price, technicalScore: technical, totalScore: add(price, technical) };
  });
  scored.sort((a, b) => compare(b.totalScore, a.totalScore) || a.priceMinor - b.priceMinor || compare(b.technicalScore, a.technicalScore) || (a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0));
  return rankSorted(scored, (a, b) => equals(a.totalScore, b.totalScore) && a.priceMinor === b.priceMinor && equals(a.technicalScore, b.technicalScore));
}

/** Lowest price: rank by price ascending; equal prices share a rank. */
export function rankLowestPrice(bids: readonly BidForRanking[]): BidResult[] {
  if (bids.length === 0) return [];
  const lowest = lowestOf(bids);
  const scored = bids.map((b) => {
    const price = priceScore(lowest, b.priceMinor, 100);
    return { bidId: b.bidId, priceMinor: b.priceMinor, priceScore: price, technicalScore: ZERO, totalScore: price };
  });
  scored.sort((a, b) => a.priceMinor - b.priceMinor || (a.bidId < b.bidId ? -1 : a.bidId > b.bidId ? 1 : 0));
  return rankSorted(scored, (a, b) => a.priceMinor === b.priceMinor);
}

// ── Flags ───────────────────────────────────────────────────────────────────────────────────

/** An evaluator's technical total this many points away from the others' mean must be looked at. */
export const ABNORMAL_SCORE_POINTS = 20;

export interface EvaluatorTotal {
  userId: string;
  bidId: string;
  total: Rational;
}

export interface AbnormalScore {
  userId: string;
  bidId: string;
  /** Own total − mean of the other evaluators' totals for the same bid (signed, exact). */
  deviation: Rational;
  /** The deviation in hundredths, rounded half up (for the record; the decision uses the exact value). */
  deviationCenti: number;
}

/**
 * Totals more than 20 points (strictly) from the mean of the OTHER evaluators' totals for the
 * same bid. A bid scored by fewer than two evaluators has nothing to compare with.
 */
export function abnormalScores(totals: readonly EvaluatorTotal[], thresholdPoints = ABNORMAL_SCORE_POINTS): AbnormalScore[] {
  const byBid = new Map<string, EvaluatorTotal[]>();
  for (const t of totals) byBid.set(t.bidId, [...(byBid.get(t.bidId) ?? []), t]);
  const threshold = rational(thresholdPoints);
  const flags: AbnormalScore[] = [];
  for (const [bidId, list] of byBid) {
    if (list.length < 2) continue;
    for (const own of list) {
      const others = mean(list.filter((o) => o !== own).map((o) => o.total));
      const deviation = sub(own.total, others);
      if (compare(abs(deviation), threshold) > 0) {
        flags.push({ userId: own.userId, bidId, deviation, deviationCenti: Number(roundHalfUpTo(deviation, 100n)) });
      }
    }
  }
  return flags.sort((a, b) => (a.bidId === b.bidId ? (a.userId < b.userId ? -1 : 1) : a.bidId < b.bidId ? -1 : 1));
}

/**
 * Abnormally low prices (《政府采购货物和服务招标投标管理办法》（财政部令第87号）第六十条): a price
 * markedly below the other valid bidders' that may affect quality or honest performance gets a
 * written inquiry within a reasonable time set by the committee; a bidder that cannot show its
 * price is reasonable is treated as an invalid bid. The law sets no figure: "markedly below" is
 * the method rule's `abnormallyLowPercent` of the mean valid price (80 by default, 50–100).
 */
export const DEFAULT_ABNORMALLY_LOW_PERCENT = 80;

export interface AbnormallyLowPrice {
  bidId: string;
  priceMinor: number;
  /** Mean of the valid bids' prices (fen, exact). */
  meanMinor: Rational;
  /** The rule's share of the mean (fen, exact). */
  thresholdMinor: Rational;
  /** That share, in percent. */
  thresholdPercent: number;
  validBids: number;
}

/**
 * Valid bids priced below `percent` % of the mean of all valid bids' prices (the bid itself
 * included), computed once over the bids that passed the qualification review. Exact: a price
 * equal to the threshold is not flagged.
 */
export function abnormallyLowPrices(bids: ReadonlyArray<{ bidId: string; priceMinor: number }>, percent: number = DEFAULT_ABNORMALLY_LOW_PERCENT): AbnormallyLowPrice[] {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new RangeError(`abnormally-low percent ${percent} is not a whole number 1–100`);
  if (bids.length === 0) return [];
  const avg = mean(bids.map((b) => rational(assertPrice(b.priceMinor))));
  const threshold = mul(avg, rational(BigInt(percent), 100n));
  return bids
    .filter((b) => compare(rational(b.priceMinor), threshold) < 0)
    .map((b) => ({ bidId: b.bidId, priceMinor: b.priceMinor, meanMinor: avg, thresholdMinor: threshold, thresholdPercent: percent, validBids: bids.length }));
}

/** The mean of some rationals divided out, re-exported for callers that show the others' mean. */
export function othersMean(totals: readonly Rational[], own: Rational): Rational {
  if (totals.length < 2) return own;
  return div(sub(totals.reduce(add, ZERO), own), rational(totals.length - 1));
}

/**
 * Who may award, and to whom. Pure: the caller loads the evaluation's participants and results.
 *
 * An award decision is taken by a bureau approver who took NO part in the evaluation of the
 * project (any round): not a committee member (expert or bureau representative, recused or not),
 * not someone who decided a qualification or an abnormally-low-price inquiry, not a scorer. It
 * goes to the top-ranked valid bidder, or to another valid bidder with a written reason that is
 * audited and published.
 */
export type ParticipationCapacity = 'expert' | 'bureau_representative' | 'qualification_reviewer' | 'low_price_reviewer' | 'scorer';

export interface Participation {
  userId: string;
  capacity: ParticipationCapacity;
  round: number;
}

export type ApproverEligibility = { ok: true } | { ok: false; reason: 'not_approver' } | { ok: false; reason: 'took_part'; capacities: ParticipationCapacity[]; rounds: number[] };

export function checkApproverEligibility(approver: { userId: string | null; roles: readonly string[] }, participation: readonly Participation[]): ApproverEligibility {
  if (!approver.userId || !approver.roles.includes('bureau_approver')) return { ok: false, reason: 'not_approver' };
  const own = participation.filter((p) => p.userId === approver.userId);
  if (own.length === 0) return { ok: true };
  return {
    ok: false,
    reason: 'took_part',
    capacities: [...new Set(own.map((p) => p.capacity))],
    rounds: [...new Set(own.map((p) => p.round))].sort((a, b) => a - b),
  };
}

export interface RankedBid {
  bidId: string;
  organisationId: string;
  rank: number;
  priceMinor: number;
  /** False when the committee found the bid invalid at the qualification review. */
  isValid: boolean;
}

export const DEVIATION_REASON_MIN = 10;
export const DEVIATION_REASON_MAX = 2000;

export type AwardChoice =
  { ok: true; bid: RankedBid; isTopRanked: boolean; reason: string | null } | { ok: false; problem: 'no_valid_bids' | 'not_a_valid_bidder' | 'reason_required' | 'reason_too_long' };

/** The valid bids, best rank first. */
export function validRanking(results: readonly RankedBid[]): RankedBid[] {
  return results.filter((r) => r.isValid).sort((a, b) => a.rank - b.rank || a.bidId.localeCompare(b.bidId));
}

/**
 * Checks the approver's choice: `bidId` must be a valid bid of the evaluation; anyone but the
 * top-ranked needs a reason of DEVIATION_REASON_MIN..MAX characters. A reason given with the
 * top-ranked bid is not kept (there is nothing to justify).
 */
export function checkAwardChoice(results: readonly RankedBid[], bidId: string, reason: string | null | undefined): AwardChoice {
  const ranking = validRanking(results);
  if (ranking.length === 0) return { ok: false, problem: 'no_valid_bids' };
  const bid = ranking.find((r) => r.bidId === bidId);
  if (!bid) return { ok: false, problem: 'not_a_valid_bidder' };
  const isTopRanked = bid.rank === ranking[0].rank;
  if (isTopRanked) return { ok: true, bid, isTopRanked, reason: null };
  const text = (reason ?? '').trim();
  const length = Array.from(text).length;
  if (length < DEVIATION_REASON_MIN) return { ok: false, problem: 'reason_required' };
  if (length > DEVIATION_REASON_MAX) return { ok: false, problem: 'reason_too_long' };
  return { ok: true, bid, isTopRanked, reason: text };
}

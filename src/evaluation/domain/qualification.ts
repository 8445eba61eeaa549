/**
 * Qualification review (资格审查), pure rules. Each opened bid is decided valid or invalid with
 * a reason; the platform proposes what it can see by itself (a price above the ceiling, a bid
 * that could not be decrypted), the reviewer decides.
 */
export const INVALID_REASONS = ['price_above_ceiling', 'missing_document', 'ineligible', 'undecryptable', 'abnormally_low_price', 'other'] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/** Reasons a reviewer may choose (an abnormally low price is decided through its inquiry). */
export const REVIEWER_REASONS: readonly InvalidReason[] = ['price_above_ceiling', 'missing_document', 'ineligible', 'undecryptable', 'other'];

export interface OpenedBidFacts {
  bidId: string;
  decrypted: boolean;
  priceMinor: number | null;
}

export interface Proposal {
  isValid: boolean;
  reasonCode: InvalidReason | null;
  /** Parameters for the proposal's explanation. */
  params?: Record<string, unknown>;
}

export function proposeQualification(bid: OpenedBidFacts, budgetCeilingMinor: number): Proposal {
  if (!bid.decrypted || bid.priceMinor === null) return { isValid: false, reasonCode: 'undecryptable' };
  if (bid.priceMinor > budgetCeilingMinor) return { isValid: false, reasonCode: 'price_above_ceiling', params: { priceMinor: bid.priceMinor, ceilingMinor: budgetCeilingMinor } };
  return { isValid: true, reasonCode: null };
}

export const REASON_MIN = 2;
export const REASON_MAX = 1000;

export type DecisionProblems = Record<string, string[]>;

/** Checks a reviewer's decision on one bid. */
export function decisionProblems(bid: OpenedBidFacts, budgetCeilingMinor: number, input: { isValid: boolean; reasonCode?: string | null; reason?: string | null }): DecisionProblems {
  const problems: DecisionProblems = {};
  const reason = (input.reason ?? '').trim();
  if (reason.length > REASON_MAX) problems.reason = ['evaluation.validation.reasonTooLong'];
  if (input.isValid) {
    if (!bid.decrypted || bid.priceMinor === null) problems.decision = ['evaluation.validation.undecryptableCannotBeValid'];
    else if (bid.priceMinor > budgetCeilingMinor) problems.decision = ['evaluation.validation.aboveCeilingCannotBeValid'];
    return problems;
  }
  if (!input.reasonCode || !(REVIEWER_REASONS as readonly string[]).includes(input.reasonCode)) problems.reasonCode = ['evaluation.validation.reasonCodeRequired'];
  if (reason.length < REASON_MIN) problems.reason = ['evaluation.validation.reasonRequired'];
  return problems;
}

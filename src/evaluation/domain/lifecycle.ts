/**
 * The evaluation state machine (pure):
 *
 *   committee ──(every member declared)──▶ qualification ──(review closed)──▶ scoring ──(last sheet submitted)──▶ review ──(every member signed off)──▶ signed_off
 *                                                          └─(lowest price: no technical scoring)─────────────────▶ review
 *   any live status ──▶ failed (fewer valid bids than the method needs: 流标)
 *   any live status ──▶ superseded (an upheld challenge orders a new round)
 */
export const EVALUATION_STATUSES = ['committee', 'qualification', 'scoring', 'review', 'signed_off', 'superseded', 'failed'] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

export const LIVE_STATUSES: readonly EvaluationStatus[] = ['committee', 'qualification', 'scoring', 'review', 'signed_off'];
export const IN_PROGRESS_STATUSES: readonly EvaluationStatus[] = ['committee', 'qualification', 'scoring', 'review'];

export const EVALUATION_ACTIONS = [
  'declare',
  'recuse',
  'decide_qualification',
  'close_qualification',
  'score',
  'submit_scores',
  'resolve_flag',
  'decide_low_price',
  'explain_low_price',
  'sign_off',
  'supersede',
] as const;
export type EvaluationAction = (typeof EVALUATION_ACTIONS)[number];

export const ALLOWED_IN: Record<EvaluationAction, readonly EvaluationStatus[]> = {
  declare: ['committee'],
  recuse: ['committee'],
  decide_qualification: ['committee', 'qualification'],
  close_qualification: ['qualification'],
  score: ['scoring'],
  submit_scores: ['scoring'],
  resolve_flag: ['review'],
  decide_low_price: ['scoring', 'review'],
  explain_low_price: ['scoring', 'review'],
  sign_off: ['review'],
  supersede: ['committee', 'qualification', 'scoring', 'review', 'signed_off'],
};

export function canDo(action: EvaluationAction, status: EvaluationStatus): boolean {
  return ALLOWED_IN[action].includes(status);
}

/** Whether the members' scores are visible to each other: only once every sheet is in. */
export function scoresShared(status: EvaluationStatus): boolean {
  return status === 'review' || status === 'signed_off';
}

/** Committee size: the method's minimum, its larger size from the large-budget threshold; always odd and ≥ 3. */
export function committeeSizeFor(rule: { committeeMinSize: number; committeeLargeSize: number; largeBudgetMinor: number }, budgetCeilingMinor: number): number {
  const size = budgetCeilingMinor >= rule.largeBudgetMinor ? rule.committeeLargeSize : rule.committeeMinSize;
  if (!Number.isInteger(size) || size < 3 || size % 2 === 0) throw new RangeError(`committee size ${size} must be an odd number of at least 3`);
  return size;
}

export interface ReadinessFacts {
  status: EvaluationStatus;
  unresolvedFlags: number;
  undecidedInquiries: number;
}

/** What still stands between the review and sign-off (i18n keys); empty when the report can be signed. */
export function signOffBlockers(facts: ReadinessFacts): string[] {
  const blockers: string[] = [];
  if (facts.status !== 'review') blockers.push('evaluation.blockers.notInReview');
  if (facts.unresolvedFlags > 0) blockers.push('evaluation.blockers.unresolvedFlags');
  if (facts.undecidedInquiries > 0) blockers.push('evaluation.blockers.undecidedInquiries');
  return blockers;
}

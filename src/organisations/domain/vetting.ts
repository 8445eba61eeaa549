/**
 * The vetting workflow of a social organisation, as a pure state machine (no framework imports):
 *
 *   draft ──submit──▶ submitted ──approve──────────▶ approved ──suspend──▶ suspended
 *                       │  ▲  ├─request_changes─▶ needs_changes           │
 *                       │  └──┴──────submit───────────┘          approved ◀─reinstate─┘
 *                       └─reject─▶ rejected (final)
 *
 * `submit` is the organisation's own step; the others are the bureau's decisions. A refusal, a
 * request for changes, a suspension and a reinstatement always say why (the reason is shown to the
 * organisation); an approval may carry a note.
 */
export const ORGANISATION_STATUSES = ['draft', 'submitted', 'approved', 'needs_changes', 'rejected', 'suspended'] as const;
export type OrganisationStatus = (typeof ORGANISATION_STATUSES)[number];

export const VETTING_ACTIONS = ['submit', 'approve', 'request_changes', 'reject', 'suspend', 'reinstate'] as const;
export type VettingAction = (typeof VETTING_ACTIONS)[number];

/** What bureau officers decide; `submit` belongs to the organisation. */
export const BUREAU_DECISIONS = ['approve', 'request_changes', 'reject', 'suspend', 'reinstate'] as const;
export type BureauDecision = (typeof BUREAU_DECISIONS)[number];

export type ReasonRule = 'required' | 'optional' | 'none';

export interface TransitionRule {
  from: readonly OrganisationStatus[];
  to: OrganisationStatus;
  reason: ReasonRule;
  /** The audit action written when the transition happens. */
  auditAction: string;
}

export const TRANSITIONS: Readonly<Record<VettingAction, TransitionRule>> = {
  submit: { from: ['draft', 'needs_changes'], to: 'submitted', reason: 'none', auditAction: 'organisation.submitted' },
  approve: { from: ['submitted'], to: 'approved', reason: 'optional', auditAction: 'organisation.approved' },
  request_changes: { from: ['submitted'], to: 'needs_changes', reason: 'required', auditAction: 'organisation.changes_requested' },
  reject: { from: ['submitted'], to: 'rejected', reason: 'required', auditAction: 'organisation.rejected' },
  suspend: { from: ['approved'], to: 'suspended', reason: 'required', auditAction: 'organisation.suspended' },
  reinstate: { from: ['suspended'], to: 'approved', reason: 'required', auditAction: 'organisation.reinstated' },
};

export const MAX_REASON_LENGTH = 2000;

export type TransitionCheck =
  | { ok: true; action: VettingAction; from: OrganisationStatus; to: OrganisationStatus; reason: string | null }
  /** The status changed since the decider looked at it: someone else decided first. */
  | { ok: false; refusal: 'stale'; expected: OrganisationStatus; actual: OrganisationStatus }
  /** The action does not apply to the current status. */
  | { ok: false; refusal: 'not_allowed'; action: VettingAction; from: OrganisationStatus }
  | { ok: false; refusal: 'reason_required' };

/**
 * Decides whether `action` may happen now. `expected` is the status the decider saw (a hidden form
 * field): when given and different from `current`, the answer is 'stale' whatever the action, so
 * nobody overrules a decision they have not seen. `expectedChangedAt`, when given, is when that
 * status began as the decider saw it (ms): a different `changedAt` is stale too, even if the status
 * is the same again (changes requested, record edited, resubmitted while the page was open).
 * The reason is trimmed; blank means none.
 */
export function checkTransition(input: {
  action: VettingAction;
  current: OrganisationStatus;
  expected?: OrganisationStatus;
  changedAt?: number;
  expectedChangedAt?: number;
  reason?: string | null;
}): TransitionCheck {
  const rule = TRANSITIONS[input.action];
  const statusMoved = input.expected !== undefined && input.expected !== input.current;
  const statusReentered = input.expectedChangedAt !== undefined && input.changedAt !== undefined && input.expectedChangedAt !== input.changedAt;
  if (statusMoved || statusReentered) {
    return { ok: false, refusal: 'stale', expected: input.expected ?? input.current, actual: input.current };
  }
  if (!rule.from.includes(input.current)) return { ok: false, refusal: 'not_allowed', action: input.action, from: input.current };
  const reason = input.reason?.trim() || null;
  if (rule.reason === 'required' && !reason) return { ok: false, refusal: 'reason_required' };
  return { ok: true, action: input.action, from: input.current, to: rule.to, reason: rule.reason === 'none' ? null : reason };
}

/** The bureau decisions that apply to an organisation in `status`, in display order. */
export function availableDecisions(status: OrganisationStatus): BureauDecision[] {
  return BUREAU_DECISIONS.filter((d) => TRANSITIONS[d].from.includes(status));
}

export function canSubmit(status: OrganisationStatus): boolean {
  return TRANSITIONS.submit.from.includes(status);
}

/**
 * What the organisation may change itself: everything while it is being prepared or corrected,
 * only its contact details once approved (or suspended), nothing under review or after a refusal.
 */
export type EditScope = 'full' | 'contact' | 'none';

export function editScope(status: OrganisationStatus): EditScope {
  if (status === 'draft' || status === 'needs_changes') return 'full';
  if (status === 'approved' || status === 'suspended') return 'contact';
  return 'none';
}

/** Documents are added or removed only while the whole record may change. */
export function canChangeDocuments(status: OrganisationStatus): boolean {
  return editScope(status) === 'full';
}

/** Only approved organisations may bid; a suspension stops bidding until reinstatement. */
export function isEligibleToBid(status: OrganisationStatus): boolean {
  return status === 'approved';
}

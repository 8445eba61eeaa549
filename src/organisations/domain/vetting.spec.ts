import {
  BUREAU_DECISIONS,
  ORGANISATION_STATUSES,
  OrganisationStatus,
  TRANSITIONS,
  VETTING_ACTIONS,
  VettingAction,
  availableDecisions,
  canChangeDocuments,
  canSubmit,
  checkTransition,
  editScope,
  isEligibleToBid,
} from './vetting';

/** The whole graph, written out by hand: [action, from, to]. */
const ALLOWED: Array<[VettingAction, OrganisationStatus, OrganisationStatus]> = [
  ['submit', 'draft', 'submitted'],
  ['submit', 'needs_changes', 'submitted'],
  ['approve', 'submitted', 'approved'],
  ['request_changes', 'submitted', 'needs_changes'],
  ['reject', 'submitted', 'rejected'],
  ['suspend', 'approved', 'suspended'],
  ['reinstate', 'suspended', 'approved'],
];

const REFUSED: Array<[VettingAction, OrganisationStatus]> = VETTING_ACTIONS.flatMap((action) =>
  ORGANISATION_STATUSES.filter((from) => !ALLOWED.some(([a, f]) => a === action && f === from)).map((from): [VettingAction, OrganisationStatus] => [action, from]),
);

describe('vetting state machine', () => {
  it('covers every action from every status: 7 allowed, 29 refused', () => {
    expect(ALLOWED).toHaveLength(7);
    expect(REFUSED).toHaveLength(VETTING_ACTIONS.length * ORGANISATION_STATUSES.length - 7);
  });

  it.each(ALLOWED)('allows %s from %s, leading to %s', (action, from, to) => {
    const reason = TRANSITIONS[action].reason === 'none' ? undefined : '材料已核实';
    expect(checkTransition({ action, current: from, expected: from, reason })).toEqual({
      ok: true,
      action,
      from,
      to,
      reason: reason ?? null,
    });
  });

  it.each(REFUSED)('refuses %s from %s', (action, from) => {
    expect(checkTransition({ action, current: from, expected: from, reason: '理由' })).toEqual({ ok: false, refusal: 'not_allowed', action, from });
  });

  it('never leaves rejected: a refusal is final', () => {
    for (const action of VETTING_ACTIONS) {
      expect(checkTransition({ action, current: 'rejected', reason: 'x' })).toMatchObject({ ok: false, refusal: 'not_allowed' });
    }
  });

  it.each(['request_changes', 'reject', 'suspend', 'reinstate'] as const)('requires a reason to %s, blank or spaces are not one', (action) => {
    const from = TRANSITIONS[action].from[0];
    expect(checkTransition({ action, current: from })).toEqual({ ok: false, refusal: 'reason_required' });
    expect(checkTransition({ action, current: from, reason: '   \n ' })).toEqual({ ok: false, refusal: 'reason_required' });
    expect(checkTransition({ action, current: from, reason: '  请补充章程  ' })).toMatchObject({ ok: true, reason: '请补充章程' });
  });

  it('approves without a note, or keeps the note given', () => {
    expect(checkTransition({ action: 'approve', current: 'submitted' })).toMatchObject({ ok: true, to: 'approved', reason: null });
    expect(checkTransition({ action: 'approve', current: 'submitted', reason: '欢迎参与投标' })).toMatchObject({ ok: true, reason: '欢迎参与投标' });
  });

  it('drops any reason sent with a submission', () => {
    expect(checkTransition({ action: 'submit', current: 'draft', reason: 'ignored' })).toMatchObject({ ok: true, reason: null });
  });

  it('answers stale when the status changed since the decider looked, before any other check', () => {
    expect(checkTransition({ action: 'reject', current: 'approved', expected: 'submitted', reason: '不符合条件' })).toEqual({
      ok: false,
      refusal: 'stale',
      expected: 'submitted',
      actual: 'approved',
    });
    // Even a decision that would apply to the new status is refused: nobody overrules what they have not seen.
    expect(checkTransition({ action: 'suspend', current: 'approved', expected: 'submitted', reason: 'x' })).toMatchObject({ refusal: 'stale' });
    expect(checkTransition({ action: 'request_changes', current: 'rejected', expected: 'submitted' })).toMatchObject({ refusal: 'stale' });
  });

  it('answers stale when the same status began again since the decider looked (requested changes, resubmitted)', () => {
    const seen = Date.UTC(2026, 10, 24, 9, 0, 0);
    const resubmitted = seen + 3_600_000;
    expect(checkTransition({ action: 'approve', current: 'submitted', expected: 'submitted', expectedChangedAt: seen, changedAt: resubmitted })).toEqual({
      ok: false,
      refusal: 'stale',
      expected: 'submitted',
      actual: 'submitted',
    });
    expect(checkTransition({ action: 'approve', current: 'submitted', expected: 'submitted', expectedChangedAt: seen, changedAt: seen })).toMatchObject({ ok: true });
    // Without the time the decider saw, only the status is compared.
    expect(checkTransition({ action: 'approve', current: 'submitted', expected: 'submitted', changedAt: resubmitted })).toMatchObject({ ok: true });
  });

  it('offers the bureau only the decisions that apply', () => {
    expect(availableDecisions('submitted')).toEqual(['approve', 'request_changes', 'reject']);
    expect(availableDecisions('approved')).toEqual(['suspend']);
    expect(availableDecisions('suspended')).toEqual(['reinstate']);
    for (const status of ['draft', 'needs_changes', 'rejected'] as const) expect(availableDecisions(status)).toEqual([]);
    expect(BUREAU_DECISIONS).not.toContain('submit');
  });

  it('lets the organisation submit from draft and after a request for changes only', () => {
    expect(ORGANISATION_STATUSES.filter(canSubmit)).toEqual(['draft', 'needs_changes']);
  });

  it('lets the organisation edit everything before review, contact details once approved, nothing otherwise', () => {
    expect(Object.fromEntries(ORGANISATION_STATUSES.map((s) => [s, editScope(s)]))).toEqual({
      draft: 'full',
      submitted: 'none',
      approved: 'contact',
      needs_changes: 'full',
      rejected: 'none',
      suspended: 'contact',
    });
    expect(ORGANISATION_STATUSES.filter(canChangeDocuments)).toEqual(['draft', 'needs_changes']);
  });

  it('lets only approved organisations bid', () => {
    expect(ORGANISATION_STATUSES.filter(isEligibleToBid)).toEqual(['approved']);
  });
});

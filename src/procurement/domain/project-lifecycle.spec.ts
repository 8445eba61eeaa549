import { PROJECT_ACTIONS, PROJECT_STATUSES, ProjectAction, ProjectStatus, checkAwardWithdrawal, checkTransition } from './project-lifecycle';

const ALLOWED: Array<[ProjectAction, ProjectStatus, ProjectStatus]> = [
  ['edit', 'draft', 'draft'],
  ['publish', 'draft', 'published'],
  ['amend', 'published', 'published'],
  ['ask', 'published', 'published'],
  ['answer', 'published', 'published'],
  ['answer', 'closed', 'closed'],
  ['close', 'published', 'closed'],
  ['open', 'closed', 'opened'],
  ['start_evaluation', 'opened', 'evaluation'],
  ['award', 'evaluation', 'awarded'],
  ['fail', 'published', 'failed'],
  ['fail', 'closed', 'failed'],
  ['fail', 'opened', 'failed'],
  ['fail', 'evaluation', 'failed'],
  ['cancel', 'published', 'cancelled'],
  ['cancel', 'closed', 'cancelled'],
];

const REFUSED = PROJECT_ACTIONS.flatMap((action) =>
  PROJECT_STATUSES.filter((from) => !ALLOWED.some(([a, f]) => a === action && f === from)).map((from): [ProjectAction, ProjectStatus] => [action, from]),
);

describe('project state machine', () => {
  it.each(ALLOWED)('allows %s from %s, leading to %s', (action, from, to) => {
    expect(checkTransition(action, from)).toEqual({ ok: true, from, to });
  });

  it.each(REFUSED)('refuses %s from %s', (action, from) => {
    expect(checkTransition(action, from)).toEqual({ ok: false, action, from });
  });

  it('never edits a published project in place, and never cancels after the opening', () => {
    for (const status of PROJECT_STATUSES.filter((s) => s !== 'draft')) expect(checkTransition('edit', status).ok).toBe(false);
    for (const status of ['opened', 'evaluation', 'awarded', 'failed', 'cancelled'] as const) expect(checkTransition('cancel', status).ok).toBe(false);
  });

  it('ends in awarded, failed or cancelled', () => {
    for (const end of ['awarded', 'failed', 'cancelled'] as const) {
      expect(PROJECT_ACTIONS.filter((a) => checkTransition(a, end).ok)).toEqual([]);
    }
  });

  it('returns an awarded project to evaluation when its award is withdrawn, and nothing else', () => {
    expect(checkAwardWithdrawal('awarded')).toEqual({ ok: true, from: 'awarded', to: 'evaluation' });
    for (const from of PROJECT_STATUSES.filter((s) => s !== 'awarded')) expect(checkAwardWithdrawal(from)).toEqual({ ok: false, action: 'withdraw_award', from });
  });
});

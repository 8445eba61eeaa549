/**
 * The project state machine:
 *   draft → published → closed → opened → evaluation → awarded
 *   published | closed | opened | evaluation → failed (流标)
 *   published | closed → cancelled (before opening)
 *   awarded → evaluation only when the award is withdrawn (checkAwardWithdrawal)
 * After publication a project changes only through published amendments. Pure.
 */
export const PROJECT_STATUSES = ['draft', 'published', 'closed', 'opened', 'evaluation', 'awarded', 'failed', 'cancelled'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const PROJECT_ACTIONS = ['edit', 'publish', 'amend', 'ask', 'answer', 'close', 'open', 'start_evaluation', 'award', 'fail', 'cancel'] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];

export const TRANSITIONS: Record<ProjectAction, { from: readonly ProjectStatus[]; to: ProjectStatus | null }> = {
  edit: { from: ['draft'], to: null },
  publish: { from: ['draft'], to: 'published' },
  amend: { from: ['published'], to: null },
  ask: { from: ['published'], to: null },
  answer: { from: ['published', 'closed'], to: null },
  close: { from: ['published'], to: 'closed' },
  open: { from: ['closed'], to: 'opened' },
  start_evaluation: { from: ['opened'], to: 'evaluation' },
  award: { from: ['evaluation'], to: 'awarded' },
  fail: { from: ['published', 'closed', 'opened', 'evaluation'], to: 'failed' },
  cancel: { from: ['published', 'closed'], to: 'cancelled' },
};

/** Statuses the public sees (everything but drafts). */
export const PUBLIC_STATUSES: readonly ProjectStatus[] = PROJECT_STATUSES.filter((s) => s !== 'draft');

/** Statuses in which a project holds its fund reservation. */
export const RESERVING_STATUSES: readonly ProjectStatus[] = ['published', 'closed', 'opened', 'evaluation', 'awarded'];

export type TransitionCheck = { ok: true; from: ProjectStatus; to: ProjectStatus } | { ok: false; action: ProjectAction | 'withdraw_award'; from: ProjectStatus };

/** May `action` happen in `current`? `to` is the status afterwards (unchanged for edits, amendments, Q&A). */
export function checkTransition(action: ProjectAction, current: ProjectStatus): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(current)) return { ok: false, action, from: current };
  return { ok: true, from: current, to: rule.to ?? current };
}

/**
 * The one way back from awarded: a challenge against the result upheld (质疑成立, 财政部令第94号
 * 第十六条) withdraws the award, and the project returns to evaluation for a new round or another
 * valid bidder. Kept apart from TRANSITIONS, whose forward path ends in awarded.
 */
export function checkAwardWithdrawal(current: ProjectStatus): TransitionCheck {
  return current === 'awarded' ? { ok: true, from: current, to: 'evaluation' } : { ok: false, action: 'withdraw_award', from: current };
}

export function canDo(action: ProjectAction, current: ProjectStatus): boolean {
  return checkTransition(action, current).ok;
}

export function isProjectStatus(value: unknown): value is ProjectStatus {
  return typeof value === 'string' && (PROJECT_STATUSES as readonly string[]).includes(value);
}

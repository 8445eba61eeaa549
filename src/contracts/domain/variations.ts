import { Minor, allocateMinor } from '../../common/money/money';
import { isLocalDate } from '../../procurement/domain/local-time';

/**
 * Contract variations (合同变更). Pure.
 *
 * An officer proposes changed dates, a changed scope (quantities), or a changed amount; an
 * approver who is not the proposer approves or rejects it with a reason. The amount may move at
 * most 10 % either way from the ORIGINAL contract amount (the awarded price), counting every
 * earlier variation: more needs a new procurement (《政府采购法》第四十九条). A changed amount
 * is re-allocated over the milestones not yet paid, exactly, in proportion to their shares.
 */
export const VARIATION_KINDS = ['dates', 'scope', 'amount'] as const;
export type VariationKind = (typeof VARIATION_KINDS)[number];

/** 10 % of the original amount, in basis points. */
export const MAX_AMOUNT_CHANGE_BP = 1_000;

export interface AmountLimits {
  minMinor: Minor;
  maxMinor: Minor;
}

/** The lowest and highest amount a contract of `originalMinor` may be varied to (whole fen, inclusive). */
export function amountLimits(originalMinor: Minor): AmountLimits {
  const allowance = Math.floor((originalMinor * MAX_AMOUNT_CHANGE_BP) / 10_000);
  return { minMinor: originalMinor - allowance, maxMinor: originalMinor + allowance };
}

export type AmountCheck = { ok: true; deltaMinor: Minor } | { ok: false; problem: 'unchanged' | 'not_positive' | 'beyond_ten_percent'; limits: AmountLimits };

/** May the contract, now at `currentMinor`, go to `newMinor`? The limit is on the original amount, cumulatively. */
export function checkAmountChange(originalMinor: Minor, currentMinor: Minor, newMinor: Minor): AmountCheck {
  const limits = amountLimits(originalMinor);
  if (!Number.isSafeInteger(newMinor) || newMinor <= 0) return { ok: false, problem: 'not_positive', limits };
  if (newMinor === currentMinor) return { ok: false, problem: 'unchanged', limits };
  if (newMinor < limits.minMinor || newMinor > limits.maxMinor) return { ok: false, problem: 'beyond_ten_percent', limits };
  return { ok: true, deltaMinor: newMinor - currentMinor };
}

// ── Milestones ──────────────────────────────────────────────────────────────────────────────

export type MilestoneStatus = 'pending' | 'delivered' | 'under_evaluation' | 'passed' | 'failed' | 'rectification' | 'cancelled';

export interface VariableMilestone {
  position: number;
  dueDate: string;
  shareBp: number;
  amountMinor: Minor;
  status: MilestoneStatus;
}

/**
 * A milestone whose money may still change: not passed (passed milestones are paid, or being
 * paid, by the payments module) and not cancelled.
 */
export function isUnpaid(status: MilestoneStatus): boolean {
  return status !== 'passed' && status !== 'cancelled';
}

export type Reallocation =
  | { ok: true; amounts: Array<{ position: number; beforeMinor: Minor; afterMinor: Minor }> }
  | { ok: false; problem: 'nothing_unpaid' | 'below_paid' };

/**
 * New milestone amounts for a contract amount of `newTotalMinor`: paid milestones keep theirs,
 * the rest share what is left by their payment shares (by their current amounts when those
 * shares are all zero, equally when those are too), summing exactly.
 */
export function reallocateUnpaid(milestones: readonly VariableMilestone[], newTotalMinor: Minor): Reallocation {
  const unpaid = milestones.filter((m) => isUnpaid(m.status));
  if (unpaid.length === 0) return { ok: false, problem: 'nothing_unpaid' };
  const fixed = milestones.filter((m) => !isUnpaid(m.status)).reduce((sum, m) => sum + m.amountMinor, 0);
  const left = newTotalMinor - fixed;
  if (left < 0) return { ok: false, problem: 'below_paid' };
  const byShare = unpaid.map((m) => m.shareBp);
  const byAmount = unpaid.map((m) => m.amountMinor);
  const weights = byShare.some((w) => w > 0) ? byShare : byAmount.some((w) => w > 0) ? byAmount : unpaid.map(() => 1);
  const parts = allocateMinor(left, weights);
  const next = new Map(unpaid.map((m, i) => [m.position, parts[i]]));
  return {
    ok: true,
    amounts: milestones.map((m) => ({ position: m.position, beforeMinor: m.amountMinor, afterMinor: next.get(m.position) ?? m.amountMinor })),
  };
}

// ── Dates ───────────────────────────────────────────────────────────────────────────────────

export interface DatesProposal {
  serviceStart: string;
  serviceEnd: string;
  /** New due dates by milestone position; positions not listed keep theirs. */
  milestoneDueDates: Record<number, string>;
}

export type DateProblem =
  | { field: string; key: 'date' }
  | { field: string; key: 'servicePeriodOrder' }
  | { field: string; key: 'milestoneOutsidePeriod'; params: { start: string; end: string } }
  | { field: string; key: 'milestoneOrder'; params: { previous: string } }
  | { field: string; key: 'milestonePaid' }
  | { field: string; key: 'nothingChanged' };

/**
 * Checks a dates variation against the contract as it stands: a real service period, every
 * milestone due inside it and after the one before, and no paid milestone moved.
 */
export function checkDatesChange(
  current: { serviceStart: string; serviceEnd: string; milestones: readonly VariableMilestone[] },
  proposal: DatesProposal,
): DateProblem[] {
  const problems: DateProblem[] = [];
  if (!isLocalDate(proposal.serviceStart)) problems.push({ field: 'serviceStart', key: 'date' });
  if (!isLocalDate(proposal.serviceEnd)) problems.push({ field: 'serviceEnd', key: 'date' });
  if (problems.length) return problems;
  if (proposal.serviceEnd <= proposal.serviceStart) problems.push({ field: 'serviceEnd', key: 'servicePeriodOrder' });
  let previous: string | null = null;
  let changed = proposal.serviceStart !== current.serviceStart || proposal.serviceEnd !== current.serviceEnd;
  for (const m of [...current.milestones].sort((a, b) => a.position - b.position)) {
    const field = `milestones.${m.position}.dueDate`;
    const proposed = proposal.milestoneDueDates[m.position] ?? m.dueDate;
    if (!isLocalDate(proposed)) {
      problems.push({ field, key: 'date' });
      continue;
    }
    if (proposed !== m.dueDate) {
      changed = true;
      if (!isUnpaid(m.status)) problems.push({ field, key: 'milestonePaid' });
    }
    if (proposed < proposal.serviceStart || proposed > proposal.serviceEnd) {
      problems.push({ field, key: 'milestoneOutsidePeriod', params: { start: proposal.serviceStart, end: proposal.serviceEnd } });
    } else if (previous !== null && proposed <= previous) {
      problems.push({ field, key: 'milestoneOrder', params: { previous } });
    }
    previous = proposed;
  }
  if (!changed && problems.length === 0) problems.push({ field: 'description', key: 'nothingChanged' });
  return problems;
}

// ── Who decides ─────────────────────────────────────────────────────────────────────────────

export type DeciderCheck = { ok: true } | { ok: false; problem: 'not_approver' | 'own_proposal' };

/** Four eyes: an approver, and never the person who proposed the variation. */
export function checkDecider(decider: { userId: string | null; roles: readonly string[] }, proposedBy: string): DeciderCheck {
  if (!decider.userId || !decider.roles.includes('bureau_approver')) return { ok: false, problem: 'not_approver' };
  if (decider.userId === proposedBy) return { ok: false, problem: 'own_proposal' };
  return { ok: true };
}

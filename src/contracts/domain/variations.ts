import { Minor, allocateMinor } from '../../common/money/money';
import { isLocalDate } from '../../procurement/domain/local-time';

/**
 * Contract variations (合同变更). Pure.
 *
 * An officer proposes changed dates, a changed scope (quantities), or a changed amount; an
 * approver who is not the proposer approves or rejects it with a reason. A changed amount is
 * re-allocated over the milestones not yet paid, exactly, in proportion to their shares.
 *
 * 《中华人民共和国政府采购法》第四十九条: "政府采购合同履行中，采购人需追加与合同标的相同的货物、
 * 工程或者服务的，在不改变合同其他条款的前提下，可以与供应商协商签订补充合同，但所有补充合同的
 * 采购金额不得超过原合同采购金额的百分之十。" The article caps INCREASES: all of them together
 * at 10 % of the ORIGINAL contract amount (the awarded price), whatever earlier variations did;
 * more needs a new procurement. It says nothing of reductions, so a reduction is not capped by it
 * (only by what is already paid) but, departing from the awarded terms, needs a recorded reason
 * that is kept with the variation and published with the contract.
 */
export const VARIATION_KINDS = ['dates', 'scope', 'amount'] as const;
export type VariationKind = (typeof VARIATION_KINDS)[number];

/** All supplementary contracts together: at most 10 % of the original amount, in basis points (第四十九条). */
export const MAX_INCREASE_BP = 1_000;

export const INCREASE_CITATION = {
  zh: '《政府采购法》第四十九条：所有补充合同的采购金额不得超过原合同采购金额的百分之十',
  en: 'Government Procurement Law, art. 49: all supplementary contracts together may not exceed 10 % of the original contract amount',
} as const;

/** Length of the reason a reduction needs. */
export const REDUCTION_REASON_MIN = 10;
export const REDUCTION_REASON_MAX = 2000;

export interface AmountLimits {
  originalMinor: Minor;
  /** What every increase together may add: 10 % of the original, rounded down to whole fen. */
  allowanceMinor: Minor;
  /** What is left of that allowance after the increases already approved. */
  remainingMinor: Minor;
  /** The highest amount the contract may be varied to now (whole fen, inclusive). */
  maxMinor: Minor;
}

/**
 * The increase allowance of a contract of `originalMinor`, now at `currentMinor`, whose approved
 * variations have increased it by `increasedMinor` in total (reductions do not give allowance back:
 * the article counts what the supplementary contracts buy, not the net).
 */
export function amountLimits(originalMinor: Minor, currentMinor: Minor = originalMinor, increasedMinor: Minor = 0): AmountLimits {
  const allowanceMinor = Math.floor((originalMinor * MAX_INCREASE_BP) / 10_000);
  const remainingMinor = Math.max(0, allowanceMinor - increasedMinor);
  return { originalMinor, allowanceMinor, remainingMinor, maxMinor: currentMinor + remainingMinor };
}

export interface AmountChangeInput {
  originalMinor: Minor;
  currentMinor: Minor;
  newMinor: Minor;
  /** Sum of the increases of earlier approved variations. */
  increasedMinor: Minor;
  /** Why the amount goes down, as typed ('' when none). */
  reductionReason?: string;
}

export type AmountCheck =
  | { ok: true; deltaMinor: Minor; isReduction: boolean; reductionReason: string | null }
  | { ok: false; problem: 'unchanged' | 'not_positive' | 'beyond_ten_percent' | 'reduction_reason'; limits: AmountLimits };

/**
 * May the contract go from `currentMinor` to `newMinor`? An increase may use what is left of the
 * 10 % allowance; a reduction (below the current amount) is not capped by 第四十九条 but needs a
 * reason of 10–2000 characters.
 */
export function checkAmountChange(input: AmountChangeInput): AmountCheck {
  const { originalMinor, currentMinor, newMinor, increasedMinor } = input;
  const limits = amountLimits(originalMinor, currentMinor, increasedMinor);
  if (!Number.isSafeInteger(newMinor) || newMinor <= 0) return { ok: false, problem: 'not_positive', limits };
  if (newMinor === currentMinor) return { ok: false, problem: 'unchanged', limits };
  if (newMinor > limits.maxMinor) return { ok: false, problem: 'beyond_ten_percent', limits };
  if (newMinor < currentMinor) {
    const reason = (input.reductionReason ?? '').trim();
    const length = Array.from(reason).length;
    if (length < REDUCTION_REASON_MIN || length > REDUCTION_REASON_MAX) return { ok: false, problem: 'reduction_reason', limits };
    return { ok: true, deltaMinor: newMinor - currentMinor, isReduction: true, reductionReason: reason };
  }
  return { ok: true, deltaMinor: newMinor - currentMinor, isReduction: false, reductionReason: null };
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

export type Reallocation = { ok: true; amounts: Array<{ position: number; beforeMinor: Minor; afterMinor: Minor }> } | { ok: false; problem: 'nothing_unpaid' | 'below_paid' };

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
export function checkDatesChange(current: { serviceStart: string; serviceEnd: string; milestones: readonly VariableMilestone[] }, proposal: DatesProposal): DateProblem[] {
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

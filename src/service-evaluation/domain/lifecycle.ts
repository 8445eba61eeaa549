import { Grade } from '../../payments/domain/grades';

/**
 * The milestone's evaluation, rectification (整改) and termination paths (pure).
 *
 *   delivered ──first evaluator starts──▶ under_evaluation ──all submitted──▶ passed
 *                                                           └─ fail, round 1 ─▶ rectification (deadline, default 30 days)
 *   rectification ──round-2 delivery (delivery module)──▶ delivered ─▶ under_evaluation ─▶ passed
 *                                                                                     └─ fail, round 2 ─▶ failed,
 *                                                           contract terminating → terminated, other unpassed milestones cancelled
 */
export const MAX_ROUNDS = 2;
export const DEFAULT_RECTIFICATION_DAYS = 30;
export const MAX_RECTIFICATION_DAYS = 180;

export class LifecycleError extends Error {}

export type EvaluationBlocker = 'contract_not_active' | 'not_delivered' | 'no_more_rounds';

/** Whether a milestone can be scored now, and which round. */
export function evaluableRound(input: { contractStatus: string; milestoneStatus: string; hasRectification: boolean }): { round: number } | { blocker: EvaluationBlocker } {
  if (input.contractStatus !== 'active') return { blocker: 'contract_not_active' };
  if (input.milestoneStatus !== 'delivered' && input.milestoneStatus !== 'under_evaluation') return { blocker: 'not_delivered' };
  return { round: input.hasRectification ? 2 : 1 };
}

export interface Outcome {
  milestoneStatus: 'passed' | 'rectification' | 'failed';
  opensRectification: boolean;
  closesRectification: 'passed' | 'failed' | null;
  terminatesContract: boolean;
}

/** What a completed round does. */
export function outcomeOf(round: number, grade: Grade): Outcome {
  if (!Number.isInteger(round) || round < 1 || round > MAX_ROUNDS) throw new LifecycleError(`round ${round} does not exist`);
  if (grade !== 'fail') return { milestoneStatus: 'passed', opensRectification: false, closesRectification: round === 2 ? 'passed' : null, terminatesContract: false };
  if (round === 1) return { milestoneStatus: 'rectification', opensRectification: true, closesRectification: null, terminatesContract: false };
  return { milestoneStatus: 'failed', opensRectification: false, closesRectification: 'failed', terminatesContract: true };
}

export interface MilestoneMoney {
  position: number;
  status: string;
  amountMinor: number;
}

export interface TerminationPlan {
  /** Milestones that have not passed and are not the failed one: cancelled. */
  cancelPositions: number[];
  /** Money that stays with the contract: approved or paid, and disbursements still awaiting a decision or a retry. */
  keptMinor: number;
  /** committed → available: the contract amount not approved or paid (nor awaiting approval) for passed milestones. */
  releaseMinor: number;
}

/**
 * Termination after a second fail. What payments already approved or paid for passed milestones
 * stays (it has left `committed`), and so does a disbursement still proposed or waiting for a
 * retry (its approval would move committed → payable); everything else of the contract amount,
 * including the hold-backs of passed milestones, returns from committed to the fund. Nothing
 * more is payable on a terminated contract (payments pays active or completed contracts only).
 */
export function terminationPlan(milestones: readonly MilestoneMoney[], contractAmountMinor: number, approvedMinor: number, pendingMinor: number, failedPosition: number): TerminationPlan {
  const total = milestones.reduce((s, m) => s + m.amountMinor, 0);
  if (total !== contractAmountMinor) throw new LifecycleError(`milestones sum to ${total}, the contract to ${contractAmountMinor}`);
  if (!milestones.some((m) => m.position === failedPosition)) throw new LifecycleError(`no milestone ${failedPosition}`);
  for (const v of [approvedMinor, pendingMinor]) if (!Number.isSafeInteger(v) || v < 0) throw new LifecycleError(`amounts are whole fen ≥ 0, not ${v}`);
  const passedMinor = milestones.filter((m) => m.status === 'passed').reduce((s, m) => s + m.amountMinor, 0);
  const keptMinor = approvedMinor + pendingMinor;
  if (keptMinor > passedMinor) throw new LifecycleError(`${keptMinor} fen approved or pending, more than the passed milestones' ${passedMinor}`);
  const cancelPositions = milestones
    .filter((m) => m.position !== failedPosition && m.status !== 'passed' && m.status !== 'cancelled')
    .map((m) => m.position)
    .sort((a, b) => a - b);
  return { cancelPositions, keptMinor, releaseMinor: contractAmountMinor - keptMinor };
}

/**
 * A rectification whose deadline passed without the re-delivery: the officer may end the contract
 * as after a second fail. Before the deadline, or once the milestone is delivered again, not.
 */
export function missedRectification(input: { contractStatus: string; milestoneStatus: string; rectificationStatus: string | null; deadline: Date | null; now: Date }): boolean {
  return input.contractStatus === 'active' && input.milestoneStatus === 'rectification' && input.rectificationStatus === 'open' && !!input.deadline && input.now.getTime() > input.deadline.getTime();
}

/** The rectification deadline: whole days from `now`, 1 … 180, default 30. */
export function rectificationDeadline(now: Date, days: number = DEFAULT_RECTIFICATION_DAYS): Date {
  if (!Number.isInteger(days) || days < 1 || days > MAX_RECTIFICATION_DAYS) throw new LifecycleError(`a rectification lasts 1–${MAX_RECTIFICATION_DAYS} days, not ${days}`);
  return new Date(now.getTime() + days * 86_400_000);
}

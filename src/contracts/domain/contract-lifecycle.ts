import type { ContractStatus } from '../contract.entity';
import type { MilestoneStatus } from './variations';

/**
 * The contract and milestone state machines, moved only by the contracts module (its verbs in
 * ContractStatesService; other modules call them). Pure.
 *
 * Contract:  awaiting_confirmation → active → completed (settled after the final evaluation)
 *            active → terminating → terminated (a second fail or a missed rectification)
 * Milestone: pending → delivered → under_evaluation → passed | rectification | failed
 *            rectification → delivered (re-delivery, round 2) | failed (deadline missed)
 *            anything not passed (nor cancelled) → cancelled when the contract is terminated
 */
export const CONTRACT_TRANSITIONS = {
  activate: { from: ['awaiting_confirmation'], to: 'active' },
  complete: { from: ['active'], to: 'completed' },
  begin_termination: { from: ['active'], to: 'terminating' },
  terminate: { from: ['terminating'], to: 'terminated' },
} as const satisfies Record<string, { from: readonly ContractStatus[]; to: ContractStatus }>;
export type ContractAction = keyof typeof CONTRACT_TRANSITIONS;

export const MILESTONE_TRANSITIONS = {
  deliver: { from: ['pending', 'rectification'], to: ['delivered'] },
  start_evaluation: { from: ['delivered'], to: ['under_evaluation'] },
  record_result: { from: ['under_evaluation'], to: ['passed', 'rectification', 'failed'] },
  miss_rectification: { from: ['rectification'], to: ['failed'] },
  cancel: { from: ['pending', 'delivered', 'under_evaluation', 'rectification', 'failed'], to: ['cancelled'] },
} as const satisfies Record<string, { from: readonly MilestoneStatus[]; to: readonly MilestoneStatus[] }>;
export type MilestoneAction = keyof typeof MILESTONE_TRANSITIONS;

export function canMoveContract(action: ContractAction, from: ContractStatus): boolean {
  return (CONTRACT_TRANSITIONS[action].from as readonly ContractStatus[]).includes(from);
}

/** May `action` take a milestone from `from` to `to`? */
export function canMoveMilestone(action: MilestoneAction, from: MilestoneStatus, to: MilestoneStatus): boolean {
  const rule = MILESTONE_TRANSITIONS[action];
  return (rule.from as readonly MilestoneStatus[]).includes(from) && (rule.to as readonly MilestoneStatus[]).includes(to);
}

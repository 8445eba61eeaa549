import type { ContractStatus } from '../contract.entity';
import { CONTRACT_TRANSITIONS, ContractAction, MILESTONE_TRANSITIONS, MilestoneAction, canMoveContract, canMoveMilestone } from './contract-lifecycle';
import type { MilestoneStatus } from './variations';

const CONTRACT_STATUSES: ContractStatus[] = ['awaiting_confirmation', 'active', 'terminating', 'terminated', 'completed'];
const MILESTONE_STATUSES: MilestoneStatus[] = ['pending', 'delivered', 'under_evaluation', 'passed', 'failed', 'rectification', 'cancelled'];

describe('contract state machine', () => {
  const allowed: Array<[ContractAction, ContractStatus]> = [
    ['activate', 'awaiting_confirmation'],
    ['complete', 'active'],
    ['begin_termination', 'active'],
    ['terminate', 'terminating'],
  ];
  it.each(allowed)('allows %s from %s', (action, from) => expect(canMoveContract(action, from)).toBe(true));

  it('refuses every other move, and ends in completed or terminated', () => {
    for (const action of Object.keys(CONTRACT_TRANSITIONS) as ContractAction[]) {
      for (const from of CONTRACT_STATUSES.filter((s) => !allowed.some(([a, f]) => a === action && f === s))) expect(canMoveContract(action, from)).toBe(false);
    }
    for (const end of ['completed', 'terminated'] as const) expect((Object.keys(CONTRACT_TRANSITIONS) as ContractAction[]).filter((a) => canMoveContract(a, end))).toEqual([]);
  });
});

describe('milestone state machine', () => {
  const allowed: Array<[MilestoneAction, MilestoneStatus, MilestoneStatus]> = [
    ['deliver', 'pending', 'delivered'],
    ['deliver', 'rectification', 'delivered'],
    ['start_evaluation', 'delivered', 'under_evaluation'],
    ['record_result', 'under_evaluation', 'passed'],
    ['record_result', 'under_evaluation', 'rectification'],
    ['record_result', 'under_evaluation', 'failed'],
    ['miss_rectification', 'rectification', 'failed'],
    ['cancel', 'pending', 'cancelled'],
    ['cancel', 'delivered', 'cancelled'],
    ['cancel', 'under_evaluation', 'cancelled'],
    ['cancel', 'rectification', 'cancelled'],
    ['cancel', 'failed', 'cancelled'],
  ];
  it.each(allowed)('allows %s from %s to %s', (action, from, to) => expect(canMoveMilestone(action, from, to)).toBe(true));

  it('refuses every other move: a passed or cancelled milestone never changes', () => {
    for (const action of Object.keys(MILESTONE_TRANSITIONS) as MilestoneAction[]) {
      for (const from of MILESTONE_STATUSES) {
        for (const to of MILESTONE_STATUSES) {
          if (allowed.some(([a, f, t]) => a === action && f === from && t === to)) continue;
          expect([action, from, to, canMoveMilestone(action, from, to)]).toEqual([action, from, to, false]);
        }
      }
    }
  });
});

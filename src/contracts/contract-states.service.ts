import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ContractAction, CONTRACT_TRANSITIONS, MILESTONE_TRANSITIONS, MilestoneAction } from './domain/contract-lifecycle';
import type { MilestoneStatus } from './domain/variations';

export interface TerminationRecord {
  /** The milestone whose failure (or missed rectification) ends the contract. */
  milestonePosition: number;
  reason: string;
  at: Date;
  releasedMinor: number;
  cancelledPositions: number[];
  journalEntryId: string | null;
}

/**
 * The verbs through which other modules move a contract or a milestone (delivery, service
 * evaluation, payments), each in the caller's transaction under the caller's row locks, and only
 * along the state machine in domain/contract-lifecycle.ts. A move whose row is not in a `from`
 * status changes nothing and returns false: the caller decides whether that is an error (and
 * which of its codes), as it did when it wrote the row itself.
 */
@Injectable()
export class ContractStatesService {
  /** pending | rectification → delivered (delivery: a milestone delivered, or re-delivered after rectification). */
  markMilestoneDelivered(m: EntityManager, contractId: string, position: number): Promise<boolean> {
    return this.moveMilestone(m, contractId, position, 'deliver', 'delivered');
  }

  /** delivered → under_evaluation (service evaluation: a round opens). */
  startMilestoneEvaluation(m: EntityManager, contractId: string, position: number): Promise<boolean> {
    return this.moveMilestone(m, contractId, position, 'start_evaluation', 'under_evaluation');
  }

  /** under_evaluation → passed | rectification | failed (service evaluation: the round's result). */
  recordMilestoneResult(m: EntityManager, contractId: string, position: number, status: MilestoneStatus): Promise<boolean> {
    return this.moveMilestone(m, contractId, position, 'record_result', status);
  }

  /** rectification → failed (service evaluation: the rectification deadline passed without a re-delivery). */
  failMissedRectification(m: EntityManager, contractId: string, position: number): Promise<boolean> {
    return this.moveMilestone(m, contractId, position, 'miss_rectification', 'failed');
  }

  /** Milestones not passed → cancelled, when the contract is being terminated. Returns how many moved. */
  async cancelMilestones(m: EntityManager, contractId: string, positions: readonly number[]): Promise<number> {
    if (!positions.length) return 0;
    const [, count] = (await m.query(`UPDATE contract_milestones SET status = 'cancelled' WHERE contract_id = $1 AND position = ANY($2::int[]) AND status = ANY($3::text[])`, [
      contractId,
      positions,
      MILESTONE_TRANSITIONS.cancel.from,
    ])) as [unknown[], number];
    return count;
  }

  /** active → completed (payments: the contract is settled after its final evaluation). */
  completeContract(m: EntityManager, contractId: string): Promise<boolean> {
    return this.moveContract(m, contractId, 'complete');
  }

  /** active → terminating (service evaluation: a second fail or a missed rectification). */
  beginTermination(m: EntityManager, contractId: string): Promise<boolean> {
    return this.moveContract(m, contractId, 'begin_termination');
  }

  /** terminating → terminated, with the record of what the termination cancelled and released. */
  async terminateContract(m: EntityManager, contractId: string, t: TerminationRecord): Promise<boolean> {
    await m.query(
      `INSERT INTO contract_terminations (contract_id, milestone_position, reason, started_at, terminated_at, released_minor, cancelled_positions, journal_entry_id) VALUES ($1, $2, $3, $4, $4, $5, $6::int[], $7)`,
      [contractId, t.milestonePosition, t.reason, t.at, t.releasedMinor, t.cancelledPositions, t.journalEntryId],
    );
    return this.moveContract(m, contractId, 'terminate');
  }

  private async moveMilestone(m: EntityManager, contractId: string, position: number, action: MilestoneAction, to: MilestoneStatus): Promise<boolean> {
    const rule = MILESTONE_TRANSITIONS[action];
    if (!(rule.to as readonly string[]).includes(to)) throw new RangeError(`a milestone ${action} cannot lead to ${to}`);
    const [, count] = (await m.query(`UPDATE contract_milestones SET status = $3 WHERE contract_id = $1 AND position = $2 AND status = ANY($4::text[])`, [contractId, position, to, rule.from])) as [
      unknown[],
      number,
    ];
    return count === 1;
  }

  private async moveContract(m: EntityManager, contractId: string, action: ContractAction): Promise<boolean> {
    const rule = CONTRACT_TRANSITIONS[action];
    const [, count] = (await m.query(`UPDATE contracts SET status = $2 WHERE id = $1 AND status = ANY($3::text[])`, [contractId, rule.to, rule.from])) as [unknown[], number];
    return count === 1;
  }
}

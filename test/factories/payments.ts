import { Contract, ContractMilestone } from '../../src/contracts/contract.entity';
import { ContractsService } from '../../src/contracts/contracts.service';
import { gradeOf } from '../../src/payments/domain/grades';
import { TestApp } from '../support/test-app';
import { EvaluatedProject, TestUser, actorOf, awardProject, createApprover, createEvaluatedProject, createOfficer, passChallengePeriod } from './awards';

/**
 * Payment-stage fixtures: an active contract (through the real award → contract path, written
 * by the award fixtures in SQL) whose fund's current totals are opened in the journal, and
 * milestones marked passed with an evaluation result written straight into milestone_results,
 * as the milestone evaluation (built later) will leave them.
 */

export interface PayableContract {
  project: EvaluatedProject;
  contract: Contract;
  milestones: ContractMilestone[];
  officer: TestUser;
  approver: TestUser;
  organisationId: string;
  /** org_admin of the contracted organisation. */
  orgAdmin: TestUser;
}

export async function createActiveContract(t: TestApp, options: { fundTotalMinor?: number } = {}): Promise<PayableContract> {
  const project = await createEvaluatedProject(t, options.fundTotalMinor ? { fundTotalMinor: options.fundTotalMinor } : {});
  const award = await awardProject(t, project);
  await passChallengePeriod(t, award.id);
  const officer = await createOfficer(t);
  const approver = await createApprover(t);
  const service = t.app.get(ContractsService);
  const generated = await service.generateContract(actorOf(officer), award.id);
  const winner = project.bidders.find((b) => b.bidId === award.bidId)!;
  await service.confirmContract(actorOf(winner.admin, winner.organisationId), generated.id, 'organisation');
  const contract = await service.confirmContract(actorOf(approver), generated.id, 'approver');
  await openFundInLedger(t, contract.fundId);
  return { project, contract, milestones: await service.milestonesOf(contract.id), officer, approver, organisationId: winner.organisationId, orgAdmin: winner.admin };
}

/**
 * The award fixtures write the project's reservation with SQL, outside the journal; the real
 * contract activation journals its commitment. This opening entry journals whatever the fund row
 * holds beyond the journal, so the trial balance starts level.
 */
export async function openFundInLedger(t: TestApp, fundId: string): Promise<void> {
  const [f] = (await t.dataSource.query(
    `SELECT f.reserved_minor - coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'reserved'), 0) AS r,
            f.committed_minor - coalesce(sum(l.amount_minor) FILTER (WHERE l.account = 'committed'), 0) AS c
       FROM funds f LEFT JOIN journal_lines l ON l.fund_id = f.id WHERE f.id = $1 GROUP BY f.id`,
    [fundId],
  )) as Array<{ r: string; c: string }>;
  const lines = [
    ['reserved', Number(f.r)],
    ['committed', Number(f.c)],
    ['available', -(Number(f.r) + Number(f.c))],
  ].filter(([, amount]) => amount !== 0) as Array<[string, number]>;
  if (!lines.length) return;
  await t.dataSource.transaction(async (m) => {
    const [entry] = (await m.query(`INSERT INTO journal_entries (event, ref_type, ref_id, memo) VALUES ('fund.opening', 'fund', $1, 'opening balance') RETURNING id`, [fundId])) as Array<{
      id: string;
    }>;
    let n = 0;
    for (const [account, amount] of lines) {
      await m.query(`INSERT INTO journal_lines (entry_id, line, fund_id, account, amount_minor) VALUES ($1, $2, $3, $4, $5)`, [entry.id, ++n, fundId, account, amount]);
    }
  });
}

/** Marks a milestone passed with an evaluation result (round 1 unless told). */
export async function passMilestone(t: TestApp, contractId: string, position: number, scoreCenti: number, round = 1): Promise<void> {
  await t.dataSource.query(`INSERT INTO milestone_results (contract_id, position, round, score_centi, grade) VALUES ($1, $2, $3, $4, $5)`, [
    contractId,
    position,
    round,
    scoreCenti,
    gradeOf(scoreCenti),
  ]);
  await t.dataSource.query(`UPDATE contract_milestones SET status = 'passed' WHERE contract_id = $1 AND position = $2`, [contractId, position]);
}

export async function setMilestoneStatus(t: TestApp, contractId: string, position: number, status: string): Promise<void> {
  await t.dataSource.query(`UPDATE contract_milestones SET status = $3 WHERE contract_id = $1 AND position = $2`, [contractId, position, status]);
}

export async function contractBalances(t: TestApp, contractId: string): Promise<{ approved: number; paid: number; amount: number }> {
  const [c] = (await t.dataSource.query(`SELECT approved_minor, paid_minor, amount_minor FROM contracts WHERE id = $1`, [contractId])) as Array<Record<string, string>>;
  return { approved: Number(c.approved_minor), paid: Number(c.paid_minor), amount: Number(c.amount_minor) };
}

export async function fundPaymentBalances(t: TestApp, fundId: string): Promise<{ committed: number; payable: number; paid: number }> {
  const [f] = (await t.dataSource.query(`SELECT committed_minor, payable_minor, paid_minor FROM funds WHERE id = $1`, [fundId])) as Array<Record<string, string>>;
  return { committed: Number(f.committed_minor), payable: Number(f.payable_minor), paid: Number(f.paid_minor) };
}

let voucherCounter = 0;
export function voucherNo(): string {
  return `GK${Date.now().toString(36).toUpperCase()}${++voucherCounter}`;
}

import { randomBytes } from 'node:crypto';
import { Actor } from '../../src/audit/actor';
import { EvaluatorAssignmentService } from '../../src/service-evaluation/evaluator-assignment.service';
import { MilestoneScoringService } from '../../src/service-evaluation/milestone-scoring.service';
import { TestApp } from '../support/test-app';
import { actorOf } from './awards';
import { createEvaluator } from './evaluators';
import { PayableContract, createActiveContract } from './payments';

/**
 * Service-evaluation fixtures: an active contract (payments' fixture) with evaluators from the
 * pool assigned through the service, and deliveries written as the delivery module leaves them
 * (a milestone_deliveries row with its records, the milestone moved to `delivered`).
 */
export interface EvaluatedContract extends PayableContract {
  evaluators: Array<Awaited<ReturnType<typeof createEvaluator>>>;
}

let counter = 0;

/** The service-evaluation use cases the tests drive directly (assignment, recusal, score sheets). */
export function serviceEvaluation(t: TestApp): Pick<EvaluatorAssignmentService, 'assignEvaluator' | 'recuse'> & Pick<MilestoneScoringService, 'saveScores'> {
  const assignment = t.app.get(EvaluatorAssignmentService);
  const scoring = t.app.get(MilestoneScoringService);
  return {
    assignEvaluator: (...args) => assignment.assignEvaluator(...args),
    recuse: (...args) => assignment.recuse(...args),
    saveScores: (...args) => scoring.saveScores(...args),
  };
}

export async function createContractWithEvaluators(t: TestApp, count = 2): Promise<EvaluatedContract> {
  const c = await createActiveContract(t);
  const evaluators = [];
  for (let i = 0; i < count; i++) {
    counter += 1;
    const e = await createEvaluator(t, { expertise: ['C01'], displayName: `评估专家${counter}${randomBytes(1).toString('hex')}` });
    await serviceEvaluation(t).assignEvaluator(actorOf(c.officer), c.contract.id, e.id);
    evaluators.push(e);
  }
  return { ...c, evaluators };
}

export function evaluatorActor(e: { id: string }): Actor {
  return { userId: e.id, roles: ['evaluator'], organisationId: null, requestId: null, ip: null };
}

/** Delivers round `round` of a milestone as the delivery module does (its table when present; the status always). */
export async function deliverMilestone(t: TestApp, c: PayableContract, position: number, round = 1, narrative = '本期完成上门探访 480 人次，助餐 1200 餐，健康监测 300 人次。'): Promise<void> {
  const [{ present }] = await t.dataSource.query(`SELECT to_regclass('milestone_deliveries') IS NOT NULL AS present`);
  if (present) {
    const [d] = await t.dataSource.query(
      `INSERT INTO milestone_deliveries (contract_id, milestone_position, round, narrative, submitted_by, late, organisation_id, deadline_at, records_source)
       VALUES ($1, $2, $3, $4, $5, false, $6, app_now() + interval '30 days', 'form') RETURNING id`,
      [c.contract.id, position, round, narrative, c.orgAdmin.id, c.organisationId],
    );
    await t.dataSource.query(
      `INSERT INTO delivery_service_records (delivery_id, line, item_code, service_date, sessions, person_visits, households, hours_centi, note)
       VALUES ($1, 1, $2, DATE '2027-02-01', 12, 480, 60, 9600, '联洋社区')`,
      [d.id, c.contract.items[0].itemCode],
    );
  }
  await t.dataSource.query(`UPDATE contract_milestones SET status = 'delivered' WHERE contract_id = $1 AND position = $2`, [c.contract.id, position]);
}

/** Scores every indicator of the default template so the sheet totals `total` points (whole numbers). */
export function sheetFor(total: number, comment = '低于要求，需改进'): { points: Record<string, string>; comments: Record<string, string> } {
  // Spread over 30/30/20/20 proportionally, remainder on the first indicator.
  const weights: Array<[string, number]> = [
    ['output_quantity', 30],
    ['service_quality', 30],
    ['resident_satisfaction', 20],
    ['management_finance', 20],
  ];
  const centi = Math.round(total * 100);
  const parts = weights.map(([, w]) => Math.floor((centi * w) / 100));
  parts[0] += centi - parts.reduce((s, p) => s + p, 0);
  const points = Object.fromEntries(weights.map(([code], i) => [code, `${Math.floor(parts[i] / 100)}.${String(parts[i] % 100).padStart(2, '0')}`]));
  const comments = Object.fromEntries(weights.map(([code]) => [code, comment]));
  return { points, comments };
}

/** Every assigned evaluator submits a sheet totalling the given points (in order). */
export async function scoreAll(t: TestApp, c: EvaluatedContract, position: number, totals: number[]) {
  let last = null;
  for (const [i, e] of c.evaluators.entries()) {
    last = await serviceEvaluation(t).saveScores(evaluatorActor(e), c.contract.id, position, sheetFor(totals[i] ?? totals[0]), true);
  }
  return last;
}

export async function milestoneStatus(t: TestApp, contractId: string, position: number): Promise<string> {
  const [row] = await t.dataSource.query(`SELECT status FROM contract_milestones WHERE contract_id = $1 AND position = $2`, [contractId, position]);
  return row.status;
}

export async function resultsOf(t: TestApp, contractId: string): Promise<Array<{ position: number; round: number; score_centi: number; grade: string }>> {
  return t.dataSource.query(`SELECT position, round, score_centi, grade FROM milestone_results WHERE contract_id = $1 ORDER BY position, round`, [contractId]);
}

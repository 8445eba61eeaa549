import { randomBytes } from 'node:crypto';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { LedgerQueries } from '../../src/ledger/ledger.queries';
import { MilestoneNotPassedError } from '../../src/payments/payments.errors';
import { actorOf, auditActions, signInAsUser } from '../factories/awards';
import { contractBalances, fundPaymentBalances } from '../factories/payments';
import { createContractWithEvaluators, deliverMilestone, evaluatorActor, milestoneStatus, resultsOf, scoreAll, serviceEvaluation, sheetFor } from '../factories/service-evaluation';
import { advanceClock, dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

describe('service evaluation: results, rectification, termination and the fund', () => {
  let t: TestApp;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('writes the result when the second evaluator submits: exact mean rounded half up, milestone passed, payable', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const first = await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(85.5), true);
    expect(first).toEqual({ submitted: true, completed: null });
    expect(await milestoneStatus(t, c.contract.id, 1)).toBe('under_evaluation');
    expect(await resultsOf(t, c.contract.id)).toEqual([]);
    const second = await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[1]), c.contract.id, 1, sheetFor(85.51), true);
    expect(second.completed).toEqual({ scoreCenti: 8551, grade: 'good', milestoneStatus: 'passed', terminated: false }); // 85.505 → 85.51
    expect(await resultsOf(t, c.contract.id)).toEqual([{ position: 1, round: 1, score_centi: 8551, grade: 'good' }]);
    const [round] = await t.dataSource.query(`SELECT score_exact, evaluator_count FROM milestone_evaluation_rounds WHERE contract_id = $1`, [c.contract.id]);
    expect(round).toEqual({ score_exact: '17101/200', evaluator_count: 2 });
    expect(await auditActions(t, 'contract', c.contract.id)).toEqual(expect.arrayContaining(['service_evaluation.started', 'service_evaluation.scores_submitted', 'service_evaluation.completed']));
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'service_evaluation.passed' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
    // Payments read it: the officer can propose the tranche.
    const d = await t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(d.amountMinor).toBe(Number(c.milestones[0].amountMinor));
    // A submitted sheet is final, in the service and in the database.
    await expect(serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(99), true)).rejects.toMatchObject({ code: 'SERVICE_EVALUATION.NOT_DELIVERED' });
    await expect(t.dataSource.query(`UPDATE milestone_scores SET points_centi = 0 WHERE contract_id = $1`, [c.contract.id])).rejects.toMatchObject({ code: '23001' });
  });

  it('refuses a milestone that has not been delivered, and an evaluator who is not assigned', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await expect(serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(80), false)).rejects.toMatchObject({ code: 'SERVICE_EVALUATION.NOT_DELIVERED' });
    await deliverMilestone(t, c, 1);
    await expect(serviceEvaluation(t).saveScores(evaluatorActor({ id: c.officer.id }), c.contract.id, 1, sheetFor(80), false)).rejects.toMatchObject({ code: 'SERVICE_EVALUATION.NOT_ASSIGNED' });
  });

  it('with one evaluator left after a recusal, waits for a replacement before writing a result', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(90), true);
    await serviceEvaluation(t).recuse(evaluatorActor(c.evaluators[1]), c.contract.id, '与该机构负责人为近亲属');
    expect(await resultsOf(t, c.contract.id)).toEqual([]);
    const { createEvaluator } = await import('../factories/evaluators');
    const replacement = await createEvaluator(t, { expertise: ['C01'], displayName: `替补专家${randomBytes(2).toString('hex')}` });
    await serviceEvaluation(t).assignEvaluator(actorOf(c.officer), c.contract.id, replacement.id);
    await serviceEvaluation(t).saveScores(evaluatorActor(replacement), c.contract.id, 1, sheetFor(70), true);
    expect(await resultsOf(t, c.contract.id)).toEqual([{ position: 1, round: 1, score_centi: 8000, grade: 'good' }]);
  });

  it('fail → rectification with a 30-day deadline → round-2 delivery → pass; payments pay by the latest round', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const failed = await scoreAll(t, c, 1, [55, 58]);
    expect(failed?.completed).toMatchObject({ scoreCenti: 5650, grade: 'fail', milestoneStatus: 'rectification', terminated: false });
    const [rect] = await t.dataSource.query(`SELECT opened_at, deadline, status, reason FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = 1`, [c.contract.id]);
    expect(rect.status).toBe('open');
    expect(rect.deadline.getTime() - rect.opened_at.getTime()).toBe(30 * 86_400_000);
    expect(rect.reason).toContain('56.50');
    await expect(t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, 1)).rejects.toMatchObject({ code: 'PAYMENTS.MILESTONE_NOT_PASSED' });

    await deliverMilestone(t, c, 1, 2, '整改后补充服务 200 人次并完善台账。');
    const passed = await scoreAll(t, c, 1, [72, 75]);
    expect(passed?.completed).toMatchObject({ scoreCenti: 7350, grade: 'pass', milestoneStatus: 'passed' });
    expect(await resultsOf(t, c.contract.id)).toEqual([
      { position: 1, round: 1, score_centi: 5650, grade: 'fail' },
      { position: 1, round: 2, score_centi: 7350, grade: 'pass' },
    ]);
    const [closed] = await t.dataSource.query(`SELECT status FROM milestone_rectifications WHERE contract_id = $1`, [c.contract.id]);
    expect(closed.status).toBe('passed');
    const d = await t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(d.computation).toMatchObject({ round: 2, grade: 'pass' });
  });

  it('fail twice → contract terminated, unpassed milestones cancelled, the rest of the money back in the fund; the trial balance holds', async () => {
    const c = await createContractWithEvaluators(t, 2);
    const amounts = c.milestones.map((m) => Number(m.amountMinor));
    // Milestone 1 passes and is paid for (approved); milestone 2 fails twice.
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [95, 93]);
    const payments = t.app.get(DisbursementsService);
    const d = await payments.proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    await payments.approveDisbursement(actorOf(c.approver), d.id);
    const before = await fundPaymentBalances(t, c.contract.fundId);

    await deliverMilestone(t, c, 2);
    await scoreAll(t, c, 2, [50, 40]);
    expect(await milestoneStatus(t, c.contract.id, 2)).toBe('rectification');
    await deliverMilestone(t, c, 2, 2, '整改后的服务报告，补充了服务记录。');
    const last = await scoreAll(t, c, 2, [52, 57]);
    expect(last?.completed).toMatchObject({ grade: 'fail', milestoneStatus: 'failed', terminated: true });

    const [contract] = await t.dataSource.query(`SELECT status FROM contracts WHERE id = $1`, [c.contract.id]);
    expect(contract.status).toBe('terminated');
    const statuses = await t.dataSource.query(`SELECT position, status FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [c.contract.id]);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['passed', 'failed', 'cancelled']);
    const released = amounts[1] + amounts[2];
    const after = await fundPaymentBalances(t, c.contract.fundId);
    expect(after).toEqual({ committed: before.committed - released, payable: before.payable, paid: before.paid });
    const [termination] = await t.dataSource.query(`SELECT released_minor, cancelled_positions, journal_entry_id FROM contract_terminations WHERE contract_id = $1`, [c.contract.id]);
    expect(Number(termination.released_minor)).toBe(released);
    expect(termination.cancelled_positions).toEqual([3]);
    const lines = await t.dataSource.query(`SELECT account, amount_minor::bigint::text AS amount FROM journal_lines WHERE entry_id = $1 ORDER BY line`, [termination.journal_entry_id]);
    expect(lines).toEqual([
      { account: 'committed', amount: String(-released) },
      { account: 'available', amount: String(released) },
    ]);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: amounts[0] });
    expect(await auditActions(t, 'contract', c.contract.id)).toEqual(expect.arrayContaining(['contract.terminating', 'contract.terminated']));
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'service_evaluation.terminated' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
    const v = await t.app.get(LedgerQueries).verifyLedger();
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    // Nothing more is evaluated on a terminated contract.
    await expect(serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 3, sheetFor(90), false)).rejects.toMatchObject({ code: 'SERVICE_EVALUATION.CONTRACT_NOT_ACTIVE' });
  });

  it('on termination returns a pass hold-back but keeps a tranche still awaiting approval, which the approver can still approve', async () => {
    const c = await createContractWithEvaluators(t, 2);
    const amounts = c.milestones.map((m) => Number(m.amountMinor));
    const payments = t.app.get(DisbursementsService);
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [70, 72]); // 合格: 90 % now, 10 % held back
    const d1 = await payments.proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    await payments.approveDisbursement(actorOf(c.approver), d1.id);
    await deliverMilestone(t, c, 2);
    await scoreAll(t, c, 2, [90, 92]);
    const d2 = await payments.proposeDisbursement(actorOf(c.officer), c.contract.id, 2); // not decided yet
    const before = await fundPaymentBalances(t, c.contract.fundId);

    await deliverMilestone(t, c, 3);
    await scoreAll(t, c, 3, [30, 40]);
    await deliverMilestone(t, c, 3, 2, '整改后的第二次交付报告。');
    const last = await scoreAll(t, c, 3, [45, 50]);
    expect(last?.completed).toMatchObject({ terminated: true });
    const released = amounts.reduce((s, a) => s + a, 0) - d1.amountMinor - d2.amountMinor;
    expect(released).toBe(d1.computation.holdbackMinor + amounts[2]);
    expect((await fundPaymentBalances(t, c.contract.fundId)).committed).toBe(before.committed - released);
    const statuses = await t.dataSource.query(`SELECT status FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [c.contract.id]);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['passed', 'passed', 'failed']);

    await payments.approveDisbursement(actorOf(c.approver), d2.id);
    expect(await contractBalances(t, c.contract.id)).toMatchObject({ approved: d1.amountMinor + d2.amountMinor });
    const v = await t.app.get(LedgerQueries).verifyLedger();
    expect(v.problems).toEqual([]);
    // Everything of the contract is now either approved or back in the fund.
    const [f] = await t.dataSource.query(`SELECT coalesce(sum(amount_minor), 0)::text AS committed FROM journal_lines WHERE contract_id = $1 AND account = 'committed'`, [c.contract.id]);
    expect(Number(f.committed)).toBe(-(released + d1.amountMinor + d2.amountMinor)); // the commitment was journalled without the contract id
  });

  it('on termination keeps the tranche owed for a passed milestone not yet proposed, which can still be proposed and approved', async () => {
    const c = await createContractWithEvaluators(t, 2);
    const amounts = c.milestones.map((m) => Number(m.amountMinor));
    const payments = t.app.get(DisbursementsService);
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [70, 72]); // 合格: 90 % owed, 10 % held back until a final evaluation
    const before = await fundPaymentBalances(t, c.contract.fundId);
    await deliverMilestone(t, c, 2);
    await scoreAll(t, c, 2, [30, 40]);
    await deliverMilestone(t, c, 2, 2, '整改后的第二次交付报告。');
    expect((await scoreAll(t, c, 2, [45, 50]))?.completed).toMatchObject({ terminated: true });

    const owed = Math.round((amounts[0] * 9000) / 10000);
    const released = amounts.reduce((s, a) => s + a, 0) - owed;
    expect((await fundPaymentBalances(t, c.contract.fundId)).committed).toBe(before.committed - released);
    const [termination] = await t.dataSource.query(`SELECT released_minor FROM contract_terminations WHERE contract_id = $1`, [c.contract.id]);
    expect(Number(termination.released_minor)).toBe(released);

    // The organisation is still paid for the work that passed, and only for it.
    const d1 = await payments.proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    expect(d1.amountMinor).toBe(owed);
    await payments.approveDisbursement(actorOf(c.approver), d1.id);
    await expect(payments.proposeDisbursement(actorOf(c.officer), c.contract.id, 2)).rejects.toBeInstanceOf(MilestoneNotPassedError);
    const after = await fundPaymentBalances(t, c.contract.fundId);
    expect(after.committed).toBe(before.committed - released - owed);
    expect(after.payable).toBe(before.payable + owed);
    const v = await t.app.get(LedgerQueries).verifyLedger();
    expect(v.problems).toEqual([]);
  });

  it('lets the officer terminate a contract whose rectification deadline passed without a new delivery, not before', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [40, 45]);
    const officer = await signInAsUser(t, c.officer);
    const early = await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { confirm: 'yes', reason: '机构未整改' }).expect(422);
    expect(early.text).toContain('整改期限未到');
    const page = await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200);
    expect(page.text).not.toContain('data-testid="terminate-form-1"');
    const [rect] = await t.dataSource.query(`SELECT deadline FROM milestone_rectifications WHERE contract_id = $1`, [c.contract.id]);
    await advanceClock(t.dataSource, rect.deadline.getTime() - (await dbNow(t.dataSource)).getTime() + 60_000);
    expect((await officer.agent.get(`/staff/service-evaluations/${c.contract.id}`).expect(200)).text).toContain('data-testid="terminate-form-1"');
    const empty = await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { confirm: 'yes', reason: '' }).expect(400);
    expect(empty.text).toContain('请说明解除合同的原因');
    const approver = await signInAsUser(t, c.approver);
    await approver.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { reason: '期限已过' }).expect(403);
    const before = await fundPaymentBalances(t, c.contract.fundId);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { confirm: 'yes', reason: '整改期限已过，机构未重新交付' }).expect(303);
    const [contract] = await t.dataSource.query(`SELECT status FROM contracts WHERE id = $1`, [c.contract.id]);
    expect(contract.status).toBe('terminated');
    const statuses = await t.dataSource.query(`SELECT status FROM contract_milestones WHERE contract_id = $1 ORDER BY position`, [c.contract.id]);
    expect(statuses.map((s: { status: string }) => s.status)).toEqual(['failed', 'cancelled', 'cancelled']);
    expect((await fundPaymentBalances(t, c.contract.fundId)).committed).toBe(before.committed - Number(c.contract.amountMinor));
    const [closed] = await t.dataSource.query(`SELECT status FROM milestone_rectifications WHERE contract_id = $1`, [c.contract.id]);
    expect(closed.status).toBe('failed');
    expect(await auditActions(t, 'contract', c.contract.id)).toEqual(expect.arrayContaining(['service_evaluation.rectification_missed', 'contract.terminated']));
    expect((await t.app.get(LedgerQueries).verifyLedger()).ok).toBe(true);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { confirm: 'yes', reason: '再次解除' }).expect(422);
  });

  it('writes one result when the last two evaluators submit at the same moment', async () => {
    const c = await createContractWithEvaluators(t, 3);
    await deliverMilestone(t, c, 1);
    await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[0]), c.contract.id, 1, sheetFor(80), true);
    const outcomes = await Promise.all(c.evaluators.slice(1).map((e) => serviceEvaluation(t).saveScores(evaluatorActor(e), c.contract.id, 1, sheetFor(90), true)));
    expect(outcomes.filter((o) => o.completed).length).toBe(1);
    expect(await resultsOf(t, c.contract.id)).toEqual([{ position: 1, round: 1, score_centi: 8667, grade: 'good' }]); // 86.666… → 86.67
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'service_evaluation.completed'`, [c.contract.id]);
    expect(n.n).toBe(1);
  });

  it('takes the satisfaction indicator from the residents’ survey once it has its minimum of responses', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const [survey] = await t.dataSource.query(
      `INSERT INTO milestone_surveys (contract_id, milestone_position, token, closes_at, min_responses, opened_by) VALUES ($1, 1, $2, app_now() + interval '10 days', 3, $3) RETURNING id`,
      [c.contract.id, randomBytes(32).toString('base64url'), c.officer.id],
    );
    for (const rating of [5, 4, 4]) {
      await t.dataSource.query(`INSERT INTO survey_responses (survey_id, rating, device_hash) VALUES ($1, $2, $3)`, [survey.id, rating, randomBytes(32).toString('hex')]);
    }
    // Evaluators score the other three indicators (80 points available); satisfaction = 13/15 × 20 = 17.333…
    const sheet = (points: Record<string, string>) => ({ points, comments: {} });
    await serviceEvaluation(t).saveScores(
      evaluatorActor(c.evaluators[0]),
      c.contract.id,
      1,
      sheet({ output_quantity: '27', service_quality: '26', management_finance: '18', resident_satisfaction: '0' }),
      true,
    );
    const done = await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[1]), c.contract.id, 1, sheet({ output_quantity: '28', service_quality: '25', management_finance: '17' }), true);
    // mean(71, 70) = 70.5; + 52/3 = 87.8333… → 87.83
    expect(done.completed).toMatchObject({ scoreCenti: 8783, grade: 'good' });
    const [round] = await t.dataSource.query(`SELECT satisfaction_source, survey_responses, survey_rating_sum, score_exact FROM milestone_evaluation_rounds WHERE contract_id = $1`, [c.contract.id]);
    expect(round).toEqual({ satisfaction_source: 'survey', survey_responses: 3, survey_rating_sum: 13, score_exact: '527/6' });
    const [line] = await t.dataSource.query(`SELECT count(*)::int AS n FROM milestone_scores WHERE contract_id = $1 AND indicator_code = 'resident_satisfaction'`, [c.contract.id]);
    expect(line.n).toBe(0);
  });

  it('lets the officer move the rectification deadline within the rules, and tells the organisation', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [40, 45]);
    const officer = await signInAsUser(t, c.officer);
    const now = await dbNow(t.dataSource);
    const day = (offset: number) => new Date(now.getTime() + offset * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const bad = await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/rectification`, { deadline: day(-3), reason: '给予更短期限' }).expect(400);
    expect(bad.text).toContain('整改期限须晚于现在');
    expect(bad.text).toContain('给予更短期限'); // the input is kept
    await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/rectification`, { deadline: day(500) }).expect(400);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/rectification`, { deadline: day(14), reason: '两周内完成整改' }).expect(303);
    const [rect] = await t.dataSource.query(`SELECT deadline, reason, deadline_set_by FROM milestone_rectifications WHERE contract_id = $1`, [c.contract.id]);
    expect(rect.reason).toBe('两周内完成整改');
    expect(rect.deadline_set_by).toBe(c.officer.id);
    expect(new Date(rect.deadline).toISOString()).toBe(`${day(14)}T16:00:00.000Z`); // end of that day in Shanghai
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'service_evaluation.rectification_deadline' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
    await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/2/rectification`, { deadline: day(14) }).expect(422);
    const approver = await signInAsUser(t, c.approver);
    await approver.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/rectification`, { deadline: day(20) }).expect(403);
  });
});

import { ContractsService } from '../../src/contracts/contracts.service';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { actorOf, awardProject, createApprover, createEvaluatedProject, createOfficer, passChallengePeriod, signInAsUser } from '../factories/awards';
import { bidPayload, submitBid, createProjectWithBidder } from '../factories/bidding';
import { committeeOf, createEvaluatorPool, createOpenedProject, declareAll, lettersOf, qualifyAll, requestCommittee, score } from '../factories/evaluation';
import { createActiveContract, passMilestone } from '../factories/payments';
import { createDraft, createFund, projectForm } from '../factories/procurement';
import { createContractWithEvaluators, deliverMilestone, scoreAll } from '../factories/service-evaluation';
import { TEST_PASSWORD, signIn, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Issue 10: a confirmation step is shown only for an action that may be taken. Every refusal the
 * action would meet comes before the step (the person is told at once, nothing to confirm), so
 * nobody confirms and is only then told it was never allowed.
 */
const STEP = 'data-testid="confirmation"';

describe('confirmation steps: refusals come before the step, never after it', () => {
  let t: TestApp;
  jest.setTimeout(240_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('withdraw a bid: no bid to withdraw, or one already withdrawn, is refused without a step', async () => {
    const { project, org } = await createProjectWithBidder(t);
    const none = await org.session.form(`/projects/${project.id}/bid/withdraw`);
    expect(none.status).toBe(404);
    expect(none.text).not.toContain(STEP);
    await submitBid(org.session, project.id, bidPayload(project)).expect(201);
    expect((await org.session.form(`/projects/${project.id}/bid/withdraw`).expect(200)).text).toContain(STEP);
    await org.session.form(`/projects/${project.id}/bid/withdraw`, { confirm: 'yes' }).expect(303);
    const again = await org.session.form(`/projects/${project.id}/bid/withdraw`);
    expect(again.status).toBe(409);
    expect(again.text).not.toContain(STEP);
  });

  it('publish a project: a fund that cannot cover the reservation is named before the step, and the project stays a draft', async () => {
    const { session } = await signInAs(t, ['bureau_officer']);
    const fund = await createFund(t, { name: '额度不足的专项资金', total: '400000' });
    const draftId = await createDraft(session, await projectForm(t, fund.id, { budgetCeiling: '300000' }));
    // Meanwhile another project reserves most of the fund.
    await t.dataSource.query(`UPDATE funds SET reserved_minor = 30000000 WHERE id = $1`, [fund.id]);
    const res = await session.form(`/staff/projects/${draftId}/publish`);
    expect(res.status).toBe(422);
    expect(res.text).toContain('¥100,000.00');
    expect(res.text).not.toContain(STEP);
    const [row] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [draftId]);
    expect(row.status).toBe('draft');
  });

  it('award: a project already awarded is refused without a step', async () => {
    const project = await createEvaluatedProject(t);
    await awardProject(t, project);
    const top = project.bidders.find((b) => b.rank === 1)!;
    const session = await signInAsUser(t, await createApprover(t, '郑审批'));
    const res = await session.form(`/staff/projects/${project.id}/award`, { bidId: top.bidId });
    expect(res.status).toBe(409);
    expect(res.text).not.toContain(STEP);
  });

  it('confirm a contract: a party that already confirmed, or one confirming inside the challenge period, is refused without a step', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const officer = await createOfficer(t);
    const service = t.app.get(ContractsService);
    const winner = project.bidders.find((b) => b.bidId === award.bidId)!;
    const admin = await signInAsUser(t, winner.admin);
    await passChallengePeriod(t, award.id);
    const generated = await service.generateContract(actorOf(officer), award.id);
    expect((await admin.form(`/organisation/contracts/${generated.id}/confirm`).expect(200)).text).toContain(STEP);
    await admin.form(`/organisation/contracts/${generated.id}/confirm`, { confirm: 'yes' }).expect(303);
    const twice = await admin.form(`/organisation/contracts/${generated.id}/confirm`);
    expect(twice.status).toBe(409);
    expect(twice.text).not.toContain(STEP);
    // The contract's approver side: an active contract is not awaiting anyone.
    const active = await createActiveContract(t);
    const approver = await signInAsUser(t, await createApprover(t, '钱审批'));
    const late = await approver.form(`/staff/contracts/${active.contract.id}/confirm`);
    expect(late.status).toBe(409);
    expect(late.text).not.toContain(STEP);
  });

  it('approve or reject a disbursement: the proposer, a decided one, or a rejection without a reason are refused without a step', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9000);
    const d = await t.app.get(DisbursementsService).proposeDisbursement(actorOf(c.officer), c.contract.id, 1);
    const approver = await signInAsUser(t, c.approver);
    const noReason = await approver.form(`/staff/disbursements/${d.id}/reject`, { reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).not.toContain(STEP);
    expect((await approver.form(`/staff/disbursements/${d.id}/approve`).expect(200)).text).toContain(STEP);
    await approver.form(`/staff/disbursements/${d.id}/approve`, { confirm: 'yes' }).expect(303);
    const decided = await approver.form(`/staff/disbursements/${d.id}/approve`);
    expect(decided.status).toBe(409);
    expect(decided.text).not.toContain(STEP);
  });

  it('submit final committee scores: a member with bids left unscored is told which, without a step', async () => {
    const project = await createOpenedProject(t, { method: 'competitive_consultation', bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { priceMinor: 27_000_000 }] });
    await createEvaluatorPool(t, 3, { prefix: '确认评委' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    const [member] = (await committeeOf(t, evaluationId)).filter((m) => m.status !== 'recused');
    const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [member.user_id]);
    const session = await signIn(t, { email, password: TEST_PASSWORD });
    const letters = [...lettersOf(project).values()];
    await score(t, evaluationId, member.user_id, letters[0], { c1: '30', c2: '20' });
    const res = await session.form(`/evaluations/${evaluationId}/submission`);
    expect(res.status).toBe(422);
    expect(res.text).toContain(`${letters[1]}、${letters[2]}`);
    expect(res.text).not.toContain(STEP);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM score_submissions WHERE evaluation_id = $1`, [evaluationId]);
    expect(n).toBe(0);
  });

  it('submit final service-evaluation scores: an incomplete sheet is reported field by field, without a step', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    const evaluator = await signIn(t, { email: c.evaluators[0].email, password: TEST_PASSWORD });
    const res = await evaluator.form(`/service-evaluations/${c.contract.id}/milestones/1/scores`, { action: 'submit', 'points[output_quantity]': '20' });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(STEP);
    expect(res.text).toContain('value="20"');
  });

  it('terminate for a missed rectification: before the deadline, or without a reason, refused without a step', async () => {
    const c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    await scoreAll(t, c, 1, [40, 45]);
    const officer = await signInAsUser(t, c.officer);
    const early = await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { reason: '机构未整改' });
    expect(early.status).toBe(422);
    expect(early.text).toContain('整改期限未到');
    expect(early.text).not.toContain(STEP);
    const empty = await officer.form(`/staff/service-evaluations/${c.contract.id}/milestones/1/termination`, { reason: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('请说明解除合同的原因');
    expect(empty.text).not.toContain(STEP);
    const [contract] = await t.dataSource.query(`SELECT status FROM contracts WHERE id = $1`, [c.contract.id]);
    expect(contract.status).toBe('active');
  });
});

import { ContractsService } from '../../src/contracts/contracts.service';
import { enterCalendarYears } from '../support/calendar';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { fieldErrorsIn } from '../factories/procurement';
import { openFundInLedger, passMilestone } from '../factories/payments';
import {
  EvaluatedProject,
  TestUser,
  actorOf,
  auditActions,
  awardProject,
  createApprover,
  createEvaluatedProject,
  createOfficer,
  fileChallenge,
  passChallengePeriod,
  signInAsUser,
} from '../factories/awards';
import { createUser } from '../factories/users';
import { advanceClock, dbNow } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

const GROUNDS = '第三项评分标准“人员配置”的得分与招标文件第四章规定不一致：本机构持证社工 6 名，应得满分。请复核。';
const ANSWER = '经复核，评审委员会对“人员配置”的评分符合招标文件第四章规定，质疑事项不成立。';
const COMPLAINT = '采购人对质疑的答复未回应本机构提出的评分依据问题，答复理由不成立，请求财政部门责令重新评审。';
const DECISION = '经调查，评审委员会对“人员配置”的评分违背招标文件规定，投诉事项成立，责令采购人重新开展采购活动。';
const SUSPEND = '投诉处理期间，为避免造成不可挽回的损失，暂停该项目的采购活动。';

describe('complaints (投诉) to the finance department, and the suspension it orders', () => {
  let t: TestApp;
  let financeUser: TestUser;
  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    // Challenge, answer and complaint periods reach next year whenever the suite runs late in a year.
    await enterCalendarYears(t);
    const u = await createUser(t, { roles: ['finance_supervisor'], displayName: '财政监督 黄磊' });
    financeUser = { id: u.id, email: u.email, password: u.password, displayName: '财政监督 黄磊', roles: ['finance_supervisor'] };
  });
  afterAll(async () => {
    await t?.close();
  });

  const loser = (p: EvaluatedProject) => p.bidders.find((b) => b.rank === 2)!;

  /** Award, a challenge by the second-ranked bidder, answered by an officer (or not). */
  async function challenged(options: { answer?: { decision: string; outcome?: string; answer: string } | null } = {}) {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const member = await signInAsUser(t, loser(project).member);
    await fileChallenge(member, award.id, GROUNDS).expect(303);
    const [challenge] = await t.dataSource.query(`SELECT id, answer_due_at FROM challenges WHERE award_id = $1`, [award.id]);
    if (options.answer !== null) {
      const officer = await signInAsUser(t, await createOfficer(t));
      await officer.form(`/staff/challenges/${challenge.id}/answer`, options.answer ?? { decision: 'dismiss', answer: ANSWER }).expect(303);
    }
    return { project, award, member, challenge: challenge as { id: string; answer_due_at: Date } };
  }

  async function complain(member: Awaited<ReturnType<typeof challenged>>['member'], challengeId: string) {
    await member.form(`/organisation/challenges/${challengeId}/complaint`, { grounds: COMPLAINT }).expect(303);
    const [complaint] = await t.dataSource.query(`SELECT id FROM complaints WHERE challenge_id = $1`, [challengeId]);
    return complaint.id as string;
  }

  it('lifecycle: not before the answer; filed by the challenger only; the finance department suspends, decides, and the decision is published', async () => {
    const { project, award, member, challenge } = await challenged({ answer: null });
    // While the challenge awaits its answer, within the answer period: not yet.
    let page = await member.agent.get(`/organisation/challenges/${challenge.id}/complaint`).expect(200);
    expect(page.text).toContain('data-testid="complaint-not-yet"');
    const early = await member.form(`/organisation/challenges/${challenge.id}/complaint`, { grounds: COMPLAINT }).expect(422);
    expect(early.text).toContain('质疑尚在答复期限内');
    const officer = await signInAsUser(t, await createOfficer(t));
    await officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: ANSWER }).expect(303);

    // Reached by clicking: the award page links to the complaint page.
    const awardPage = await member.agent.get(`/organisation/awards/${award.id}`).expect(200);
    expect(awardPage.text).toContain(`href="/organisation/challenges/${challenge.id}/complaint"`);
    page = await member.agent.get(`/organisation/challenges/${challenge.id}/complaint`).expect(200);
    expect(page.text).toContain('data-testid="complaint-form"');
    expect(page.text).toMatch(/投诉期限：质疑答复期限于 \d{4}-\d{2}-\d{2} 24:00 届满，次日起 15 个工作日/);
    const short = await member.form(`/organisation/challenges/${challenge.id}/complaint`, { grounds: '不服' }).expect(400);
    expect(fieldErrorsIn(short.text)).toContain('请填写 10–20000 个字');
    expect(short.text).toContain('不服');
    // Another bidder cannot complain about someone else's challenge (not found for them).
    const other = await signInAsUser(t, project.bidders.find((b) => b.rank === 3)!.member);
    await other.agent.get(`/organisation/challenges/${challenge.id}/complaint`).expect(404);
    await other.form(`/organisation/challenges/${challenge.id}/complaint`, { grounds: COMPLAINT }).expect(404);
    const complaintId = await complain(member, challenge.id);
    const twice = await member.form(`/organisation/challenges/${challenge.id}/complaint`, { grounds: COMPLAINT }).expect(409);
    expect(twice.text).toContain('本机构已就该质疑提起过投诉');
    const [told] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'complaint.filed' AND user_id = $1`, [financeUser.id]);
    expect(told.n).toBe(1);

    // The finance department: only it (and auditors, read-only) see complaints.
    await officer.agent.get('/finance/complaints').expect(403);
    const finance = await signInAsUser(t, financeUser);
    const nav = await finance.agent.get('/dashboard').expect(200);
    expect(nav.text).toContain('href="/finance/complaints"');
    const list = await finance.agent.get('/finance/complaints').expect(200);
    expect(list.text).toContain(`/finance/complaints/${complaintId}`);
    const detail = await finance.agent.get(`/finance/complaints/${complaintId}`).expect(200);
    expect(detail.text).toContain(COMPLAINT);
    expect(detail.text).toContain(GROUNDS);
    expect(detail.text).toContain(ANSWER);
    const badSuspend = await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '31', reason: '短' }).expect(400);
    expect(fieldErrorsIn(badSuspend.text)).toContain('请填写 1–30 之间的整数');
    expect(fieldErrorsIn(badSuspend.text)).toContain('请填写 10–20000 个字');
    await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '20', reason: SUSPEND }).expect(303);
    expect((await finance.agent.get(`/finance/complaints/${complaintId}`).expect(200)).text).toContain('data-testid="suspension-in-force"');
    const [{ suspended }] = await t.dataSource.query(`SELECT procurement_suspended($1) AS suspended`, [project.id]);
    expect(suspended).toBe(true);
    await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '5', reason: SUSPEND }).expect(409);

    const badDecision = await finance.form(`/finance/complaints/${complaintId}/decision`, { decision: 'uphold', text: DECISION }).expect(400);
    expect(fieldErrorsIn(badDecision.text)).toContain('请选择一项');
    expect(badDecision.text).toContain(DECISION);
    await finance.form(`/finance/complaints/${complaintId}/decision`, { decision: 'uphold', consequence: 'restart_procurement', text: DECISION }).expect(303);
    await finance.form(`/finance/complaints/${complaintId}/decision`, { decision: 'dismiss', text: DECISION }).expect(409);
    const [row] = await t.dataSource.query(`SELECT status, consequence, decision FROM complaints WHERE id = $1`, [complaintId]);
    expect(row).toEqual({ status: 'upheld', consequence: 'restart_procurement', decision: DECISION });
    // The decision ends the suspension.
    const [after] = await t.dataSource.query(`SELECT procurement_suspended($1) AS suspended`, [project.id]);
    expect(after.suspended).toBe(false);
    expect(await auditActions(t, 'complaint', complaintId)).toEqual(['complaint.filed', 'procurement.suspended', 'procurement.suspension_lifted', 'complaint.decided']);
    await expect(t.dataSource.query(`UPDATE complaints SET decision = 'x' || decision WHERE id = $1`, [complaintId])).rejects.toThrow(/decided once/);

    // Published on the board, reached from the notices page; the challenger sees it on its page.
    const board = await t.http().get('/notices').expect(200);
    expect(board.text).toContain('href="/notices/complaints"');
    const notice = await t.http().get('/notices/complaints').expect(200);
    expect(notice.text).toContain(DECISION);
    expect(notice.text).toContain('责令重新开展采购活动');
    expect(notice.text).toContain(loser(project).nameZh);
    expect(notice.text).not.toContain(COMPLAINT);
    const own = await member.agent.get(`/organisation/challenges/${challenge.id}/complaint`).expect(200);
    expect(own.text).toContain(DECISION);
  });

  it('an unanswered challenge may be complained of once its answer period passes; a complaint on the last day is accepted, one a minute later refused', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    const second = await signInAsUser(t, project.bidders.find((b) => b.rank === 2)!.member);
    const third = await signInAsUser(t, project.bidders.find((b) => b.rank === 3)!.member);
    await fileChallenge(second, award.id, GROUNDS).expect(303);
    await fileChallenge(third, award.id, GROUNDS).expect(303);
    const challenges = await t.dataSource.query(`SELECT id, organisation_id, answer_due_at FROM challenges WHERE award_id = $1`, [award.id]);
    const mine = (org: string) => challenges.find((c: { organisation_id: string }) => c.organisation_id === org);
    const c2 = mine(project.bidders.find((b) => b.rank === 2)!.organisationId);
    const c3 = mine(project.bidders.find((b) => b.rank === 3)!.organisationId);
    // Not answered: from the instant the answer period ends.
    await advanceClock(t.dataSource, c2.answer_due_at.getTime() - (await dbNow(t.dataSource)).getTime());
    const s2 = await signInAsUser(t, project.bidders.find((b) => b.rank === 2)!.member);
    const page = await s2.agent.get(`/organisation/challenges/${c2.id}/complaint`).expect(200);
    expect(page.text).toContain('data-testid="complaint-form"');
    // Both challenges were filed the same day: the same complaint period. Its last minute, then one minute after.
    const [{ endsAt }] = await t.dataSource.query(`SELECT $1::timestamptz AS "endsAt"`, [await periodEnd(c3.id)]);
    await advanceClock(t.dataSource, new Date(endsAt).getTime() - (await dbNow(t.dataSource)).getTime() - 60_000);
    await (await signInAsUser(t, project.bidders.find((b) => b.rank === 3)!.member)).form(`/organisation/challenges/${c3.id}/complaint`, { grounds: COMPLAINT }).expect(303);
    await advanceClock(t.dataSource, 120_000);
    const late = await (await signInAsUser(t, project.bidders.find((b) => b.rank === 2)!.member)).form(`/organisation/challenges/${c2.id}/complaint`, { grounds: COMPLAINT }).expect(422);
    expect(late.text).toContain('投诉期限已于');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM complaints WHERE project_id = $1`, [project.id]);
    expect(n).toBe(1);
    const [stored] = await t.dataSource.query(`SELECT period_ends_at FROM complaints WHERE challenge_id = $1`, [c3.id]);
    expect(new Date(stored.period_ends_at).toISOString()).toBe(new Date(endsAt).toISOString());
  });

  /** The complaint period of a challenge as the page computes it (read from the stored answer period). */
  async function periodEnd(challengeId: string): Promise<string> {
    const { complaintPeriod } = await import('../../src/complaints/domain/complaints');
    const { ProcurementRulesService } = await import('../../src/procurement/procurement-rules.service');
    const [c] = await t.dataSource.query(`SELECT answer_due_at, answer_due_explanation FROM challenges WHERE id = $1`, [challengeId]);
    const calendar = await t.app.get(ProcurementRulesService).loadCalendar(t.dataSource.manager, '2000-01-01');
    return complaintPeriod({ answerDueAt: c.answer_due_at, answerDueExplanation: c.answer_due_explanation }, calendar).endsAt.toISOString();
  }

  it('a suspended procurement cannot be awarded: refused on the page and by the database; the decision lifts it', async () => {
    const { project, member, challenge } = await challenged({ answer: { decision: 'uphold', outcome: 'cancel_award', answer: '成交人资质材料存在问题，质疑成立，撤销成交结果。' } });
    const complaintId = await complain(member, challenge.id);
    const finance = await signInAsUser(t, financeUser);
    await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '30', reason: SUSPEND }).expect(303);
    const approverUser = await createApprover(t);
    const approver = await signInAsUser(t, approverUser);
    const refused = await approver.form(`/staff/projects/${project.id}/award`, { bidId: project.bidders[0].bidId, confirm: 'yes' }).expect(422);
    expect(refused.text).toContain('财政部门已暂停本项目的采购活动');
    const api = await approver.agent
      .post(`/staff/projects/${project.id}/award`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', approver.csrf)
      .send({ bidId: project.bidders[0].bidId })
      .expect(422);
    expect(api.body.error.code).toBe('PROCUREMENT.SUSPENDED');
    // The service check bypassed: the database refuses the award row itself.
    await expect(
      t.dataSource.query(
        `INSERT INTO awards (project_id, evaluation_id, bid_id, organisation_id, price_minor, is_top_ranked, status, awarded_by, awarded_at, challenge_period_ends_at, challenge_period_explanation, notice)
         SELECT project_id, evaluation_id, bid_id, organisation_id, price_minor, true, 'active', $2, app_now(), app_now() + interval '10 days', '{}', '{}' FROM awards WHERE project_id = $1 LIMIT 1`,
        [project.id, approverUser.id],
      ),
    ).rejects.toThrow(/suspended by the finance department/);
    // Dismissed: the suspension ends and the award can be made.
    await finance.form(`/finance/complaints/${complaintId}/decision`, { decision: 'dismiss', text: '投诉事项缺乏事实依据，驳回投诉。' }).expect(303);
    await approver.form(`/staff/projects/${project.id}/award`, { bidId: project.bidders[0].bidId, reason: '', confirm: 'yes' }).expect(303);
  });

  it('a suspended procurement cannot confirm its contract or pay: refused by the services and by the database; it resumes when lifted or after its days', async () => {
    const { project, award, member, challenge } = await challenged();
    const complaintId = await complain(member, challenge.id);
    await passChallengePeriod(t, award.id);
    const officer = await createOfficer(t);
    const contracts = t.app.get(ContractsService);
    const generated = await contracts.generateContract(actorOf(officer), award.id);
    const winner = project.bidders.find((b) => b.bidId === award.bidId)!;
    await contracts.confirmContract(actorOf(winner.admin, winner.organisationId), generated.id, 'organisation');

    const finance = await signInAsUser(t, financeUser);
    await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '10', reason: SUSPEND }).expect(303);
    const approverUser = await createApprover(t);
    const approver = await signInAsUser(t, approverUser);
    const refused = await approver.form(`/staff/contracts/${generated.id}/confirm`, { confirm: 'yes' }).expect(422);
    expect(refused.text).toContain('财政部门已暂停本项目的采购活动');
    await expect(t.dataSource.query(`UPDATE contracts SET approver_confirmed_at = app_now(), approver_confirmed_by = $2 WHERE id = $1`, [generated.id, approverUser.id])).rejects.toThrow(
      /suspended by the finance department/,
    );
    await finance.form(`/finance/complaints/${complaintId}/suspension/lift`, { liftReason: '经审查，暂停的必要性已消除，恢复采购活动。' }).expect(303);
    await approver.form(`/staff/contracts/${generated.id}/confirm`, { confirm: 'yes' }).expect(303);
    const [active] = await t.dataSource.query(`SELECT status FROM contracts WHERE id = $1`, [generated.id]);
    expect(active.status).toBe('active');

    // A tranche proposed, then the procurement suspended again: no approval, no payment.
    await openFundInLedger(t, (await t.dataSource.query(`SELECT fund_id FROM contracts WHERE id = $1`, [generated.id]))[0].fund_id);
    await passMilestone(t, generated.id, 1, 9000);
    const proposed = await t.app.get(DisbursementsService).proposeDisbursement(actorOf(officer), generated.id, 1);
    await finance.form(`/finance/complaints/${complaintId}/suspension`, { days: '3', reason: SUSPEND }).expect(303);
    const payRefused = await approver.form(`/staff/disbursements/${proposed.id}/approve`, { confirm: 'yes' }).expect(422);
    expect(payRefused.text).toContain('财政部门已暂停本项目的采购活动');
    await expect(t.dataSource.query(`UPDATE disbursements SET status = 'approved', decided_by = $2, decided_at = app_now() WHERE id = $1`, [proposed.id, approverUser.id])).rejects.toThrow(
      /suspended by the finance department/,
    );
    const [still] = await t.dataSource.query(`SELECT status FROM disbursements WHERE id = $1`, [proposed.id]);
    expect(still.status).toBe('proposed');
    // A suspension lasts its days at most (财政部令第94号 第二十八条): three days later the approval goes through.
    await advanceClock(t.dataSource, 3 * 86_400_000 + 60_000);
    const again = await signInAsUser(t, approverUser);
    await again.form(`/staff/disbursements/${proposed.id}/approve`, { confirm: 'yes' }).expect(303);
  });
});

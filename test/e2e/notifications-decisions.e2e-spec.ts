import { ContractsService } from '../../src/contracts/contracts.service';
import { MailOutboxWorker } from '../../src/notifications/mail-outbox.worker';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { DisbursementsService } from '../../src/payments/disbursements.service';
import { actorOf, awardProject, createEvaluatedProject, createOfficer, fileChallenge, passChallengePeriod, signInAsUser } from '../factories/awards';
import { createBiddingOrganisation, createPublishedProject } from '../factories/bidding';
import { createOrganisation } from '../factories/organisations';
import { createActiveContract, passMilestone, voucherNo } from '../factories/payments';
import { createContractWithEvaluators, deliverMilestone, scoreAll } from '../factories/service-evaluation';
import { createUser, signIn } from '../factories/users';
import { enterCalendarYears } from '../support/calendar';
import { TestSmtpServer, startSmtpServer } from '../support/smtp';
import { TestApp, createTestApp } from '../support/test-app';

interface Told {
  kind: string;
  user_id: string;
  email: string;
  mailed: boolean;
}

/**
 * Each decision of issue 10 writes an inbox row and an email for exactly the people it concerns:
 * the set of recipients per kind is compared with the expected set, never "contains".
 */
describe('decisions reach the people they affect (inbox and email)', () => {
  let smtp: TestSmtpServer;
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    smtp = await startSmtpServer();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://mkt.example', LOGIN_RATE_LIMIT: '100000' });
    // Challenge periods move the database clock on by weeks per contract: periods reach next year.
    await enterCalendarYears(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** The notifications written while `action` ran, with whether each has its email in the outbox. */
  async function during(action: () => Promise<unknown>): Promise<Told[]> {
    const [{ at }] = await t.dataSource.query(`SELECT clock_timestamp() AS at`);
    await action();
    return t.dataSource.query(
      `SELECT n.kind, n.user_id, u.email, EXISTS (SELECT 1 FROM mail_outbox o WHERE o.notification_id = n.id) AS mailed
         FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.created_at >= $1`,
      [at],
    );
  }
  const sorted = (ids: Iterable<string>) => [...new Set(ids)].sort();
  const recipientsOf = (told: Told[], kind: string) => sorted(told.filter((r) => r.kind === kind).map((r) => r.user_id));
  const usersOf = async (organisationId: string): Promise<string[]> =>
    sorted((await t.dataSource.query(`SELECT id FROM users WHERE organisation_id = $1 AND is_active`, [organisationId])).map((r: { id: string }) => r.id));
  const withRole = async (role: string): Promise<string[]> => sorted((await t.dataSource.query(`SELECT id FROM users WHERE $1 = ANY(roles) AND is_active`, [role])).map((r: { id: string }) => r.id));
  /** Every notification of `kind` went to exactly `expected` and has its email; the SMTP server received each one. */
  async function expectToldAndMailed(told: Told[], kind: string, expected: string[], subjectPart: string): Promise<void> {
    expect(recipientsOf(told, kind)).toEqual(sorted(expected));
    const rows = told.filter((r) => r.kind === kind);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.mailed).toBe(true);
    await t.app.get(MailOutboxWorker).sendPending();
    for (const row of rows)
      expect(
        smtp
          .to(row.email)
          .map((m) => m.subject)
          .join('\n'),
      ).toContain(subjectPart);
  }

  it('registration: a submission reaches the officers; approval, return and suspension reach that organisation’s members only', async () => {
    const bystander = await createOrganisation(t, { status: 'approved' });
    const officersBefore = await withRole('bureau_officer');
    let submitted!: Awaited<ReturnType<typeof createOrganisation>>;
    const queue = await during(async () => (submitted = await createOrganisation(t, { status: 'submitted' })));
    await expectToldAndMailed(queue, 'organisation.submitted', officersBefore, '提交了登记材料');

    const officer = await signIn(t, await createUser(t, { roles: ['bureau_officer'] }));
    const returned = await during(() =>
      officer.form(`/staff/organisations/${submitted.organisation.id}/decisions`, { decision: 'request_changes', expectedStatus: 'submitted', reason: '请补充章程扫描件' }).expect(303),
    );
    const members = await usersOf(submitted.organisation.id);
    await expectToldAndMailed(returned, 'organisation.changes_requested', members, '退回修改：请补充章程扫描件');
    expect(returned.map((r) => r.kind)).toEqual(['organisation.changes_requested']);

    const other = await createOrganisation(t, { status: 'submitted' });
    // This admin reads English: the email follows the language they chose.
    const admin = await signIn(t, other.admin);
    await admin.agent.get('/locale/en?next=/organisation').expect(303);
    const approved = await during(() => officer.form(`/staff/organisations/${other.organisation.id}/decisions`, { decision: 'approve', expectedStatus: 'submitted' }).expect(303));
    await expectToldAndMailed(approved, 'organisation.approved', await usersOf(other.organisation.id), 'was approved: you may now bid');
    const suspended = await during(() =>
      officer.form(`/staff/organisations/${other.organisation.id}/decisions`, { decision: 'suspend', expectedStatus: 'approved', reason: '年检未通过' }).expect(303),
    );
    await expectToldAndMailed(suspended, 'organisation.suspended', await usersOf(other.organisation.id), 'was suspended');

    const bystanders = await usersOf(bystander.organisation.id);
    for (const told of [queue, returned, approved, suspended]) expect(told.filter((r) => bystanders.includes(r.user_id))).toEqual([]);
  });

  it('an answer to a question reaches the organisation that asked, not the other bidders', async () => {
    const project = await createPublishedProject(t);
    const asker = await createBiddingOrganisation(t);
    const other = await createBiddingOrganisation(t);
    await asker.session.form(`/projects/${project.id}/questions`, { question: '送餐是否包括节假日？' }).expect(303);
    const [question] = await t.dataSource.query(`SELECT id FROM project_questions WHERE project_id = $1`, [project.id]);
    const [{ created_by }] = await t.dataSource.query(`SELECT created_by FROM projects WHERE id = $1`, [project.id]);
    const [owner] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [created_by]);
    const officer = await signIn(t, { email: owner.email, password: 'Correct-horse-42' });
    const told = await during(() => officer.form(`/staff/projects/${project.id}/questions/${question.id}/answer`, { answer: '包括法定节假日。' }).expect(303));
    await expectToldAndMailed(told, 'project.question_answered', await usersOf(asker.organisationId), project.reference);
    expect(told.filter((r) => r.user_id === other.user.id)).toEqual([]);

    // Having asked, the organisation follows the project: it hears of a clarification; an organisation that neither bid nor asked does not.
    const clarified = await during(() =>
      officer.form(`/staff/projects/${project.id}/amendments`, { kind: 'clarification', title: '关于送餐范围的澄清', body: '送餐范围以两社区现有登记老人为准。' }).expect(303),
    );
    await expectToldAndMailed(clarified, 'project.clarified', await usersOf(asker.organisationId), project.reference);
    expect(clarified.filter((r) => r.user_id === other.user.id)).toEqual([]);
  });

  it('award and non-award: each bidder hears its own result; challenges reach the staff and the answer the challenger', async () => {
    const project = await createEvaluatedProject(t);
    const bystander = await createOrganisation(t, { status: 'approved' });
    const winner = project.bidders.find((b) => b.rank === 1)!;
    const losers = project.bidders.filter((b) => b.rank !== 1);
    let award!: Awaited<ReturnType<typeof awardProject>>;
    const awarded = await during(async () => (award = await awardProject(t, project)));
    await expectToldAndMailed(awarded, 'award.won', await usersOf(winner.organisationId), `贵机构在 ${project.reference}`);
    const loserUsers = (await Promise.all(losers.map((l) => usersOf(l.organisationId)))).flat();
    await expectToldAndMailed(awarded, 'award.not_won', loserUsers, '贵机构未成交');
    const bystanders = await usersOf(bystander.organisation.id);
    expect(awarded.filter((r) => bystanders.includes(r.user_id))).toEqual([]);

    const loser = losers[0];
    const challenger = await signInAsUser(t, loser.member);
    const officersBefore = await withRole('bureau_officer');
    const filed = await during(() => fileChallenge(challenger, award.id, '人员配置得分与招标文件不一致，请复核。').expect(303));
    await expectToldAndMailed(filed, 'challenge.filed', [...officersBefore, award.awardedBy], '收到一项质疑');

    const [challenge] = await t.dataSource.query(`SELECT id FROM challenges WHERE award_id = $1`, [award.id]);
    const officer = await signInAsUser(t, await createOfficer(t));
    const answered = await during(() => officer.form(`/staff/challenges/${challenge.id}/answer`, { decision: 'dismiss', answer: '经复核，评分符合招标文件规定。' }).expect(303));
    await expectToldAndMailed(answered, 'challenge.answered', await usersOf(loser.organisationId), '质疑不成立');
  });

  it('a contract waiting for confirmation reaches the winner and the approvers, by email even for those who turned non-essential email off', async () => {
    const project = await createEvaluatedProject(t);
    const award = await awardProject(t, project);
    await passChallengePeriod(t, award.id);
    const winner = project.bidders.find((b) => b.bidId === award.bidId)!;
    await t.app.get(NotificationsService).setEmailSettings(winner.admin.id, false);
    const approvers = await withRole('bureau_approver');
    const officer = await createOfficer(t);
    const told = await during(() => t.app.get(ContractsService).generateContract(actorOf(officer), award.id));
    await expectToldAndMailed(told, 'contract.to_confirm', [...(await usersOf(winner.organisationId)), ...approvers], '');
    expect(smtp.to(winner.admin.email).at(-1)!.text).toContain('始终发送');
  });

  it('money: approvers hear of a proposal, the proposer of the approval, the organisation of the payment', async () => {
    const c = await createActiveContract(t);
    await passMilestone(t, c.contract.id, 1, 9500);
    const disbursements = t.app.get(DisbursementsService);
    const approvers = await withRole('bureau_approver');
    let id!: string;
    const proposed = await during(async () => (id = (await disbursements.proposeDisbursement(actorOf(c.officer), c.contract.id, 1)).id));
    await expectToldAndMailed(proposed, 'disbursement.proposed', approvers, '拨付待审批');
    const officers = await withRole('bureau_officer');
    const approved = await during(() => disbursements.approveDisbursement(actorOf(c.approver), id));
    await expectToldAndMailed(approved, 'disbursement.approved', [c.officer.id, ...officers], '已批准');
    const [{ amount_minor }] = await t.dataSource.query(`SELECT amount_minor FROM disbursements WHERE id = $1`, [id]);
    const paid = await during(() =>
      disbursements.recordTreasuryPayment(actorOf(c.officer), id, {
        voucherNo: voucherNo(),
        paidOn: '2026-11-20',
        payerAccount: '国库单一账户 1102',
        payeeAccount: '受托机构基本户 6222',
        amountMinor: Number(amount_minor),
      }),
    );
    await expectToldAndMailed(paid, 'disbursement.paid', await usersOf(c.organisationId), '款项已支付');
  });

  it('service evaluation: evaluators hear when assigned; the organisation hears its result and the rectification', async () => {
    let c!: Awaited<ReturnType<typeof createContractWithEvaluators>>;
    const assigned = await during(async () => (c = await createContractWithEvaluators(t, 2)));
    await expectToldAndMailed(
      assigned,
      'service_evaluation.assigned',
      c.evaluators.map((e) => e.id),
      '您被指派评估合同',
    );
    await deliverMilestone(t, c, 1);
    const officers = await withRole('bureau_officer');
    const failed = await during(() => scoreAll(t, c, 1, [55, 58]));
    await expectToldAndMailed(failed, 'service_evaluation.rectification', [...(await usersOf(c.organisationId)), ...officers], '须整改');
  });
});

import { createOfficer } from '../factories/awards';
import { PayableContract, createActiveContract, setMilestoneStatus } from '../factories/payments';
import { resident } from '../factories/surveys';
import { Session, createUser, signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('surveys: opening, the poster and the results pages', () => {
  let t: TestApp;
  let c: PayableContract;
  let owner: Session;
  let otherOrg: Session;
  let officer: Session;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    process.env.SURVEY_RATE_LIMIT = '100000';
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000', PUBLIC_URL: 'https://fuwu.example.gov.cn' });
    c = await createActiveContract(t);
    owner = await signIn(t, c.orgAdmin);
    const loser = c.project.bidders.find((b) => b.organisationId !== c.organisationId)!;
    otherOrg = await signIn(t, loser.admin);
    officer = await signIn(t, c.officer);
  });
  afterAll(async () => {
    delete process.env.SURVEY_RATE_LIMIT;
    await t.close();
  });

  const base = () => `/contracts/${c.contract.id}/milestones`;
  const surveyRow = async (position: number) =>
    ((await t.dataSource.query(`SELECT * FROM milestone_surveys WHERE contract_id = $1 AND milestone_position = $2`, [c.contract.id, position])) as Array<Record<string, unknown>>)[0];

  it('lets the organisation open a milestone survey from its page, with the configured defaults', async () => {
    const page = await owner.agent.get(`/organisation${base()}/1/survey`).expect(200);
    expect(page.text).toContain('data-testid="open-form"');
    expect(page.text).toContain('默认 10 份');
    const res = await owner.form(`/organisation${base()}/1/survey`, { closesOn: '', minResponses: '' }).redirects(0);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/organisation${base()}/1/survey`);
    const row = await surveyRow(1);
    expect(row).toMatchObject({ status: 'open', min_responses: 10, opened_by: c.orgAdmin.id });
    expect(String(row.token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Closes at the Shanghai midnight that ends the day 30 days from today.
    expect((row.closes_at as Date).toISOString()).toMatch(/T16:00:00\.000Z$/);
    const days = ((row.closes_at as Date).getTime() - (row.opened_at as Date).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(30);
    expect(days).toBeLessThanOrEqual(31);
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'survey.opened' AND user_id = $1`, [c.officer.id]);
    expect(n.n).toBe(1);
    const after = await owner.agent.get(`/organisation${base()}/1/survey`).expect(200);
    expect(after.text).toContain(`https://fuwu.example.gov.cn/survey/${String(row.token)}`);
    expect(after.text).not.toContain('data-testid="open-form"');
  });

  it('refuses a second survey for the same milestone (409, the page re-rendered)', async () => {
    const res = await owner.form(`/organisation${base()}/1/survey`, { minResponses: '5' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('该服务节点已经开启过调查');
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM milestone_surveys WHERE contract_id = $1`, [c.contract.id]))[0].n).toBe(1);
  });

  it('re-renders the opening form with field messages and the input kept', async () => {
    const res = await officer.form(`/staff${base()}/2/survey`, { closesOn: '2020-01-01', minResponses: '0' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="f-closesOn-error">截止日期不能早于今天</span>');
    expect(res.text).toContain('id="f-minResponses-error">最少答卷数应为 1 到 1000 的整数</span>');
    expect(res.text).toContain('value="2020-01-01"');
    expect(res.text).toContain('id="f-minResponses" name="minResponses" inputmode="numeric" value="0"');
    expect(await surveyRow(2)).toBeUndefined();
  });

  it('lets an officer open a survey with a closing day and minimum; the organisation is told', async () => {
    // Twenty days ahead, as a Shanghai calendar date; the survey closes at the midnight ending it.
    const closesOn = new Date(Date.now() + 20 * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await officer.form(`/staff${base()}/2/survey`, { closesOn, minResponses: '25' }).redirects(0);
    expect(res.status).toBe(303);
    const row = await surveyRow(2);
    expect(row).toMatchObject({ min_responses: 25, opened_by: c.officer.id });
    expect((row.closes_at as Date).toISOString()).toBe(`${closesOn}T16:00:00.000Z`);
    const tooLate = await officer.form(`/staff${base()}/3/survey`, { closesOn: '2099-06-30' });
    expect(tooLate.status).toBe(400);
    expect(tooLate.text).toContain('调查最长开放 365 天');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM notifications WHERE kind = 'survey.opened' AND user_id = $1`, [c.orgAdmin.id]);
    expect(n.n).toBe(1);
  });

  it('shows the poster to the owner organisation and to staff: service, milestone, link and an inline SVG QR code', async () => {
    const { token } = (await surveyRow(1)) as { token: string };
    const poster = await owner.agent.get(`/organisation${base()}/1/survey/poster`).expect(200);
    expect(poster.text).toContain('data-testid="survey-poster"');
    expect(poster.text).toContain(c.project.title);
    expect(poster.text).toContain(c.milestones[0].name);
    expect(poster.text).toContain(`https://fuwu.example.gov.cn/survey/${token}`);
    expect(poster.text).toMatch(
      /<div class="poster-code" data-testid="poster-qr"><svg role="img" aria-label="满意度调查二维码" class="poster-qr" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/,
    );
    expect(poster.text).toContain('/assets/css/surveys.css');
    expect(poster.text).toContain('<html lang="zh-CN">');
    for (const staff of [officer, await signIn(t, await createUser(t, { roles: ['auditor'] })), await signIn(t, c.approver)]) {
      const page = await staff.agent.get(`/staff${base()}/1/survey/poster`).expect(200);
      expect(page.text).toContain(`https://fuwu.example.gov.cn/survey/${token}`);
    }
    const css = await owner.agent.get('/assets/css/surveys.css').expect(200);
    expect(css.text).toContain('@media print');
  });

  it('hides every survey page of the contract from another organisation (404), and refuses it opening one', async () => {
    const { token } = (await surveyRow(1)) as { token: string };
    for (const path of [`/organisation${base()}/1/survey/poster`, `/organisation${base()}/1/survey`, `/organisation${base()}/3/survey`]) {
      const res = await otherOrg.agent.get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain(token);
      expect(res.text).not.toContain(c.milestones[0].name);
    }
    expect((await otherOrg.form(`/organisation${base()}/3/survey`, {})).status).toBe(404);
    expect(await surveyRow(3)).toBeUndefined();
    const list = await otherOrg.agent.get('/organisation/surveys').expect(200);
    expect(list.text).not.toContain(c.contract.reference);
    const own = await owner.agent.get('/organisation/surveys').expect(200);
    expect(own.text).toContain(c.contract.reference);
  });

  it('answers 404 for a milestone without a survey or that does not exist', async () => {
    expect((await owner.agent.get(`/organisation${base()}/3/survey/poster`)).status).toBe(404);
    expect((await officer.agent.get(`/staff${base()}/99/survey`)).status).toBe(404);
    expect((await officer.agent.get(`/staff${base()}/abc/survey`)).status).toBe(404);
  });

  it('refuses opening a survey on a cancelled milestone or a contract that is not active', async () => {
    await setMilestoneStatus(t, c.contract.id, 3, 'cancelled');
    const cancelled = await owner.form(`/organisation${base()}/3/survey`, {});
    expect(cancelled.status).toBe(422);
    await setMilestoneStatus(t, c.contract.id, 3, 'pending');
    const other = await createActiveContract(t);
    await t.dataSource.query(`UPDATE contracts SET status = 'completed' WHERE id = $1`, [other.contract.id]);
    const res = await (await signIn(t, other.officer)).form(`/staff/contracts/${other.contract.id}/milestones/1/survey`, {});
    expect(res.status).toBe(422);
    expect(res.text).toContain('合同不在履行中，不能开启调查');
  });

  it('lists the surveys for staff with their state and responses', async () => {
    const { token } = (await surveyRow(1)) as { token: string };
    // With a phone number: this survey was opened from the form as it comes, counting only such answers.
    expect((await resident(t).answer(token, { rating: '4', phone: '138 0000 4444' })).status).toBe(303);
    const list = await officer.agent.get('/staff/surveys').expect(200);
    expect(list.text).toContain(c.contract.reference);
    expect(list.text).toContain('1 / 10');
    expect(list.text).toContain('4.00');
    const dash = await owner.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('data-testid="dash-open-surveys"');
    expect(dash.text).toContain('已收 1 / 10 份');
    expect((await officer.agent.get('/dashboard').expect(200)).text).toContain(`/staff${base()}/1/survey`);
    expect((await otherOrg.agent.get('/dashboard').expect(200)).text).not.toContain(c.contract.reference);
  });

  it('lets an officer close a survey; the organisation cannot, and the public page then says closed', async () => {
    const { token } = (await surveyRow(1)) as { token: string };
    expect((await owner.form(`/organisation${base()}/1/survey/close`, {})).status).toBe(404);
    const anotherOfficer = await signIn(t, await createOfficer(t));
    const res = await anotherOfficer.form(`/staff${base()}/1/survey/close`, {}).redirects(0);
    expect(res.status).toBe(303);
    expect(await surveyRow(1)).toMatchObject({ status: 'closed' });
    const page = await officer.agent.get(`/staff${base()}/1/survey`).expect(200);
    expect(page.text).toContain('data-testid="survey-status">已结束');
    expect(page.text).not.toContain('data-testid="close-form"');
    expect((await resident(t).visit(token)).status).toBe(410);
    const again = await officer.form(`/staff${base()}/1/survey/close`, {});
    expect(again.status).toBe(409);
  });

  it('serves the pages in English when asked', async () => {
    await owner.agent.get('/locale/en').redirects(0);
    const page = await owner.agent.get(`/organisation${base()}/2/survey`).expect(200);
    expect(page.text).toContain('Milestone satisfaction survey');
    expect(page.text).toContain('Below the minimum of 25 responses (25 more needed)');
  });
});

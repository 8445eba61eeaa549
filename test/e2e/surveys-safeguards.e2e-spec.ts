import { PayableContract, createActiveContract } from '../factories/payments';
import { resident } from '../factories/surveys';
import { Session, signIn } from '../factories/users';
import { SurveysService } from '../../src/surveys/surveys.service';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Answers without a phone number count towards the satisfaction indicator only where the opener
 * allowed it, and bursts of answers are put before staff on the survey page.
 */
describe('surveys: unverified answers and bursts', () => {
  let t: TestApp;
  let c: PayableContract;
  let owner: Session;
  let officer: Session;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    process.env.SURVEY_RATE_LIMIT = '100000';
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    c = await createActiveContract(t);
    owner = await signIn(t, c.orgAdmin);
    officer = await signIn(t, c.officer);
  });
  afterAll(async () => {
    delete process.env.SURVEY_RATE_LIMIT;
    await t.close();
  });

  const page = (who: 'staff' | 'organisation', position: number) => (who === 'staff' ? officer : owner).agent.get(`/${who}/contracts/${c.contract.id}/milestones/${position}/survey`).expect(200);
  const tokenOf = async (position: number) =>
    ((await t.dataSource.query(`SELECT token FROM milestone_surveys WHERE contract_id = $1 AND milestone_position = $2`, [c.contract.id, position])) as Array<{ token: string }>)[0].token;

  it('offers the choice when opening, checked to leave answers without a phone number out, and counts only answers with one', async () => {
    const form = await page('staff', 1);
    expect(form.text).toContain('未留手机号的答卷');
    expect(form.text).toMatch(/name="unverifiedAnswers" value="exclude" checked/);
    await officer.form(`/staff/contracts/${c.contract.id}/milestones/1/survey`, { closesOn: '', minResponses: '2', unverifiedAnswers: 'exclude' }).expect(303);
    const token = await tokenOf(1);
    for (const [rating, phone] of [
      ['5', '138 0000 0001'],
      ['3', '138 0000 0002'],
      ['1', ''],
      ['1', ''],
      ['1', ''],
    ]) {
      expect((await resident(t).answer(token, { rating, phone })).status).toBe(303);
    }
    expect(await t.app.get(SurveysService).satisfactionFor(c.contract.id, 1)).toEqual({ responses: 2, ratingSum: 8, minResponses: 2, meetsMinimum: true });
    const [view] = await t.dataSource.query(`SELECT responses, rating_sum FROM milestone_satisfaction WHERE contract_id = $1 AND milestone_position = 1`, [c.contract.id]);
    expect(view).toEqual({ responses: 2, rating_sum: 8 });
    const [stored] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM survey_responses r JOIN milestone_surveys s ON s.id = r.survey_id WHERE s.contract_id = $1 AND s.milestone_position = 1`,
      [c.contract.id],
    );
    expect(stored.n).toBe(5);
    const staff = await page('staff', 1);
    expect(staff.text).toContain('data-testid="responses">2<');
    expect(staff.text).toContain('3 份未留手机号的答卷（本调查只计入留有手机号的答卷）');
    expect(staff.text).toContain('data-testid="unverified-setting">不计入居民满意度指标');
    expect(staff.text).toContain('data-testid="average">4.00<');
  });

  it('counts every answer where the opener allowed it', async () => {
    await officer.form(`/staff/contracts/${c.contract.id}/milestones/2/survey`, { minResponses: '3', unverifiedAnswers: 'count' }).expect(303);
    const token = await tokenOf(2);
    for (const rating of ['5', '4', '3']) expect((await resident(t).answer(token, { rating })).status).toBe(303);
    expect(await t.app.get(SurveysService).satisfactionFor(c.contract.id, 2)).toEqual({ responses: 3, ratingSum: 12, minResponses: 3, meetsMinimum: true });
    expect((await page('staff', 2)).text).toContain('data-testid="unverified-setting">计入居民满意度指标');
  });

  it('leaves the choice to the bureau: the organisation opens surveys that count only answers with a phone number', async () => {
    const form = await page('organisation', 3);
    expect(form.text).toContain('data-testid="unverified-fixed"');
    expect(form.text).not.toContain('name="unverifiedAnswers"');
    const refused = await owner.form(`/organisation/contracts/${c.contract.id}/milestones/3/survey`, { minResponses: '4', unverifiedAnswers: 'count' }).expect(400);
    expect(refused.text).toContain('只有民政局工作人员可以选择计入未留手机号的答卷');
    expect(refused.text).toContain('value="4"');
    const [none] = await t.dataSource.query(`SELECT count(*)::int AS n FROM milestone_surveys WHERE contract_id = $1 AND milestone_position = 3`, [c.contract.id]);
    expect(none.n).toBe(0);
  });

  it('refuses an unknown choice with the form kept', async () => {
    const res = await officer.form(`/staff/contracts/${c.contract.id}/milestones/3/survey`, { minResponses: '7', unverifiedAnswers: 'maybe' }).expect(400);
    expect(res.text).toContain('请选择未留手机号的答卷是否计入');
    expect(res.text).toContain('value="7"');
  });

  it('flags five answers from one address to staff (not to the organisation), keeping and counting them as set', async () => {
    // Milestone 1 already has five answers, all from this test's address (127.0.0.1).
    const staff = await page('staff', 1);
    expect(staff.text).toContain('data-testid="survey-bursts"');
    expect(staff.text).toContain('同一网络地址提交了 5 份答卷');
    const org = await page('organisation', 1);
    expect(org.text).not.toContain('survey-bursts');
    // The address itself is never stored: only a keyed hash per survey.
    const rows = await t.dataSource.query(`SELECT DISTINCT address_hash FROM survey_responses r JOIN milestone_surveys s ON s.id = r.survey_id WHERE s.contract_id = $1`, [c.contract.id]);
    expect(rows.length).toBe(2);
    for (const r of rows) expect(r.address_hash).toMatch(/^[0-9a-f]{64}$/);
    // Milestone 2's three answers are below the threshold.
    expect((await page('staff', 2)).text).not.toContain('survey-bursts');
  });
});

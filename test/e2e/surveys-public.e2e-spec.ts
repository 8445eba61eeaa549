import request from 'supertest';
import { SurveysService } from '../../src/surveys/surveys.service';
import { actorOf, auditActions } from '../factories/awards';
import { PayableContract, createActiveContract } from '../factories/payments';
import { openSurvey, resident } from '../factories/surveys';
import { signIn } from '../factories/users';
import { advanceClock, resetClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';

describe('surveys: residents answer the public survey', () => {
  let t: TestApp;
  let c: PayableContract;
  let token: string;
  let surveyId: string;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    process.env.SURVEY_RATE_LIMIT = '100000';
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    c = await createActiveContract(t);
    const survey = await openSurvey(t, c, 1, { minResponses: '3' });
    token = survey.token;
    surveyId = survey.id;
  });
  afterAll(async () => {
    delete process.env.SURVEY_RATE_LIMIT;
    await t.close();
  });

  const responses = async () =>
    (await t.dataSource.query(`SELECT rating, comment, device_hash, phone_hash FROM survey_responses WHERE survey_id = $1 ORDER BY submitted_at`, [surveyId])) as Array<{
      rating: number;
      comment: string | null;
      device_hash: string;
      phone_hash: string | null;
    }>;
  const satisfaction = async (position = 1) => {
    const [row] = (await t.dataSource.query(`SELECT * FROM milestone_satisfaction WHERE contract_id = $1 AND milestone_position = $2`, [c.contract.id, position])) as Array<Record<string, unknown>>;
    return row;
  };

  it('shows the form without sign-in: service, milestone, a labelled 1–5 radio group, CSRF token and a device cookie', async () => {
    const r = resident(t);
    const page = await r.visit(token);
    expect(page.status).toBe(200);
    expect(page.text).toContain(c.milestones[0].name);
    expect(page.text).toContain(c.contract.parties.provider.name);
    expect(page.text).toMatch(/<fieldset[^>]*>\s*<legend>您对本次服务的总体满意度<\/legend>/);
    for (const v of ['1', '2', '3', '4', '5']) expect(page.text).toContain(`<input type="radio" name="rating" value="${v}"`);
    expect(page.text).toContain('5 分 · 非常满意');
    expect(page.text).toContain('<label for="f-comment">');
    expect(page.text).toContain('<label for="f-phone">');
    expect(page.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(String(page.headers['set-cookie'])).toMatch(/survey_device=[A-Za-z0-9_-]{43};.*Path=\/survey;.*HttpOnly/);
  });

  it('accepts an answer, stores only hashes, audits it, and shows the device "already answered" with thanks', async () => {
    const r = resident(t);
    const res = await r.answer(token, { rating: '5', comment: '助餐很准时，谢谢', phone: '138 1111 2222' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/survey/${token}`);
    const rows = await responses();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ rating: 5, comment: '助餐很准时，谢谢' });
    expect(rows[0].phone_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('13811112222');
    const after = await r.agent.get(`/survey/${token}`).expect(200);
    expect(after.text).toContain('data-testid="survey-answered"');
    expect(after.text).toContain('提交成功，感谢您的评价！');
    expect(after.text).not.toContain('data-testid="survey-form"');
    expect(await auditActions(t, 'milestone_survey', surveyId)).toEqual(['survey.opened', 'survey.response_recorded']);
    const [audit] = await t.dataSource.query(`SELECT summary::text AS d FROM audit_events WHERE action = 'survey.response_recorded' AND entity_id = $1`, [surveyId]);
    expect(JSON.parse(audit.d)).toMatchObject({ details: { rating: 5, hasPhone: true, hasComment: true } });
    expect(audit.d).not.toContain('助餐');
    expect(audit.d).not.toContain(rows[0].phone_hash);
  });

  it('refuses a second answer from the same device with a friendly page, not an error', async () => {
    const r = resident(t);
    expect((await r.answer(token, { rating: '4' })).status).toBe(303);
    const before = (await responses()).length;
    const again = await r.answer(token, { rating: '1', comment: '再来一次' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('您已参与过本次调查');
    expect((await responses()).length).toBe(before);
  });

  it('counts two answers sent at once from one device once', async () => {
    const r = resident(t);
    await r.visit(token);
    const before = (await responses()).length;
    const [a, b] = await Promise.all([r.answer(token, { rating: '3' }), r.answer(token, { rating: '3' })]);
    expect([a.status, b.status].sort()).toEqual([200, 303]);
    expect((await responses()).length).toBe(before + 1);
  });

  it('refuses a second answer with the same phone number from another device, however the number is written', async () => {
    expect((await resident(t).answer(token, { rating: '2', phone: '139-0000-1111' })).status).toBe(303);
    const before = (await responses()).length;
    const again = await resident(t).answer(token, { rating: '5', phone: '+86 13900001111' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('data-testid="survey-answered"');
    expect((await responses()).length).toBe(before);
    // Without a phone number another device may still answer.
    expect((await resident(t).answer(token, { rating: '4' })).status).toBe(303);
  });

  it.each([
    ['rating 0', { rating: '0' }, 'rating', '评分只能是 1 到 5 分'],
    ['rating 6', { rating: '6' }, 'rating', '评分只能是 1 到 5 分'],
    ['no rating', {}, 'rating', '请选择 1 到 5 分中的一项'],
    ['a comment of 501 characters', { rating: '4', comment: '好'.repeat(501) }, 'comment', '意见和建议最多 500 字'],
    ['a bad phone number', { rating: '4', phone: '12345' }, 'phone', '请输入 11 位手机号，或不填'],
  ])('re-renders the form for %s with the message and the input kept', async (_name, fields, field, message) => {
    const before = (await responses()).length;
    const r = resident(t);
    const res = await r.answer(token, { comment: '门口的台阶需要扶手', phone: '138 2222 3333', ...fields });
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-testid="survey-form"');
    expect(res.text).toContain(`id="f-${field}-error">${message}</span>`);
    expect(res.text).toContain('aria-invalid="true"');
    const kept = (fields as Record<string, string>).comment ?? '门口的台阶需要扶手';
    expect(res.text).toContain(`>${kept}</textarea>`);
    expect(res.text).toContain(`value="${(fields as Record<string, string>).phone ?? '138 2222 3333'}"`);
    if ((fields as Record<string, string>).rating === '4') expect(res.text).toContain('value="4" checked');
    expect((await responses()).length).toBe(before);
  });

  it('refuses a form without the CSRF token (re-rendered, nothing stored)', async () => {
    const before = (await responses()).length;
    const agent = request.agent(t.app.getHttpServer());
    await agent.get(`/survey/${token}`).expect(200);
    const res = await agent.post(`/survey/${token}`).type('form').send({ rating: '5' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-testid="survey-form"');
    expect((await responses()).length).toBe(before);
  });

  it('answers 404 for an unknown token, on the page and the form', async () => {
    const r = resident(t);
    await r.visit(token);
    expect((await r.agent.get(`/survey/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await r.agent.get('/survey/short')).status).toBe(404);
    expect((await r.answer('A'.repeat(43), { rating: '5' })).status).toBe(404);
  });

  it('the view and satisfactionFor give the count, the rating sum and the minimum; staff see the exact average', async () => {
    // Recorded so far: 5, 4, 3, 2, 4 (the refused repeats and bad forms count for nothing).
    expect((await responses()).map((r) => r.rating)).toEqual([5, 4, 3, 2, 4]);
    expect(await satisfaction()).toEqual({ contract_id: c.contract.id, milestone_position: 1, responses: 5, rating_sum: 18, min_responses: 3 });
    expect(await t.app.get(SurveysService).satisfactionFor(c.contract.id, 1)).toEqual({ responses: 5, ratingSum: 18, minResponses: 3, meetsMinimum: true });
    expect(await t.app.get(SurveysService).satisfactionFor(c.contract.id, 2)).toBeNull();
    const staff = await signIn(t, c.officer);
    const page = await staff.agent.get(`/staff/contracts/${c.contract.id}/milestones/1/survey`).expect(200);
    expect(page.text).toContain('data-testid="average">3.60</dd>');
    expect(page.text).toContain('data-testid="responses">5</dd>');
    expect(page.text).toContain('data-testid="minimum-reached"');
    expect(page.text).toContain('<tr data-rating="5"><th scope="row">5 分 · 非常满意</th><td>1</td><td><progress max="100" value="20"');
    expect(page.text).toContain('<tr data-rating="4"><th scope="row">4 分 · 满意</th><td>2</td><td><progress max="100" value="40"');
    expect(page.text).toContain('<tr data-rating="1"><th scope="row">1 分 · 非常不满意</th><td>0</td>');
  });

  it('the view counts a survey without answers as zero, below its minimum', async () => {
    await openSurvey(t, c, 2);
    expect(await satisfaction(2)).toEqual({ contract_id: c.contract.id, milestone_position: 2, responses: 0, rating_sum: 0, min_responses: 10 });
    expect(await t.app.get(SurveysService).satisfactionFor(c.contract.id, 2)).toEqual({ responses: 0, ratingSum: 0, minResponses: 10, meetsMinimum: false });
    const staff = await signIn(t, c.officer);
    const page = await staff.agent.get(`/staff/contracts/${c.contract.id}/milestones/2/survey`).expect(200);
    expect(page.text).toContain('data-testid="minimum-not-reached"');
    expect(page.text).toContain('尚未达到最少答卷数（10 份，还差 10 份）');
  });

  it('shows comments escaped, to staff only; the organisation sees the numbers without them', async () => {
    expect((await resident(t).answer(token, { rating: '1', comment: '<script>alert("x")</script>太吵' })).status).toBe(303);
    const staff = await signIn(t, c.officer);
    const page = await staff.agent.get(`/staff/contracts/${c.contract.id}/milestones/1/survey`).expect(200);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;太吵');
    expect(page.text).not.toContain('<script>alert');
    const org = await signIn(t, c.orgAdmin);
    const own = await org.agent.get(`/organisation/contracts/${c.contract.id}/milestones/1/survey`).expect(200);
    expect(own.text).toContain('data-testid="average"');
    expect(own.text).toContain('data-testid="distribution"');
    expect(own.text).not.toContain('太吵');
    expect(own.text).not.toContain('助餐很准时');
  });

  it('refuses answers once an officer closes the survey: a "closed" page, nothing stored', async () => {
    const r = resident(t);
    await r.visit(token);
    await t.app.get(SurveysService).closeSurvey(actorOf(c.officer), c.contract.id, 1);
    const before = (await responses()).length;
    const res = await r.answer(token, { rating: '5' });
    expect(res.status).toBe(410);
    expect(res.text).toContain('data-testid="survey-closed"');
    expect((await r.agent.get(`/survey/${token}`)).status).toBe(410);
    expect((await responses()).length).toBe(before);
    await expect(t.app.get(SurveysService).closeSurvey(actorOf(c.officer), c.contract.id, 1)).rejects.toMatchObject({ code: 'SURVEYS.ALREADY_CLOSED' });
  });

  it('refuses answers after the closing time by the database clock, even written straight into the table', async () => {
    const other = await createActiveContract(t);
    const survey = await openSurvey(t, other, 1, { minResponses: '1' });
    const r = resident(t);
    await r.visit(survey.token);
    try {
      await advanceClock(t.dataSource, 31 * 86_400_000);
      const res = await r.answer(survey.token, { rating: '5' });
      expect(res.status).toBe(410);
      await expect(t.dataSource.query(`INSERT INTO survey_responses (survey_id, rating, device_hash) VALUES ($1, 5, $2)`, [survey.id, 'a'.repeat(64)])).rejects.toMatchObject({ code: '23514' });
    } finally {
      await resetClock(t.dataSource);
    }
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = $1`, [survey.id]))[0].n).toBe(0);
  });

  it('keeps answers append-only in the database', async () => {
    await expect(t.dataSource.query(`UPDATE survey_responses SET rating = 5 WHERE survey_id = $1`, [surveyId])).rejects.toMatchObject({ code: '23001' });
    await expect(t.dataSource.query(`DELETE FROM survey_responses WHERE survey_id = $1`, [surveyId])).rejects.toMatchObject({ code: '23001' });
  });
});

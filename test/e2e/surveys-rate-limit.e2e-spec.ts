import { createActiveContract } from '../factories/payments';
import { openSurvey, resident } from '../factories/surveys';
import { TestApp, createTestApp } from '../support/test-app';

describe('surveys: answers are rate-limited per client address', () => {
  let t: TestApp;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    process.env.SURVEY_RATE_LIMIT = '3';
    process.env.SURVEY_RATE_WINDOW_SECONDS = '600';
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    delete process.env.SURVEY_RATE_LIMIT;
    delete process.env.SURVEY_RATE_WINDOW_SECONDS;
    await t.close();
  });

  it('accepts three answers from one address in the window, then answers 429 with the form and its input, storing nothing', async () => {
    const c = await createActiveContract(t);
    const { id, token } = await openSurvey(t, c);
    for (const rating of ['5', '4', '3']) expect((await resident(t).answer(token, { rating })).status).toBe(303);
    const fourth = await resident(t).answer(token, { rating: '2', comment: '楼道灯不亮' });
    expect(fourth.status).toBe(429);
    expect(fourth.text).toContain('data-testid="survey-form"');
    expect(fourth.text).toContain('来自您所在网络的提交过多，请稍后再试。');
    expect(fourth.text).toContain('>楼道灯不亮</textarea>');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = $1`, [id]);
    expect(n.n).toBe(3);
    // The counter lives in PostgreSQL, shared by every instance.
    const [counter] = await t.dataSource.query(`SELECT hits FROM throttle_counters WHERE key LIKE 'survey:%'`);
    expect(counter.hits).toBeGreaterThanOrEqual(4);
    // Reading the survey is not limited.
    expect((await resident(t).visit(token)).status).toBe(200);
  });
});

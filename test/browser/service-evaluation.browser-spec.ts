import { Browser } from 'playwright-core';
import { artifact, clickNav, launchBrowser, signInPage } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';
import { TestUser } from '../factories/awards';
import { EvaluatedContract, createContractWithEvaluators, deliverMilestone, evaluatorActor, serviceEvaluation, sheetFor } from '../factories/service-evaluation';

describe('service evaluation journey: an evaluator scores on a phone, the result reaches the officer and the organisation', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let c: EvaluatedContract;

  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
    c = await createContractWithEvaluators(t, 2);
    await deliverMilestone(t, c, 1);
    await serviceEvaluation(t).saveScores(evaluatorActor(c.evaluators[1]), c.contract.id, 1, sheetFor(90), true);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('scores with a kept draft and field messages, submits, and shows the grade to the officer and the organisation', async () => {
    const phone = await signInPage(browser, baseUrl, c.evaluators[0], { width: 390, height: 844 });
    await phone.getByTestId('dash-service-evaluations').waitFor();
    await clickNav(phone, '我的服务评估');
    await phone.getByTestId(`score-${c.contract.id}-1`).click();
    await phone.waitForURL(/\/milestones\/1$/);
    await phone.getByLabel('得分（0–30）').first().fill('31');
    await phone.getByRole('button', { name: '提交评分' }).click();
    await phone.getByTestId('indicator-output_quantity').getByText('得分须在 0 至 30 之间').waitFor(); // beside its field (the error summary repeats it)
    expect(await phone.getByLabel('得分（0–30）').first().inputValue()).toBe('31'); // kept
    const fields = phone.locator('input[name^="points["]');
    const values = ['28', '27.5', '17', '16'];
    for (let i = 0; i < values.length; i++) await fields.nth(i).fill(values[i]);
    await phone.getByRole('button', { name: '保存草稿' }).click();
    await phone.getByText('评分草稿已保存').waitFor();
    expect(await fields.nth(1).inputValue()).toBe('27.50');
    await phone.screenshot({ path: artifact('service-evaluation-scoring-phone.png'), fullPage: true });
    await phone.getByRole('button', { name: '提交评分' }).click();
    await phone.getByTestId('confirm-submit').click();
    await phone.getByText('本轮评估已完成').waitFor();

    const officer = await signInPage(browser, baseUrl, c.officer as TestUser);
    await clickNav(officer, '服务评估');
    await officer.locator(`a[href="/staff/service-evaluations/${c.contract.id}"]`).first().click();
    await officer.getByTestId('result-1').waitFor();
    expect(await officer.getByTestId('result-1').innerText()).toContain('89.25'); // mean(88.5, 90)
    await officer.screenshot({ path: artifact('service-evaluation-officer.png'), fullPage: true });

    const org = await signInPage(browser, baseUrl, c.orgAdmin, { width: 390, height: 844 });
    await clickNav(org, '服务评估');
    const row = org.getByTestId('org-milestone-1');
    expect(await row.innerText()).toContain('良好');
    await org.screenshot({ path: artifact('service-evaluation-organisation-phone.png'), fullPage: true });
  });
});

import * as fs from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { artifact, clickNav, launchBrowser } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';
import { OpenedProject, createEvaluatorPool, createOpenedProject, lettersOf } from '../factories/evaluation';
import { TEST_PASSWORD } from '../factories/users';

async function signInPage(browser: Browser, baseUrl: string, email: string, password: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('电子邮箱').fill(email);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/dashboard$/);
  return page;
}

describe('evaluation journey: three evaluators declare and score, the report ranks the bids', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let project: OpenedProject;

  jest.setTimeout(180_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
    project = await createOpenedProject(t, {
      method: 'competitive_consultation',
      bids: [
        { priceMinor: 25_000_000, nameZh: '阳光社工服务中心' },
        { priceMinor: 26_000_000, nameZh: '和平社区服务社' },
        { priceMinor: 24_000_000, nameZh: '睦邻互助服务中心' },
      ],
    });
    await createEvaluatorPool(t, 3, { prefix: '评审专家' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('goes from the committee draw to the signed-off report', async () => {
    // The officer requests the committee from the evaluations page.
    const officer = await signInPage(browser, baseUrl, project.officer.email, project.officer.password);
    await clickNav(officer, '评审');
    await officer.click(`[data-testid="request-${project.reference}"]`);
    expect(await officer.locator('[data-testid=committee-size]').textContent()).toContain('3 人');
    await officer.screenshot({ path: artifact('evaluation-request.png'), fullPage: true });
    await officer.click('[data-testid=request-committee]');
    await officer.waitForSelector('[data-testid=committee-members]');
    expect(await officer.locator('.notice-success').textContent()).toContain('评审委员会已抽取');
    const evaluationId = /\/staff\/evaluations\/([0-9a-f-]{36})/.exec(officer.url())![1];

    const members = (await t.dataSource.query(
      `SELECT u.email, u.display_name, m.is_chair FROM committee_members m JOIN users u ON u.id = m.user_id WHERE m.evaluation_id = $1 ORDER BY m.is_chair DESC, u.display_name`,
      [evaluationId],
    )) as Array<{ email: string; display_name: string; is_chair: boolean }>;
    expect(members).toHaveLength(3);

    // Each evaluator finds the evaluation on the dashboard and signs the declaration.
    const pages: Page[] = [];
    for (const [i, m] of members.entries()) {
      const page = await signInPage(browser, baseUrl, m.email, TEST_PASSWORD);
      expect(await page.locator('[data-testid=evaluation-due]').textContent()).toContain('待签署声明');
      await page.click('[data-testid=evaluation-due] a');
      await page.waitForSelector('[data-testid=declaration-text]');
      expect(await page.locator('[data-testid=declaration-text]').textContent()).toContain('阳光社工服务中心');
      if (i === 0) await page.screenshot({ path: artifact('evaluation-declaration.png'), fullPage: true });
      await page.getByLabel('本人已阅读并确认上述声明').check();
      await page.getByLabel('签署人姓名（请输入您的姓名）').fill(m.display_name);
      await page.click('[data-testid=declare]');
      await page.waitForSelector('[data-testid=declared]');
      pages.push(page);
    }

    // The officer runs the qualification review: every bid valid, then closes it.
    await clickNav(officer, '评审');
    await officer.click(`a[href="/staff/evaluations/${evaluationId}"]`);
    expect(await officer.locator('[data-testid=progress]').textContent()).toContain('声明 3/3');
    for (const letter of ['A', 'B', 'C']) {
      await officer.click(`[data-testid=qualify-${letter}]`);
      await officer.waitForSelector(`[data-testid=decision-${letter}]`);
    }
    await officer.screenshot({ path: artifact('evaluation-qualification.png'), fullPage: true });
    await Promise.all([officer.waitForEvent('load'), officer.click('[data-testid=close-qualification]')]);
    expect(await officer.locator('[data-testid=evaluation-status]').textContent()).toBe('评分');

    // Scoring: points per criterion (服务方案 of 40, 人员配置 of 30) for bidders A, B, C.
    const letters = lettersOf(project);
    const byName = new Map(project.bids.map((b) => [b.organisation.nameZh, letters.get(b.bidId)!]));
    const sunshine = byName.get('阳光社工服务中心')!;
    const peace = byName.get('和平社区服务社')!;
    const neighbours = byName.get('睦邻互助服务中心')!;
    const sheets: Array<Record<string, [string, string]>> = [
      { [sunshine]: ['35', '26'], [peace]: ['30', '22'], [neighbours]: ['28', '20'] },
      { [sunshine]: ['34.5', '25'], [peace]: ['31', '23'], [neighbours]: ['27', '21'] },
      { [sunshine]: ['36', '27.5'], [peace]: ['29', '21.5'], [neighbours]: ['28.25', '19'] },
    ];
    for (const [i, page] of pages.entries()) {
      // The member's page still shows the qualification stage: they come back to it from their task list.
      await clickNav(page, '我的评审任务');
      await page.click(`a[href="/evaluations/${evaluationId}"]`);
      for (const letter of ['A', 'B', 'C']) {
        await page.click(`[data-testid=score-${letter}]`);
        await page.waitForSelector('[data-testid=save-scores]');
        expect(await page.content()).not.toContain('阳光社工服务中心');
        const [c1, c2] = sheets[i][letter];
        if (i === 0 && letter === 'A') {
          // A score above the weight is refused beside the input, the input kept.
          await page.getByLabel('得分（0–40）').fill('45');
          await page.getByLabel('得分（0–30）').fill(c2);
          await page.click('[data-testid=save-scores]');
          await page.waitForSelector('.field-error');
          expect(await page.locator('.field-error').first().textContent()).toContain('分数必须在 0 到 40 之间');
          expect(await page.getByLabel('得分（0–40）').inputValue()).toBe('45');
          await page.screenshot({ path: artifact('evaluation-score-error.png'), fullPage: true });
        }
        await page.getByLabel('得分（0–40）').fill(c1);
        await page.getByLabel('得分（0–30）').fill(c2);
        await page.click('[data-testid=save-scores]');
        await page.waitForSelector('[data-testid=member-bids]');
      }
      if (i === 1) await page.screenshot({ path: artifact('evaluation-workspace.png'), fullPage: true });
      await page.click('[data-testid=submit-sheets]');
      await page.click('[data-testid=confirm-submit]');
      await page.waitForSelector('[data-testid=submitted]');
    }

    // Everyone has submitted: review. Each member signs the report.
    for (const page of pages) {
      await page.click('[data-testid=report-link]');
      await page.click('[data-testid=sign-off]');
      await page.waitForSelector('[data-testid=you-signed]');
    }
    const last = pages[pages.length - 1];
    expect(await last.locator('[data-testid=evaluation-status]').textContent()).toBe('报告已签署');
    await last.screenshot({ path: artifact('evaluation-report-member.png'), fullPage: true });

    // The officer's report names the bidders behind the letters, ranked.
    await clickNav(officer, '评审');
    await officer.click(`a[href="/staff/evaluations/${evaluationId}"]`);
    await officer.click('[data-testid=report-link]');
    const rows = await officer.locator('[data-testid=rank-row]').allTextContents();
    expect(rows).toHaveLength(3);
    // Lowest price ¥240,000 gets 30. Sunshine: 28.8 + 184/3 = 90.13; Peace: 360/13 + 156.5/3 = 79.86; Neighbours: 30 + 47.75 = 77.75.
    expect(await officer.locator('[data-testid=rank-bidder]').allTextContents()).toEqual([
      expect.stringContaining('阳光社工服务中心'),
      expect.stringContaining('和平社区服务社'),
      expect.stringContaining('睦邻互助服务中心'),
    ]);
    expect(await officer.locator('[data-testid=rank-total]').allTextContents()).toEqual(['90.13', '79.86', '77.75']);
    expect(await officer.locator('[data-testid=rounding-rule]').textContent()).toContain('四舍五入');
    await officer.screenshot({ path: artifact('evaluation-report-staff.png'), fullPage: true });
    // The same report as a PDF (Chinese text from the bundled Noto Sans SC font).
    const [download] = await Promise.all([officer.waitForEvent('download'), officer.click('[data-testid=report-pdf]')]);
    expect(download.suggestedFilename()).toBe(`evaluation-report-${project.reference}-r1.pdf`);
    await download.saveAs(artifact('evaluation-report.pdf'));
    expect(fs.readFileSync(artifact('evaluation-report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    await officer.setViewportSize({ width: 390, height: 844 });
    await officer.screenshot({ path: artifact('evaluation-report-phone.png'), fullPage: true });
  });
});

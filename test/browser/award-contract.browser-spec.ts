import { Browser } from 'playwright-core';
import { artifact, clickNav, launchBrowser, signInPage } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';
import { DEFAULT_BIDDERS, EvaluatedProject, TestUser, createApprover, createEvaluatedProject, createOfficer, passChallengePeriod } from '../factories/awards';

describe('approver journey: award, public notice, challenge period, contract confirmed by both sides and published', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let project: EvaluatedProject;
  let approver: TestUser;
  let officer: TestUser;

  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
    project = await createEvaluatedProject(t, { bidders: DEFAULT_BIDDERS, title: '2027 年度联洋社区居家养老上门服务项目' });
    approver = await createApprover(t, '周审批');
    officer = await createOfficer(t, '吴经办');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('goes from the signed-off evaluation to a contract on the public board', async () => {
    const winner = project.bidders.find((b) => b.rank === 1)!;

    // 1. The approver finds the signed-off evaluation on the dashboard and awards the top-ranked bidder.
    const staff = await signInPage(browser, baseUrl, approver);
    expect(await staff.locator('[data-testid=dash-awaiting-award]').textContent()).toContain(project.reference);
    await staff.screenshot({ path: artifact('award-approver-dashboard-desktop.png'), fullPage: true });
    await staff.click(`[data-testid=dash-awaiting-award] a[href="/staff/projects/${project.id}/award"]`);
    await staff.waitForSelector('[data-testid=award-form]');
    expect(await staff.locator(`input[name=bidId][value="${winner.bidId}"]`).isChecked()).toBe(true);
    expect(await staff.locator('[data-testid=award-results]').textContent()).toContain('85.67');
    await staff.screenshot({ path: artifact('award-decision-desktop.png'), fullPage: true });
    await staff.click('[data-testid=award-submit]');
    // The confirmation step states the winner and the amount before anything happens.
    expect(await staff.getByTestId('confirm-amount').textContent()).toMatch(/¥/);
    await staff.click('[data-testid=confirm-submit]');
    await staff.waitForSelector('.notice-success');
    expect(await staff.locator('.notice-success').textContent()).toContain('已定标');
    expect(await staff.locator('[data-testid=award-status]').textContent()).toBe('有效');
    const awardId = /\/staff\/awards\/([0-9a-f-]{36})$/.exec(staff.url())![1];
    await staff.screenshot({ path: artifact('award-staff-award-desktop.png'), fullPage: true });

    // 2. Anyone reads the notice: winner, price, every valid bidder's scores (2 decimals), the committee, the challenge period.
    const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await visitor.goto(`${baseUrl}/`);
    await clickNav(visitor, '公告栏');
    await visitor.click('a[href="/notices/awards"]');
    await visitor.click(`a[href="/notices/awards/${project.reference}"]`);
    expect(await visitor.locator('[data-testid=award-winner]').textContent()).toContain(winner.nameZh);
    expect(await visitor.locator('[data-testid=award-price]').textContent()).toBe('¥180,000.00');
    const results = (await visitor.locator('[data-testid=award-results]').textContent()) ?? '';
    for (const text of ['85.67', '83.95', '78.05', '联洋社区互助服务社', '花木街道睦邻服务中心']) expect(results).toContain(text);
    const committee = (await visitor.locator('[data-testid=committee]').textContent()) ?? '';
    for (const member of [...project.experts, project.representative]) expect(committee).toContain(member.displayName);
    expect(await visitor.locator('[data-testid=challenge-period]').textContent()).toContain('质疑期内');
    await visitor.screenshot({ path: artifact('award-notice-desktop.png'), fullPage: true });
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })).newPage();
    await phone.goto(`${baseUrl}/`);
    await clickNav(phone, '公告栏');
    await phone.click('a[href="/notices/awards"]');
    await phone.click(`a[href="/notices/awards/${project.reference}"]`);
    await phone.waitForSelector('[data-testid=award-winner]');
    await phone.screenshot({ path: artifact('award-notice-phone.png'), fullPage: true });

    // Before the period is over the officer cannot sign.
    const office = await signInPage(browser, baseUrl, officer);
    await clickNav(office, '授标');
    await office.click(`a[href="/staff/awards/${awardId}"]`);
    await office.click('[data-testid=contract-link]');
    await office.waitForURL(/\/contract$/);
    expect(await office.locator('[data-testid=not-ready]').count()).toBe(1);

    // 3. The challenge period passes with no challenge (database clock).
    await passChallengePeriod(t, awardId);
    await clickNav(office, '工作台');
    expect(await office.locator('[data-testid=dash-ready-for-contract]').textContent()).toContain(project.reference);
    await office.click('[data-testid=dash-ready-for-contract] a');
    await office.waitForSelector('[data-testid=generate-form]');
    await office.click('[data-testid=generate-contract]');
    await office.waitForSelector('[data-testid=contract-text]');
    expect(await office.locator('[data-testid=contract-status]').textContent()).toBe('待双方确认');
    expect(await office.locator('[data-testid=milestones-total]').textContent()).toBe('¥180,000.00');
    const reference = ((await office.locator('[data-testid=contract-facts] dd.code').textContent()) ?? '').trim();
    expect(reference).toMatch(/^HT-\d{4}-\d{4,}$/);
    await office.screenshot({ path: artifact('contract-generated-desktop.png'), fullPage: true });

    // 4. The organisation's administrator confirms, from the dashboard, on a phone.
    const org = await signInPage(browser, baseUrl, winner.admin, { width: 390, height: 844 });
    expect(await org.locator('[data-testid=dash-org-contracts]').textContent()).toContain(reference);
    await org.click(`[data-testid=dash-org-contracts] a`);
    await org.waitForSelector('[data-testid=org-confirm]');
    await org.screenshot({ path: artifact('contract-organisation-confirm-phone.png'), fullPage: true });
    await org.click('[data-testid=org-confirm]');
    await org.click('[data-testid=confirm-submit]');
    await org.waitForSelector('.notice-success');
    expect(await org.locator('.notice-success').textContent()).toContain('等待另一方确认');

    // 5. The approver confirms: the contract takes effect and is published.
    await clickNav(staff, '工作台');
    expect(await staff.locator('[data-testid=dash-contracts-to-confirm]').textContent()).toContain(reference);
    await staff.click(`[data-testid=dash-contracts-to-confirm] a`);
    await staff.waitForSelector('[data-testid=approver-confirm]');
    await staff.click('[data-testid=approver-confirm]');
    await staff.click('[data-testid=confirm-submit]');
    await staff.waitForSelector('.notice-success');
    expect(await staff.locator('.notice-success').textContent()).toContain('合同生效');
    expect(await staff.locator('[data-testid=contract-status]').textContent()).toBe('履行中');
    await staff.screenshot({ path: artifact('contract-active-staff-desktop.png'), fullPage: true });

    // 6. It is on the public board: the text as signed and both signing dates.
    await clickNav(visitor, '公告栏');
    await visitor.click('a[href="/notices/contracts"]');
    expect(await visitor.locator('[data-testid=contract-notices]').textContent()).toContain(reference);
    await visitor.click(`a[href="/notices/contracts/${reference}"]`);
    await visitor.waitForSelector('[data-testid=contract-text]');
    const text = (await visitor.locator('[data-testid=contract-text]').textContent()) ?? '';
    expect(text).toContain('政府购买服务合同');
    expect(text).toContain('人民币壹拾捌万元整');
    expect(text).toContain(winner.nameZh);
    expect(await visitor.locator('[data-testid=org-confirmed]').textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await visitor.locator('[data-testid=approver-confirmed]').textContent()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    expect(await visitor.locator('[data-testid=published-at]').count()).toBe(1);
    await visitor.screenshot({ path: artifact('contract-notice-desktop.png'), fullPage: true });
    await clickNav(phone, '公告栏');
    await phone.click('a[href="/notices/contracts"]');
    await phone.click(`a[href="/notices/contracts/${reference}"]`);
    await phone.waitForSelector('[data-testid=contract-text]');
    await phone.screenshot({ path: artifact('contract-notice-phone.png'), fullPage: true });
  }, 120_000);
});

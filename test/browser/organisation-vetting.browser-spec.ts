import { Browser, BrowserContext, Page } from 'playwright-core';
import { tinyPng, validCreditCode, withWrongCheckCharacter } from '../factories/organisations';
import { TEST_PASSWORD, createUser } from '../factories/users';
import { artifact, clickNav, launchBrowser } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * The journey of the issue: an organisation registers on a phone and uploads its certificate;
 * an officer at a desk asks for changes; the organisation fixes them; the officer approves; the
 * organisation sees its approved status (and the public registry lists it).
 */
describe('organisation vetting journey', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let phone: BrowserContext;
  let desk: BrowserContext;

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await t.listen();
    browser = await launchBrowser();
    phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function status(page: Page): Promise<string> {
    return ((await page.locator('[data-testid=org-status]').first().textContent()) ?? '').trim();
  }

  it('registers, is asked for changes, fixes them and is approved', async () => {
    const code = validCreditCode();
    const officer = await createUser(t, { roles: ['bureau_officer'], displayName: '陈经办' });

    // ── The organisation registers on a phone ──
    const org = await phone.newPage();
    await org.goto(baseUrl + '/register');
    expect(await org.locator('h1').textContent()).toBe('注册社会组织');
    await org.getByLabel('机构名称（中文）').fill('浦东新区蒲公英社会工作服务社');
    await org.getByLabel('统一社会信用代码').fill(withWrongCheckCharacter(code).code);
    await org.getByLabel('机构类型').selectOption('social_service_agency');
    await org.getByLabel('登记（在民政部门登记注册）').check();
    await org.getByLabel('登记管理机关或备案单位').fill('浦东新区民政局');
    await org.getByLabel('法定代表人或负责人').fill('王建国');
    await org.getByLabel('成立日期').fill('2016-03-18');
    await org.getByLabel('注册资金（元）').fill('50000');
    await org.getByLabel('社会组织评估等级').selectOption('3A');
    await org.getByLabel('所在街道').fill('花木街道');
    await org.getByLabel('所在社区').fill('联洋社区');
    await org.getByLabel('详细地址').fill('芳甸路 100 弄 5 号 201 室');
    await org.getByLabel('联系人').fill('李晓梅');
    await org.getByLabel('联系电话').fill('13800138000');
    await org.getByLabel('养老服务').check();
    await org.getByLabel('社区治理与居民参与').check();
    await org.getByLabel('专职工作人员人数').fill('12');
    await org.getByLabel('其中持证社会工作者人数').fill('4');
    await org.getByLabel('您的姓名').fill('李晓梅');
    await org.getByLabel('登录邮箱').fill('lixiaomei@pgy.test.example');
    await org.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await org.getByLabel('再次输入密码').fill(TEST_PASSWORD);
    await org.getByRole('button', { name: '注册' }).click();

    // A typo in the check character: the form comes back with the reason, nothing lost.
    await org.waitForSelector('#f-creditCode-error');
    expect(await org.locator('#f-creditCode-error').textContent()).toBe(`统一社会信用代码校验位错误，按前17位应为 ${code[17]}`);
    expect(await org.getByLabel('机构名称（中文）').inputValue()).toBe('浦东新区蒲公英社会工作服务社');
    expect(await org.getByLabel('养老服务').isChecked()).toBe(true);
    await org.locator('#f-creditCode').scrollIntoViewIfNeeded();
    await org.screenshot({ path: artifact('organisation-register-error-phone.png') });
    await org.getByLabel('统一社会信用代码').fill(code);
    await org.getByLabel('密码', { exact: true }).fill(TEST_PASSWORD);
    await org.getByLabel('再次输入密码').fill(TEST_PASSWORD);
    await org.getByRole('button', { name: '注册' }).click();
    await org.waitForURL(baseUrl + '/organisation');
    expect(await status(org)).toBe('草稿');

    // Upload the registration certificate, then submit.
    await org.getByLabel('材料类型').selectOption('registration_certificate');
    await org.setInputFiles('#f-file', { name: '民非登记证书.png', mimeType: 'image/png', buffer: tinyPng() });
    await org.getByRole('button', { name: '上传' }).click();
    await org.waitForURL(baseUrl + '/organisation#documents');
    expect(await org.locator('[data-testid=documents]').textContent()).toContain('民非登记证书.png');
    await org.screenshot({ path: artifact('organisation-draft-phone.png'), fullPage: true });
    await org.getByTestId('submit-for-review').click();
    await org.waitForURL(baseUrl + '/organisation');
    expect(await status(org)).toBe('待审核');

    // ── The officer, at a desk, asks for changes ──
    const desktop = await desk.newPage();
    await desktop.goto(baseUrl + '/login');
    await desktop.getByLabel('电子邮箱').fill(officer.email);
    await desktop.getByLabel('密码').fill(TEST_PASSWORD);
    await desktop.getByRole('button', { name: '登录' }).click();
    await desktop.waitForURL(baseUrl + '/dashboard');
    expect(await desktop.getByTestId('awaiting-count').textContent()).toContain('1 个机构等待审核');
    await desktop.getByRole('link', { name: '打开审核列表' }).click();
    await desktop.waitForURL(/\/staff\/organisations\?status=submitted$/);
    await desktop.screenshot({ path: artifact('officer-queue-desktop.png'), fullPage: true });
    await desktop.getByRole('link', { name: '浦东新区蒲公英社会工作服务社' }).click();
    await desktop.waitForURL(/\/staff\/organisations\/[0-9a-f-]{36}$/);
    expect(await desktop.locator('[data-testid=documents]').textContent()).toContain('民非登记证书.png');
    await desktop.screenshot({ path: artifact('officer-review-desktop.png'), fullPage: true });
    await desktop.getByRole('button', { name: '退回修改' }).click();
    // The reason is required: the page says so and nothing changes.
    await desktop.waitForSelector('#f-reason-error');
    expect(await desktop.locator('#f-reason-error').textContent()).toBe('请填写理由，机构会看到');
    const reason = '请上传机构章程；专职人员人数与社保缴纳名单（15 人）不一致，请核对。';
    await desktop.getByLabel('理由或意见').fill(reason);
    await desktop.getByRole('button', { name: '退回修改' }).click();
    await desktop.waitForURL(/\/staff\/organisations\/[0-9a-f-]{36}$/);
    await desktop.waitForSelector('[data-testid=org-status]:has-text("需修改")');
    expect(await desktop.locator('.notice-success').textContent()).toContain('已退回修改');

    // ── The organisation reads the reason and fixes the record ──
    await clickNav(org, '本机构');
    await org.waitForURL(baseUrl + '/organisation');
    expect(await status(org)).toBe('需修改');
    expect(await org.getByTestId('status-reason').textContent()).toContain(reason);
    await org.screenshot({ path: artifact('organisation-needs-changes-phone.png'), fullPage: true });
    await org.locator('#status').screenshot({ path: artifact('organisation-needs-changes-status-phone.png') });
    await org.getByTestId('edit-record').click();
    await org.waitForURL(baseUrl + '/organisation/edit');
    await org.getByLabel('专职工作人员人数').fill('15');
    await org.getByRole('button', { name: '保存' }).click();
    await org.waitForURL(baseUrl + '/organisation');
    await org.getByLabel('材料类型').selectOption('articles_of_association');
    await org.setInputFiles('#f-file', { name: '章程.png', mimeType: 'image/png', buffer: tinyPng() });
    await org.getByRole('button', { name: '上传' }).click();
    await org.waitForURL(baseUrl + '/organisation#documents');
    await org.getByTestId('submit-for-review').click();
    await org.waitForURL(baseUrl + '/organisation');
    expect(await status(org)).toBe('待审核');

    // ── The officer approves ──
    await desktop.reload();
    expect(await desktop.locator('[data-testid=org-record]').textContent()).toContain('15');
    expect(await desktop.locator('[data-testid=history]').textContent()).toContain(reason);
    await desktop.getByLabel('理由或意见').fill('材料齐全，欢迎参与社区服务项目。');
    await desktop.getByRole('button', { name: '批准' }).click();
    await desktop.waitForSelector('[data-testid=org-status]:has-text("已通过")');
    expect(await desktop.locator('.notice-success').textContent()).toContain('已批准');
    await desktop.screenshot({ path: artifact('officer-approved-desktop.png'), fullPage: true });

    // ── The organisation sees its approval, and the public registry lists it ──
    await clickNav(org, '工作台');
    await org.waitForURL(baseUrl + '/dashboard');
    expect(await status(org)).toBe('已通过');
    await org.screenshot({ path: artifact('organisation-dashboard-phone.png') });
    await clickNav(org, '本机构');
    await org.waitForURL(baseUrl + '/organisation');
    expect(await status(org)).toBe('已通过');
    expect(await org.getByTestId('status-reason').textContent()).toContain('材料齐全，欢迎参与社区服务项目。');
    expect(await org.getByTestId('edit-contact').isVisible()).toBe(true);
    expect(await org.getByTestId('submit-for-review').count()).toBe(0);
    await org.screenshot({ path: artifact('organisation-approved-phone.png'), fullPage: true });
    await org.locator('#status').screenshot({ path: artifact('organisation-approved-status-phone.png') });

    const visitor = await phone.browser()!.newPage({ viewport: { width: 390, height: 844 } });
    await visitor.goto(baseUrl + '/');
    await clickNav(visitor, '机构名录');
    await visitor.locator('#registry-q').fill('蒲公英');
    await visitor.locator('#registry-q').press('Enter');
    await visitor.waitForURL(/\/registry\?.*q=/);
    expect(await visitor.locator('[data-testid=registry-results]').textContent()).toContain('浦东新区蒲公英社会工作服务社');
    await visitor.screenshot({ path: artifact('registry-phone.png'), fullPage: true });

    // The page fits a phone: nothing wider than the screen.
    for (const page of [org, visitor]) {
      // A string is evaluated in the page (no DOM types in this Node project).
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      expect(overflow).toBeLessThanOrEqual(0);
    }
    await visitor.close();
  }, 90_000);
});

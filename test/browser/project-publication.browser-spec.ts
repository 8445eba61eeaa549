import { Browser } from 'playwright-core';
import { addDays, localDateOf, localDateTimeOf } from '../../src/procurement/domain/local-time';
import { createFund } from '../factories/procurement';
import { createUser } from '../factories/users';
import { dbNow } from '../support/clock';
import { artifact, clickNav, launchBrowser } from '../support/browser';
import { enterCalendarYears, onWorkingDay } from '../support/calendar';
import { TestApp, createTestApp } from '../support/test-app';

const DAY = 86_400_000;

// A whole journey on two viewports; jest's per-project timeout does not reach a file run on its own.
jest.setTimeout(90_000);

describe('officer journey: a project from catalogue items to the public notice board', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await enterCalendarYears(t);
    baseUrl = await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates and publishes a project on a desktop, and a visitor finds it on a phone', async () => {
    const fund = await createFund(t, { name: '2027 年社区居家养老服务专项资金', total: '800000' });
    const officer = await createUser(t, { roles: ['bureau_officer'], displayName: '王采购' });
    const now = await dbNow(t.dataSource);
    const start = addDays(localDateOf(now), 45);
    const end = addDays(start, 330);

    const desk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await desk.goto(`${baseUrl}/login`);
    await desk.fill('#f-email', officer.email);
    await desk.fill('#f-password', officer.password);
    await desk.click('button[type=submit]');
    await desk.waitForURL(`${baseUrl}/dashboard`);
    await clickNav(desk, '采购项目');
    await desk.click('[data-testid=new-project]');
    await desk.waitForURL(`${baseUrl}/staff/projects/new`);
    expect(await desk.locator('h1').textContent()).toBe('新建采购项目');

    await desk.fill('#f-purchaserName', '示范区民政局');
    await desk.fill('#f-title', '2027 年度社区老年人助餐与探访服务项目');
    await desk.fill('#f-description', '为阳光社区、和平社区 60 周岁以上老年人提供助餐、送餐和定期探访服务，建立服务台账并接受第三方评估。');
    await desk.fill('#f-serviceArea', '阳光社区、和平社区');
    await desk.fill('#f-serviceStart', start);
    await desk.fill('#f-serviceEnd', end);
    await desk.selectOption('#f-items-0-code', 'C01-001');
    await desk.fill('#f-items-0-quantity', '10000');
    await desk.selectOption('#f-items-1-code', 'C01-002');
    await desk.fill('#f-items-1-quantity', '2400');
    await desk.fill('#f-budgetCeiling', '500000');
    await desk.selectOption('#f-fundId', fund.id);
    await desk.fill('#f-reservation', '500000');
    await desk.selectOption('#f-method', 'open_tender');
    await desk.fill('#f-priceWeight', '30');
    await desk.fill('#f-criteria-0-name', '服务方案');
    await desk.fill('#f-criteria-0-weight', '40');
    await desk.fill('#f-criteria-0-description', '需求分析、服务流程、质量控制');
    await desk.fill('#f-criteria-1-name', '人员配置');
    // A first try with weights that do not add up: the form comes back with everything kept.
    await desk.fill('#f-criteria-1-weight', '20');
    await desk.fill('#f-milestones-0-name', '启动与建档');
    await desk.fill('#f-milestones-0-dueDate', addDays(start, 60));
    await desk.fill('#f-milestones-0-deliverables', '服务对象档案、配餐方案');
    await desk.fill('#f-milestones-0-share', '30');
    await desk.fill('#f-milestones-1-name', '结项验收');
    await desk.fill('#f-milestones-1-dueDate', end);
    await desk.fill('#f-milestones-1-deliverables', '结项报告、满意度调查');
    await desk.fill('#f-milestones-1-share', '70');
    await desk.fill('#f-questionDeadline', localDateTimeOf(new Date(now.getTime() + 10 * DAY)));
    await desk.fill('#f-bidDeadline', localDateTimeOf(await onWorkingDay(t, new Date(now.getTime() + 24 * DAY))));
    await desk.click('[data-testid=save-draft]');
    await desk.waitForSelector('#form-error');
    expect(await desk.locator('.field-error').first().textContent()).toContain('之和须为 100');
    expect(await desk.inputValue('#f-title')).toBe('2027 年度社区老年人助餐与探访服务项目');
    expect(await desk.inputValue('#f-items-1-code')).toBe('C01-002');
    await desk.screenshot({ path: artifact('project-form-error-desktop.png'), fullPage: true });

    await desk.fill('#f-criteria-1-weight', '30');
    await desk.click('[data-testid=save-draft]');
    await desk.waitForURL(/\/staff\/projects\/[0-9a-f-]{36}$/);
    expect(await desk.locator('[data-testid=project-status]').textContent()).toBe('草稿');
    await desk.click('[data-testid=publish]');
    await desk.click('[data-testid=confirm-submit]');
    // The draft page already shows a flash message: wait for the published status itself.
    await desk.locator('[data-testid=project-status]', { hasText: '公告中' }).or(desk.locator('#form-error')).first().waitFor();
    if ((await desk.locator('#form-error').count()) > 0) throw new Error(`publishing failed: ${await desk.locator('main').innerText()}`);
    expect(await desk.locator('[data-testid=project-status]').textContent()).toBe('公告中');
    const reference = (await desk.locator('[data-testid=project-reference]').textContent())!.trim();
    expect(reference).toMatch(/^WH-\d{4}-\d{4}$/);
    expect(await desk.locator('[data-testid=deadline-explanation]').textContent()).toMatch(/20 个日历日/);
    await desk.screenshot({ path: artifact('project-published-desktop.png'), fullPage: true });
    // The same form on a phone: one column, nothing wider than the screen.
    await desk.setViewportSize({ width: 390, height: 844 });
    await clickNav(desk, '采购项目');
    await desk.click('[data-testid=new-project]');
    await desk.waitForURL(`${baseUrl}/staff/projects/new`);
    expect(Number(await desk.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'))).toBeLessThanOrEqual(0);
    await desk.screenshot({ path: artifact('project-form-phone.png'), fullPage: true });
    await desk.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(`${baseUrl}/`);
    await clickNav(phone, '公告栏');
    await phone.waitForURL(`${baseUrl}/notices`);
    const card = phone.locator('[data-testid=notices] li', { hasText: reference });
    expect(await card.count()).toBe(1);
    await phone.screenshot({ path: artifact('notices-phone.png'), fullPage: true });
    await card.locator('a.item-link').click();
    await phone.waitForURL(`${baseUrl}/notices/projects/${reference}`);
    expect(await phone.locator('h1').textContent()).toContain('2027 年度社区老年人助餐与探访服务项目');
    expect(await phone.locator('[data-testid=project-items]').textContent()).toContain('C01-002');
    expect(await phone.locator('[data-testid=deadline-explanation]').textContent()).toMatch(/不早于/);
    // Nothing wider than the phone's screen.
    const overflow = await phone.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(Number(overflow)).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: artifact('notice-project-phone.png'), fullPage: true });
    await phone.close();
  });
});

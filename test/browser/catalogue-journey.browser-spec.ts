import { Browser } from 'playwright-core';
import { artifact, clickNav, launchBrowser } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';

jest.setTimeout(90_000);

describe('visitor journey: catalogue in two languages', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('opens the home page, switches to English and back, searches 养老 and opens a result', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(baseUrl + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await expect(page.title()).resolves.toContain('社区公共服务购买平台');

    await page.click('[data-testid=lang-switch]');
    await page.waitForURL(baseUrl + '/');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toMatch(/Community services bought in the open/);
    // The choice persists across pages (cookie).
    await clickNav(page, 'Service catalogue');
    await page.waitForURL(baseUrl + '/catalogue');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').textContent()).toBe('Service catalogue');

    await page.click('[data-testid=lang-switch]');
    await page.waitForURL(baseUrl + '/catalogue');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    await page.getByLabel('关键词').fill('养老');
    await page.getByRole('button', { name: '搜索' }).click();
    await page.waitForURL(/\/catalogue\/search\?q=/);
    const results = page.locator('[data-testid=search-results] a.item-link');
    expect(await results.count()).toBeGreaterThan(0);
    await page.screenshot({ path: artifact('catalogue-search-phone.png'), fullPage: true });

    const firstName = (await results.first().textContent())?.trim() ?? '';
    await results.first().click();
    await page.waitForURL(/\/catalogue\/items\/C\d{2}-\d{3}$/);
    expect((await page.locator('h1').textContent())?.replace(/\s+/g, ' ').trim()).toBe(firstName.replace(/\s+/g, ' '));
    expect(await page.locator('[data-testid=price-range]').textContent()).toMatch(/¥[\d,]+\.\d{2} – ¥[\d,]+\.\d{2}/);
    await page.screenshot({ path: artifact('catalogue-item-phone.png'), fullPage: true });

    await page.setViewportSize({ width: 1280, height: 900 });
    await clickNav(page, '服务目录');
    await page.waitForURL(baseUrl + '/catalogue');
    await page.screenshot({ path: artifact('catalogue-index-desktop.png'), fullPage: true });
    await page.close();
  });
});

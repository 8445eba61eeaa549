import { Browser, Page } from 'playwright-core';
import { DESKTOP, PHONE, artifact, launchBrowser, signInPage } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';
import { BiddingOrganisation, BiddingProject, createBiddingOrganisation, createPublishedProject } from '../factories/bidding';

/** WCAG relative luminance contrast of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+/g) ?? []).slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

async function focused(page: Page): Promise<{ id: string; outline: string; outlineWidth: string }> {
  // Runs in the page (no DOM types in this project's compiler settings).
  return page.evaluate(`(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { id: el.id, outline: style.outlineColor, outlineWidth: style.outlineWidth };
  })()`);
}

describe('accessible recovery after a refused form', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let project: BiddingProject;
  let org: BiddingOrganisation;

  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
    project = await createPublishedProject(t);
    org = await createBiddingOrganisation(t, { nameZh: '浦东新区晨光社工服务中心' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('moves focus to an error summary that counts the problems and links each to its field, with a visible focus ring', async () => {
    const page = await signInPage(browser, baseUrl, org.user, DESKTOP);
    await page.click('a[href="/projects"]');
    await page.click(`a[href="/projects/${project.id}/bid"][data-testid=bid-link]`);
    await page.waitForSelector('[data-testid=bid-form]');
    await page.getByLabel('投标报价（元）').fill('十万元');
    await page.getByLabel('技术方案').fill('太短');
    await page.click('[data-testid=bid-submit]');

    const summary = page.getByTestId('error-summary');
    await summary.waitFor();
    // The address bar carries no token; the focus is on the summary, which counts the problems.
    expect(page.url()).toBe(`${baseUrl}/projects/${project.id}/bid`);
    expect((await focused(page)).id).toBe('form-error');
    expect(await summary.getAttribute('role')).toBe('alert');
    const links = summary.locator('a');
    const count = await links.count();
    expect(count).toBeGreaterThanOrEqual(5);
    expect(await summary.locator('h2').textContent()).toBe(`有 ${count} 处需要修改`);
    await page.screenshot({ path: artifact('forms-error-summary-desktop.png'), fullPage: true });

    // Every field in error is invalid and described by its hint and its message.
    const price = page.locator('#f-price');
    expect(await price.getAttribute('aria-invalid')).toBe('true');
    expect((await price.getAttribute('aria-describedby'))?.split(' ')).toEqual(['f-price-hint', 'f-price-error']);
    expect(await page.locator('#f-price-error').textContent()).toBeTruthy();
    for (const id of ['f-proposal', 'f-declarationAccepted', 'f-declarationSigner', 'f-plan-1']) {
      const field = page.locator(`#${id}`);
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
      expect(describedBy).toContain(`${id}-error`);
      expect(await page.locator(`#${id}-error`).count()).toBe(1);
    }
    expect(await price.inputValue()).toBe('十万元'); // kept

    // Keyboard: Tab reaches the first link of the summary; Enter puts the focus in its field.
    await page.keyboard.press('Tab');
    const first = await focused(page);
    expect(contrast(first.outline, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
    expect(contrast(first.outline, 'rgb(246, 247, 249)')).toBeGreaterThanOrEqual(3);
    const target = ((await links.first().getAttribute('href')) ?? '').slice(1);
    await page.keyboard.press('Enter');
    await page.waitForFunction(`document.activeElement && document.activeElement.id === ${JSON.stringify(target)}`);
    const field = await focused(page);
    expect(field.id).toBe(target);
    expect(field.outlineWidth).toBe('3px');
    expect(contrast(field.outline, 'rgb(255, 255, 255)')).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: artifact('forms-error-field-focused-desktop.png') });
    await page.context().close();
  });

  it('works the same on a phone, and in English the Chinese project title is marked zh-CN', async () => {
    const page = await signInPage(browser, baseUrl, org.user, PHONE);
    await page.click('[data-testid=lang-switch]');
    await page.waitForSelector('html[lang=en]');
    // On a phone the navigation may be folded into a menu: follow the link from the dashboard's DOM.
    await page
      .locator('a[href="/projects"]')
      .first()
      .evaluate((a) => (a as unknown as { click: () => void }).click());
    await page.click(`a[href="/projects/${project.id}/bid"][data-testid=bid-link]`);
    await page.waitForSelector('[data-testid=bid-form]');
    expect(await page.locator('h1').getAttribute('lang')).toBe('zh-CN');
    await page.click('[data-testid=bid-submit]');
    await page.getByTestId('error-summary').waitFor();
    expect((await focused(page)).id).toBe('form-error');
    expect(await page.getByTestId('error-summary').locator('h2').textContent()).toMatch(/^\d+ problem\(s\) to fix$/);
    await page.screenshot({ path: artifact('forms-error-summary-phone-en.png'), fullPage: true });
    await page.context().close();
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';

export const ARTIFACTS_DIR = path.join(__dirname, '..', 'browser', 'artifacts');

/** Debian's Chromium (installed by .ci/run), never a downloaded browser build. */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
}

export function artifact(name: string): string {
  return path.join(ARTIFACTS_DIR, name);
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A new browser context signed in through the real login page, on the dashboard. */
export async function signInPage(browser: Browser, baseUrl: string, user: { email: string; password: string }, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
  const page = await (await browser.newContext({ viewport, isMobile: viewport.width <= PHONE.width })).newPage();
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('电子邮箱').fill(user.email);
  await page.getByLabel('密码').fill(user.password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/dashboard$/);
  return page;
}

/**
 * Clicks an entry of the main navigation as a person would: on a phone the entries sit in a
 * folded menu (<details>), which is opened first.
 */
export async function clickNav(page: Page, name: string | RegExp): Promise<void> {
  const nav = page.locator('nav.main-nav');
  const summary = nav.locator('summary');
  if ((await summary.isVisible()) && (await nav.locator('details[open]').count()) === 0) await summary.click();
  await nav.getByRole('link', { name, exact: typeof name === 'string' }).click();
}

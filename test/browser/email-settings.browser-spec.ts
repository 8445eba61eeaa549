import { Browser } from 'playwright-core';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { createUser } from '../factories/users';
import { DESKTOP, PHONE, artifact, launchBrowser, signInPage } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * A person on a phone, reading English, turns off non-essential email from the account menu; the
 * admin at a desk reads the outbox (no SMTP_URL in development) from the admin navigation.
 */
describe('email settings and the outbox, by clicking', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  jest.setTimeout(120_000);

  beforeAll(async () => {
    t = await createTestApp();
    baseUrl = await t.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('turns off non-essential email on a phone in English, and the admin reads the outbox', async () => {
    const person = await createUser(t, { roles: ['auditor'], displayName: 'Ann Auditor' });
    const page = await signInPage(browser, baseUrl, person, PHONE);
    await page.getByTestId('lang-switch').click();
    await page.waitForURL(/\/dashboard$/);
    await page.getByTestId('email-settings-link').click();
    await page.waitForURL(/\/account\/notifications$/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Email notifications');
    await expect(page.getByTestId('email-language').textContent()).resolves.toContain('English');
    await page.getByLabel('Essential notifications only').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/\/account\/notifications$/);
    await expect(page.getByText('Email settings saved.').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Essential notifications only').isChecked()).resolves.toBe(true);
    await page.screenshot({ path: artifact('email-settings-phone-en.png'), fullPage: true });
    await expect(t.app.get(NotificationsService).emailSettings(person.id)).resolves.toEqual({ locale: 'en', wantsNonEssential: false });

    // An essential notice is still emailed (in English); the admin finds it from the navigation.
    await t.dataSource.transaction((m) =>
      t.app
        .get(NotificationsService)
        .notify(m, { recipients: { userIds: [person.id] }, kind: 'account.password_changed', titleKey: 'identity.notifications.passwordChanged', link: '/account/password' }),
    );
    const admin = await signInPage(browser, baseUrl, await createUser(t, { roles: ['admin'] }), DESKTOP);
    await admin.getByRole('link', { name: '邮件发件箱' }).click();
    await admin.waitForURL(/\/admin\/outbox$/);
    const row = admin.getByTestId('outbox-row').filter({ hasText: person.email });
    await expect(row.textContent()).resolves.toContain('The password of your account was changed');
    await row.getByText('正文').click();
    await expect(row.locator('pre').textContent()).resolves.toContain('Dear Ann Auditor,');
    await admin.screenshot({ path: artifact('admin-outbox-desktop.png'), fullPage: true });
  });
});

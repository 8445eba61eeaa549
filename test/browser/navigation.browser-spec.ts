import { Browser } from 'playwright-core';
import { BiddingOrganisation, BiddingProject, createBiddingOrganisation, createPublishedProject } from '../factories/bidding';
import { PHONE, artifact, clickNav, launchBrowser } from '../support/browser';
import { TestApp, createTestApp } from '../support/test-app';

/** A person with a phone, in English, from the sign-in page to a sealed bid and its receipt, clicking only. */
describe('organisation journey on a phone in English: dashboard to a submitted bid by clicking', () => {
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
    project = await createPublishedProject(t, { deadlineInMs: 30 * 60_000 });
    org = await createBiddingOrganisation(t, { nameZh: '武侯区晨曦社会工作服务中心' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, opens the menu, finds the project, bids and reaches the receipt and the project again', async () => {
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('login-link').click();
    await page.getByLabel('Email').fill(org.user.email);
    await page.getByLabel('Password').fill(org.user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dashboard$/);

    // The navigation is folded into a menu on a phone; the links are not shown until it opens.
    const openProjects = page.locator('nav.main-nav').getByRole('link', { name: 'Open projects', exact: true });
    expect(await openProjects.isVisible()).toBe(false);
    await page.locator('nav.main-nav summary').click();
    expect(await openProjects.isVisible()).toBe(true);
    await page.screenshot({ path: artifact('navigation-org-menu-phone-en.png'), fullPage: true });
    await openProjects.click();
    await page.waitForURL(/\/projects$/);

    await page.getByRole('link', { name: project.title, exact: true }).click();
    await page.waitForURL(new RegExp(`/projects/${project.id}$`));
    expect(await page.getByTestId('eligibility').textContent()).toContain('Your organisation may bid.');
    await page.getByRole('link', { name: 'Submit a bid', exact: true }).click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/bid$`));

    await page.getByLabel('Price (yuan)').fill('150,000.00');
    await page.getByLabel('Technical proposal').fill('Weekly home visits by a social worker and a volunteer, health talks every month, and one file per resident.');
    await page.getByLabel('Name 1').fill('王芳');
    await page.getByLabel('Role 1').fill('Project lead');
    await page.getByLabel(/^Milestone 1:/).fill('Needs assessment and files in the first quarter.');
    await page.getByLabel(/^Milestone 2:/).fill('Visits all year and the final evaluation.');
    await page.getByLabel('Our organisation has read and accepts the declaration above').check();
    await page.getByLabel('Name of the signatory').fill('张伟');
    await page.getByRole('button', { name: 'Seal and submit the bid' }).click();
    await page.waitForSelector('[data-testid=receipt]');
    expect(await page.locator('.notice-success').textContent()).toContain('Your bid is sealed and submitted');
    expect(await page.getByTestId('receipt-hash').textContent()).toMatch(/^\s*[0-9a-f]{64}\s*$/);
    await page.screenshot({ path: artifact('navigation-org-bid-receipt-phone-en.png'), fullPage: true });

    // From the bid back to its project, and from "My bids" to the receipt.
    await page.getByTestId('project-link').click();
    await page.waitForURL(new RegExp(`/projects/${project.id}$`));
    await clickNav(page, 'My bids');
    await page.waitForURL(/\/bids$/);
    const row = page.getByTestId('my-bids').locator('tr', { hasText: project.title });
    expect(await row.getByRole('link', { name: 'Download the receipt' }).getAttribute('href')).toMatch(/\/bids\/[0-9a-f-]{36}\/versions\/1\/receipt$/);
    await context.close();
  });
});

import * as fs from 'node:fs';
import { Browser } from 'playwright-core';
import { OpeningJobs } from '../../src/bidding/opening/opening.jobs';
import { artifact, clickNav, launchBrowser } from '../support/browser';
import { advanceClock } from '../support/clock';
import { TestApp, createTestApp } from '../support/test-app';
import { BiddingOrganisation, BiddingProject, bidPayload, createBiddingOrganisation, createPublishedProject, submitBid } from '../factories/bidding';
import { createUser } from '../factories/users';

/** A one-page PDF, enough for the upload check. */
function tinyPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('organisation journey: a sealed bid, its receipt and the public opening', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let project: BiddingProject;
  let org: BiddingOrganisation;
  let rival: BiddingOrganisation;

  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    browser = await launchBrowser();
    project = await createPublishedProject(t, { deadlineInMs: 10 * 60_000 });
    org = await createBiddingOrganisation(t, { nameZh: '浦东新区晨光社工服务中心' });
    rival = await createBiddingOrganisation(t, { nameZh: '联洋社区互助服务社' });
    await submitBid(rival.session, project.id, bidPayload(project, { price: '179800' })).expect(201);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('bids through the form, downloads the receipt, and finds it verified on the opening record after the deadline', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.getByLabel('电子邮箱').fill(org.user.email);
    await page.getByLabel('密码').fill(org.user.password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/dashboard$/);

    // From the dashboard by clicking: the open projects, the project, its bid button.
    await clickNav(page, '可投标项目');
    await page.getByRole('link', { name: project.title, exact: true }).click();
    await page.getByTestId('bid-link').click();
    await page.waitForURL(new RegExp(`/projects/${project.id}/bid$`));
    expect(await page.locator('h1').textContent()).toBe(project.title);
    expect(await page.locator('[data-testid=no-bid]').count()).toBe(1);
    await page.getByLabel('投标报价（元）').fill('168,000.00');
    await page.getByLabel('技术方案').fill('以“睦邻守望”模式服务联洋社区独居老人：社工与志愿者结对，每周两次上门探访。\n\n每月开展一次健康讲座，并为每位老人建立一人一档。');
    await page.getByLabel('姓名 1').fill('王芳');
    await page.getByLabel('岗位 1').fill('项目主管');
    await page.getByLabel('资质与经验 1').fill('中级社会工作师，十年社区养老经验');
    await page.getByLabel(/阶段 1：/).fill('第一季度完成入户需求评估与建档。');
    await page.getByLabel(/阶段 2：/).fill('全年按计划上门服务，年底结项评估。');
    await page.setInputFiles('#f-attachments', { name: '服务方案.pdf', mimeType: 'application/pdf', buffer: tinyPdf() });
    await page.getByLabel('签署人姓名').fill('张伟');
    // Forgetting the declaration re-renders the form with the input kept.
    await page.click('[data-testid=bid-submit]');
    await page.waitForSelector('#form-error');
    expect(await page.getByLabel('投标报价（元）').inputValue()).toBe('168,000.00');
    expect(await page.locator('.field-error').first().textContent()).toContain('独立投标声明');
    await page.setInputFiles('#f-attachments', { name: '服务方案.pdf', mimeType: 'application/pdf', buffer: tinyPdf() });
    await page.getByLabel('本机构已阅读并同意上述声明').check();
    await page.click('[data-testid=bid-submit]');
    await page.waitForSelector('[data-testid=receipt]');
    expect(await page.locator('.notice-success').textContent()).toContain('投标已加密提交');
    expect(await page.locator('[data-testid=bid-price]').textContent()).toBe('¥168,000.00');
    expect(await page.locator('[data-testid=bid-proposal] p').count()).toBe(2);
    const hash = ((await page.locator('[data-testid=receipt-hash]').textContent()) ?? '').trim();
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await page.screenshot({ path: artifact('sealed-bid-submitted-desktop.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=receipt-download]')]);
    expect(download.suggestedFilename()).toMatch(/^bid-receipt-.+-v1\.json$/);
    const receipt = JSON.parse(fs.readFileSync((await download.path())!, 'utf8'));
    expect(receipt).toMatchObject({ type: 'marketplace/bid-receipt/1', version: 1, kind: 'submission', receiptSha256: hash, projectReference: project.reference });

    // Phone width: the same page stays usable.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: artifact('sealed-bid-submitted-phone.png'), fullPage: true });

    // The deadline passes; an officer opens the bids from the staff page.
    await advanceClock(t.dataSource, 11 * 60_000);
    const officer = await createUser(t, { roles: ['bureau_officer'], displayName: '李经办' });
    const staff = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await staff.goto(`${baseUrl}/login`);
    await staff.getByLabel('电子邮箱').fill(officer.email);
    await staff.getByLabel('密码').fill(officer.password);
    await staff.getByRole('button', { name: '登录' }).click();
    await staff.waitForURL(/\/dashboard$/);
    await clickNav(staff, '采购项目');
    await staff.getByRole('link', { name: project.title, exact: true }).click();
    await staff.getByTestId('staff-bids-link').click();
    expect(await staff.locator('[data-testid=bid-count]').textContent()).toBe('2 份');
    expect(await staff.content()).not.toContain('168,000');
    await staff.screenshot({ path: artifact('sealed-bid-staff-before-opening.png'), fullPage: true });
    await staff.click('[data-testid=open-bids]');
    await staff.waitForSelector('.notice-success');
    // The job arriving late finds nothing left to do.
    await expect(t.app.get(OpeningJobs).runOpening(project.id)).resolves.toEqual({ opened: false, skipped: 'already_opened' });

    // The public board, anonymously.
    const visitor = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await visitor.goto(`${baseUrl}/`);
    await clickNav(visitor, '公告栏');
    await visitor.click(`a.item-link[href="/notices/projects/${project.reference}"]`);
    await visitor.click(`a[href="/notices/projects/${project.reference}/opening"]`);
    await visitor.waitForURL(new RegExp(`/notices/projects/${project.reference}/opening$`));
    expect(await visitor.locator('h1').textContent()).toBe('开标记录');
    const table = (await visitor.locator('[data-testid=opening-table]').textContent()) ?? '';
    expect(table).toContain('浦东新区晨光社工服务中心');
    expect(table).toContain('¥168,000');
    expect(table).toContain('联洋社区互助服务社');
    expect(table).toContain('¥179,800');
    expect(table).toContain(hash);
    expect(await visitor.content()).not.toContain('睦邻守望');
    await visitor.screenshot({ path: artifact('sealed-bid-opening-record.png'), fullPage: true });
    await visitor.click(`a:has-text("${hash}")`);
    await visitor.waitForSelector('[data-testid=verify-result]');
    expect(await visitor.getAttribute('[data-testid=verify-result]', 'data-status')).toBe('verified');
    await visitor.screenshot({ path: artifact('sealed-bid-receipt-verified.png'), fullPage: true });

    // Back on its own page the organisation sees bidding closed and a link to the record.
    await page.setViewportSize({ width: 1280, height: 900 });
    await clickNav(page, '我的投标');
    await page.getByTestId('my-bids').locator('tr', { hasText: project.title }).getByRole('link', { name: '查看' }).click();
    expect(await page.locator('[data-testid=bidding-closed]').textContent()).toContain('已开标');
    expect(await page.locator('[data-testid=bid-form]').count()).toBe(0);
    await context.close();
  }, 90_000);
});

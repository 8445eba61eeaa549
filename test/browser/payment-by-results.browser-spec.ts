import { createHash } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import { formatMinor } from '../../src/common/money/money';
import { StripeOutboxWorker } from '../../src/payments/stripe/stripe-outbox.worker';
import { TestUser, createOfficer } from '../factories/awards';
import { setClockTo } from '../factories/delivery';
import { createEvaluator } from '../factories/evaluators';
import { tinyPng } from '../factories/organisations';
import { PayableContract, createActiveContract, passMilestone, voucherNo } from '../factories/payments';
import { StripeContract, createStripeContract, stripeEnv, useEnv } from '../factories/stripe';
import { resident } from '../factories/surveys';
import { DESKTOP, PHONE, artifact, clickNav, launchBrowser, signInPage } from '../support/browser';
import { FakeStripe, startFakeStripe } from '../support/fake-stripe';
import { TestApp, createTestApp } from '../support/test-app';

const money = (minor: number) => formatMinor(minor);
const yuan = (minor: number) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** A menu entry, clicked as a person would (the phone menu opened first), and the page it leads to loaded. */
async function menu(page: Page, name: string, path: string): Promise<void> {
  await clickNav(page, name);
  await page.waitForURL((u) => u.pathname === path);
}

/** A link on the current page, clicked, and the page it leads to loaded. */
async function follow(page: Page, selector: string): Promise<void> {
  const link = page.locator(selector).first();
  const href = (await link.getAttribute('href'))!;
  await link.click();
  await page.waitForURL((u) => u.pathname === new URL(href, u).pathname);
}

/** A bureau user reaches a contract's page: 合同 in the menu, then its row in the list. */
async function openStaffContract(page: Page, contractId: string): Promise<void> {
  await menu(page, '合同', '/staff/contracts');
  await follow(page, `a[href="/staff/contracts/${contractId}"]`);
}

/** A bureau user reaches a contract's service-evaluation page: 服务评估 in the menu, then its row. */
async function openServiceEvaluation(page: Page, contractId: string): Promise<void> {
  await menu(page, '服务评估', '/staff/service-evaluations');
  await follow(page, `a[href="/staff/service-evaluations/${contractId}"]`);
}

/** A bureau user reaches a contract's payments page from the contract's page. */
async function openContractPayments(page: Page, contractId: string): Promise<void> {
  await openStaffContract(page, contractId);
  await follow(page, '[data-testid="link-payments"]');
}

/** The fund's row in the bureau dashboard's per-fund data table: committed and paid, as shown. */
async function fundOnDashboard(page: Page, fundName: string): Promise<{ committed: string; paid: string }> {
  await menu(page, '报表', '/staff/reports');
  const row = page.getByTestId('table-funds').locator('tbody tr', { hasText: fundName });
  expect(await row.count()).toBe(1);
  // Columns: budget, reserved, committed, payable, paid.
  const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
  expect(cells).toHaveLength(5);
  return { committed: cells[2], paid: cells[4] };
}

describe('payment by results: delivery, residents’ survey, two evaluators, maker-checker, payment, dashboards', () => {
  let t: TestApp;
  let fake: FakeStripe;
  let restoreEnv: () => void;
  let browser: Browser;
  let baseUrl: string;

  jest.setTimeout(120_000);
  beforeAll(async () => {
    // Stripe is configured (against the local fake); an organisation that has not chosen it is paid through the treasury.
    fake = await startFakeStripe();
    restoreEnv = useEnv(stripeEnv(fake));
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    baseUrl = await t.listen();
    fake.webhookUrl = `${baseUrl}/webhooks/stripe`;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fake?.close();
    restoreEnv?.();
  });

  describe('on the treasury rail', () => {
    let c: PayableContract;
    let evaluators: Array<Awaited<ReturnType<typeof createEvaluator>>>;
    let finance: TestUser;
    let fundName: string;

    beforeAll(async () => {
      c = await createActiveContract(t);
      evaluators = [await createEvaluator(t, { displayName: '林评估', employer: '四川大学公共管理学院' }), await createEvaluator(t, { displayName: '高评估', employer: '西南财经大学社会工作系' })];
      finance = await createOfficer(t, '钱财务');
      [{ name: fundName }] = await t.dataSource.query(`SELECT name FROM funds WHERE id = $1`, [c.contract.fundId]);
      // Ten days before milestone 1 is due (2027-03-31), by the database clock.
      await setClockTo(t, '2027-03-20T10:00:00+08:00');
    });

    it('pays a delivered, surveyed and evaluated milestone once, and both sides and the fund dashboard show it', async () => {
      const tranche = Number(c.milestones[0].amountMinor);
      const officer = await signInPage(browser, baseUrl, c.officer);
      const before = await fundOnDashboard(officer, fundName);
      expect(before).toEqual({ committed: money(Number(c.contract.amountMinor)), paid: money(0) });

      // 1. The organisation delivers milestone 1: narrative, a service record, a photo.
      const org = await signInPage(browser, baseUrl, c.orgAdmin);
      await menu(org, '里程碑交付', '/organisation/deliveries');
      await org.click(`a[href="/organisation/contracts/${c.contract.id}/milestones"]`);
      await org.getByTestId('deliver-1').click();
      await org.getByTestId('deliver-form').waitFor();
      const narrative = '第一阶段完成 60 户老人需求评估与建档，开展上门探访 480 人次、健康讲座 2 场，详见服务记录和现场照片。';
      await org.getByLabel('服务报告').fill(narrative);
      await org.fill('#f-r0-date', '2027-03-10');
      await org.fill('#f-r0-sessions', '12');
      await org.fill('#f-r0-personVisits', '480');
      await org.fill('#f-r0-households', '60');
      await org.fill('#f-r0-hours', '96');
      await org.fill('#f-r0-note', '联洋社区活动室');
      const photo = tinyPng();
      await org.setInputFiles('#f-photos', { name: '入户探访.png', mimeType: 'image/png', buffer: photo });
      await org.getByTestId('deliver-submit').click();
      await org.waitForURL(/\/milestones\/1\/deliveries\/1$/);
      await org.getByTestId('delivery-on-time').waitFor();
      expect(await text(org, 'delivery-narrative')).toBe(narrative);
      expect(await text(org, 'total-hours')).toBe('96');
      expect(await text(org, 'delivery-attachments')).toContain('入户探访.png');
      expect(await text(org, 'attachment-sha256')).toBe(sha256(photo));
      await org.screenshot({ path: artifact('pbr-delivery-desktop.png'), fullPage: true });

      // 2. The organisation opens the residents' survey of milestone 1 (minimum five responses) and gets its poster.
      await menu(org, '满意度调查', '/organisation/surveys');
      await org.click(`a[href="/organisation/contracts/${c.contract.id}/milestones/1/survey"]`);
      await org.getByTestId('open-form').waitFor();
      await org.fill('#f-minResponses', '5');
      await org.getByRole('button', { name: '开启调查' }).click();
      await org.getByTestId('public-link').waitFor();
      // The link carries the configured public address; this app listens on a random port.
      const publicPath = new URL((await org.getByTestId('public-link').getAttribute('href'))!, baseUrl).pathname;
      const token = /^\/survey\/([^/?#]+)$/.exec(publicPath)![1];
      expect(await text(org, 'minimum-not-reached')).toContain('5');
      await org.getByTestId('poster-link').click();
      await org.getByTestId('poster-qr').locator('svg').waitFor();
      expect(new URL((await org.getByTestId('poster-link').getAttribute('href'))!).pathname).toBe(publicPath);
      await org.screenshot({ path: artifact('pbr-survey-poster-desktop.png'), fullPage: true });

      // 3. A bureau officer assigns two evaluators from the pool on the contract's evaluation page.
      await openServiceEvaluation(officer, c.contract.id);
      for (const e of evaluators) {
        await officer.selectOption('#f-evaluatorId', e.id);
        await officer.getByRole('button', { name: '指派', exact: true }).click();
        // The page reloads with the flash again: wait for this evaluator's name, not the flash of the last one.
        await officer.getByTestId('evaluators').getByText(e.displayName).waitFor();
        await officer.getByText('已指派评估专家。').waitFor();
      }
      expect(await officer.getByTestId('understaffed').count()).toBe(0);

      // 4. Residents answer: two through the public page (one on a phone), three more as other devices.
      const answers: Array<[string, string, string]> = [
        ['5', '助餐送到家门口，很准时', '138 0000 1001'],
        ['4', '', '138 0000 1002'],
      ];
      for (const [i, [rating, comment, phone]] of answers.entries()) {
        const viewport = i === 0 ? PHONE : DESKTOP;
        const visitor = await (await browser.newContext({ viewport, isMobile: i === 0 })).newPage();
        await visitor.goto(`${baseUrl}${publicPath}`);
        await visitor.getByTestId('survey-form').waitFor();
        await visitor.check(`input[name=rating][value="${rating}"]`);
        if (comment) await visitor.getByLabel('意见和建议（选填）').fill(comment);
        await visitor.fill('#f-phone', phone);
        if (i === 0) await visitor.screenshot({ path: artifact('pbr-survey-resident-phone.png'), fullPage: true });
        await visitor.getByRole('button', { name: '提交评价' }).click();
        await visitor.getByTestId('survey-answered').waitFor();
        await visitor.context().close();
      }
      for (const [rating, phone] of [
        ['5', '138 0000 1003'],
        ['5', '138 0000 1004'],
        ['4', '138 0000 1005'],
      ]) {
        expect((await resident(t).answer(token, { rating, phone })).status).toBe(303);
      }
      await menu(org, '满意度调查', '/organisation/surveys');
      await follow(org, `a[href="/organisation/contracts/${c.contract.id}/milestones/1/survey"]`);
      expect(await text(org, 'responses')).toBe('5');
      expect(await text(org, 'average')).toContain('4.6');
      await org.getByTestId('minimum-reached').waitFor();

      // 5. Both evaluators sign in, see the residents' count and average, and score the other three indicators.
      const sheets = [
        { output_quantity: '28', service_quality: '27', management_finance: '18' }, // 73 of 80
        { output_quantity: '26', service_quality: '28', management_finance: '17' }, // 71 of 80
      ];
      let last: Page | null = null;
      for (const [i, e] of evaluators.entries()) {
        const page = await signInPage(browser, baseUrl, e);
        await page.getByTestId('dash-service-evaluations').waitFor();
        await menu(page, '我的服务评估', '/service-evaluations');
        await page.getByTestId(`score-${c.contract.id}-1`).click();
        await page.getByTestId('score-form').waitFor();
        const survey = await text(page, 'survey');
        expect(survey).toContain('有效问卷 5 份');
        expect(survey).toContain('平均 4.60 分');
        expect(await text(page, 'survey-decides')).toContain('18.40');
        const delivered = await text(page, 'delivery-round-1');
        expect(delivered).toContain(narrative);
        expect(delivered).toContain('入户探访.png');
        expect(delivered).toContain(sha256(photo));
        for (const [code, points] of Object.entries(sheets[i])) await page.fill(`#f-p-${code}`, points);
        if (i === 0) await page.screenshot({ path: artifact('pbr-evaluator-scoring-desktop.png'), fullPage: true });
        await page.getByRole('button', { name: '提交评分' }).click();
        // Final scores pass through the confirmation step, which states the milestone's amount.
        await page.getByTestId('confirm-submit').click();
        await page.getByText(i === 0 ? '评分已提交，待其他专家提交。' : '评分已提交，本轮评估已完成。').waitFor();
        last = page;
      }

      // 6. The milestone passed: (73 + 71) / 2 + 23 × 20 / 25 = 90.40, excellent; the evaluator and the officer see it.
      await last!.getByTestId(`score-${c.contract.id}-1`).click();
      await last!.waitForURL(/\/milestones\/1$/);
      for (const page of [last!, officer]) {
        if (page === officer) await openServiceEvaluation(officer, c.contract.id);
        const result = await text(page, 'result-1');
        expect(result).toContain('90.40');
        expect(result).toContain('优秀');
        expect(result).toContain('满意度取自问卷（5 / 4.60）');
      }
      expect(await text(officer, 'milestone-status-1')).toBe('评价合格');

      // 7. The officer proposes the disbursement; the amount comes from the rules (excellent: the whole tranche).
      await openContractPayments(officer, c.contract.id);
      expect(await text(officer, 'milestones')).toContain('90.40 · 优秀');
      await officer.getByTestId('propose-1').getByRole('button').click();
      await officer.waitForURL(/\/staff\/disbursements\/[0-9a-f-]{36}$/);
      const disbursementUrl = officer.url();
      const disbursementPath = new URL(disbursementUrl).pathname;
      expect(await text(officer, 'amount')).toBe(money(tranche));
      expect(await text(officer, 'status')).toBe('待审批');
      await officer.getByTestId('own-proposal').waitFor();
      expect(await officer.getByTestId('approve-form').count()).toBe(0);

      // 8. A different person, the approver, approves it from the queue.
      const approver = await signInPage(browser, baseUrl, c.approver);
      await menu(approver, '拨付', '/staff/disbursements');
      await approver.getByTestId('awaiting-approval').locator(`a[href="${disbursementPath}"]`).click();
      await approver.getByTestId('approve-form').waitFor();
      await approver.screenshot({ path: artifact('pbr-approval-desktop.png'), fullPage: true });
      await approver.getByTestId('approve-form').getByRole('button', { name: '批准拨付' }).click();
      await approver.getByTestId('confirm-submit').click();
      await approver.getByText('拨付已批准。').waitFor();
      expect(await text(approver, 'status')).toBe('待支付');

      // 9. Finance records the treasury voucher; the amount must equal the approved one.
      const fin = await signInPage(browser, baseUrl, finance);
      await menu(fin, '拨付', '/staff/disbursements');
      await fin.getByTestId('awaiting-payment').locator(`a[href="${disbursementPath}"]`).click();
      await fin.getByTestId('voucher-form').waitFor();
      const voucher = voucherNo();
      await fin.getByLabel('凭证号').fill(voucher);
      await fin.getByLabel('支付日期').fill('2027-03-25');
      await fin.getByLabel('付款账户').fill('区财政国库单一账户 1102');
      await fin.getByLabel('收款账户').fill('机构基本户 6222 0210 0001');
      await fin.getByLabel('金额（元）').fill(yuan(tranche - 100));
      await fin.getByRole('button', { name: '登记支付' }).click();
      await fin.locator('.field-error', { hasText: '须等于批准金额' }).waitFor(); // beside its field (the error summary repeats it)
      expect(await fin.getByLabel('凭证号').inputValue()).toBe(voucher);
      await fin.getByLabel('金额（元）').fill(yuan(tranche));
      await fin.getByRole('button', { name: '登记支付' }).click();
      await fin.getByText('国库支付已登记，款项已支付。').waitFor();
      expect(await fin.getByTestId('voucher-form').count()).toBe(0); // nothing more to pay on it

      // 10. Paid on the bureau's pages...
      // The officer comes back to it from the contract's payments page.
      await openContractPayments(officer, c.contract.id);
      await follow(officer, `[data-testid="disbursements"] a[href="${disbursementPath}"]`);
      expect(await text(officer, 'status')).toBe('已支付');
      expect(await text(officer, 'voucher')).toContain(voucher);
      await officer.screenshot({ path: artifact('pbr-disbursement-paid-desktop.png'), fullPage: true });
      await follow(officer, `.breadcrumbs a[href="/staff/contracts/${c.contract.id}/payments"]`);
      expect(await officer.getByTestId('contract-balances').locator('dt:text-is("已支付") + dd').textContent()).toBe(money(tranche));
      expect(await text(officer, 'disbursements')).toContain('已支付');

      // ...and on the organisation's, on a phone.
      const orgPhone = await signInPage(browser, baseUrl, c.orgAdmin, PHONE);
      await menu(orgPhone, '我的收款', '/organisation/payments');
      expect(await text(orgPhone, 'paid-total')).toBe(money(tranche));
      const mine = orgPhone.getByTestId('my-payments').locator('tbody tr', { hasText: c.contract.reference });
      expect(await mine.count()).toBe(1);
      expect(await mine.innerText()).toContain('已支付');
      expect(await mine.innerText()).toContain(money(tranche));
      await orgPhone.screenshot({ path: artifact('pbr-organisation-payments-phone.png'), fullPage: true });

      // 11. The fund dashboard moved by exactly the paid amount, from committed to paid.
      expect(await fundOnDashboard(officer, fundName)).toEqual({ committed: money(Number(c.contract.amountMinor) - tranche), paid: money(tranche) });
      await officer
        .getByTestId('table-funds')
        .locator('xpath=ancestor::details')
        .evaluate((d) => d.setAttribute('open', ''));
      await officer.screenshot({ path: artifact('pbr-fund-dashboard-desktop.png'), fullPage: true });
      await menu(officer, '总账', '/staff/ledger');
      await officer.getByTestId('ledger-ok').waitFor();
    });
  });

  describe('on the Stripe rail', () => {
    let c: StripeContract;

    beforeAll(async () => {
      c = await createStripeContract(t, fake);
      await passMilestone(t, c.contract.id, 1, 9200);
    });

    it('sends one transfer after approval and shows the payment as paid once the signed webhook confirms it', async () => {
      const tranche = Number(c.milestones[0].amountMinor);
      const officer = await signInPage(browser, baseUrl, c.officer);
      await openContractPayments(officer, c.contract.id);
      await officer.getByTestId('propose-1').getByRole('button').click();
      await officer.waitForURL(/\/staff\/disbursements\/[0-9a-f-]{36}$/);
      const disbursementUrl = officer.url();
      const disbursementPath = new URL(disbursementUrl).pathname;
      const id = disbursementPath.split('/').pop()!;
      expect(await text(officer, 'disbursement')).toContain('Stripe');

      const approver = await signInPage(browser, baseUrl, c.approver);
      await menu(approver, '拨付', '/staff/disbursements');
      await follow(approver, `[data-testid="awaiting-approval"] a[href="${disbursementPath}"]`);
      await approver.getByTestId('approve-form').getByRole('button', { name: '批准拨付' }).click();
      await approver.getByTestId('confirm-submit').click();
      await approver.getByText('拨付已批准。').waitFor();

      // The outbox worker sends the transfer; the fake Stripe posts the signed transfer.created webhook.
      expect(await t.app.get(StripeOutboxWorker).sweep()).toEqual(['sent']);
      await fake.settled();
      const transfers = fake.transfers.filter((x) => x.metadata.disbursement_id === id);
      expect(transfers).toHaveLength(1);
      expect(transfers[0]).toMatchObject({ amount: tranche, destination: c.accountId, transfer_group: c.contract.id });

      await openContractPayments(officer, c.contract.id);
      await follow(officer, `[data-testid="disbursements"] a[href="${disbursementPath}"]`);
      expect(await text(officer, 'status')).toBe('已支付');
      expect(await officer.locator('body').innerText()).toContain(transfers[0].id);
      const org = await signInPage(browser, baseUrl, c.orgAdmin);
      await menu(org, '我的收款', '/organisation/payments');
      expect(await text(org, 'paid-total')).toBe(money(tranche));
      expect(await org.getByTestId('my-payments').locator('tbody tr', { hasText: c.contract.reference }).innerText()).toContain('已支付');
      await org.screenshot({ path: artifact('pbr-stripe-organisation-payments-desktop.png'), fullPage: true });
    });
  });
});

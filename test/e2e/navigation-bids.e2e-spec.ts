import { translate } from '../../src/i18n/i18n';
import { bidPayload, createBiddingOrganisation, createPublishedProject, submitBid, createProjectWithBidder } from '../factories/bidding';
import { advanceClock, resetClock } from '../support/clock';
import { findLink, linksOf, textOf } from '../support/html';
import { TestApp, createTestApp } from '../support/test-app';

/** An organisation reaches the bid form from its project list and project page, and back, by links only. */
describe('navigation: from a project to the bid form and back', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('links an eligible organisation from the open-projects list and the project page to the bid form', async () => {
    const { project, org } = await createProjectWithBidder(t);

    const list = await org.session.agent.get('/projects').expect(200);
    const rowLink = linksOf(list.text).find((l) => l.href === `/projects/${project.id}/bid`);
    expect(rowLink?.text).toBe(translate('zh-CN', 'procurement.org.bid'));

    const page = await org.session.agent.get(`/projects/${project.id}`).expect(200);
    expect(findLink(page.text, 'bid-link')?.href).toBe(`/projects/${project.id}/bid`);
    expect(page.text).not.toContain('data-testid="bid-window-closed"');

    const form = await org.session.agent.get(findLink(page.text, 'bid-link')!.href).expect(200);
    expect(form.text).toContain('data-testid="bid-form"');
    expect(findLink(form.text, 'project-link')?.href).toBe(`/projects/${project.id}`);
  });

  it('shows the reason instead of the button when the organisation may not bid', async () => {
    const project = await createPublishedProject(t, { categoryCode: 'C01' });
    const otherCategory = await createBiddingOrganisation(t, { serviceCategories: ['C05'] });
    const notApproved = await createBiddingOrganisation(t, { status: 'submitted' });

    for (const [org, reason] of [
      [otherCategory, 'procurement.eligibility.categoryNotRegistered'],
      [notApproved, 'procurement.eligibility.notApproved'],
    ] as const) {
      const page = await org.session.agent.get(`/projects/${project.id}`).expect(200);
      expect(findLink(page.text, 'bid-link')).toBeUndefined();
      expect(textOf(page.text)).toContain(translate('zh-CN', reason));
      const list = await org.session.agent.get('/projects').expect(200);
      expect(linksOf(list.text).some((l) => l.href === `/projects/${project.id}/bid`)).toBe(false);
    }
  });

  it('says the window has closed once the deadline has passed, and still links to the organisation’s bid', async () => {
    const project = await createPublishedProject(t, { deadlineInMs: 60_000 });
    const org = await createBiddingOrganisation(t);
    await advanceClock(t.dataSource, 120_000);
    const page = await org.session.agent.get(`/projects/${project.id}`).expect(200);
    expect(textOf(page.text)).toContain(translate('zh-CN', 'procurement.org.windowClosed'));
    expect(findLink(page.text, 'bid-link')?.text).toBe(translate('zh-CN', 'procurement.org.viewBid'));
    const bidPage = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    expect(bidPage.text).toContain('data-testid="bidding-closed"');
    expect(bidPage.text).not.toContain('data-testid="bid-form"');
    await resetClock(t.dataSource);
  });

  it('links a submitted bid back to its project and its receipt from “my bids”', async () => {
    const { project, org } = await createProjectWithBidder(t);
    const receipt = await submitBid(org.session, project.id, bidPayload(project)).expect(201);

    const mine = await org.session.agent.get('/bids').expect(200);
    const links = linksOf(mine.text);
    expect(links.some((l) => l.href === `/projects/${project.id}`)).toBe(true);
    const receiptLink = links.find((l) => l.href === `/bids/${receipt.body.bidId}/versions/1/receipt`);
    expect(receiptLink).toBeDefined();
    const file = await org.session.agent.get(receiptLink!.href).expect(200);
    expect(JSON.parse(file.text.toString())).toMatchObject({ version: 1 });
  });
});

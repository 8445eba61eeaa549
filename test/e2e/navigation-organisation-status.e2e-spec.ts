import { OrganisationStatus } from '../../src/organisations/organisation.entity';
import { createOrganisation } from '../factories/organisations';
import { createDraft, createFund, projectForm } from '../factories/procurement';
import { signIn, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

/** The navigation offers an organisation only what its status lets it use (issue 10, polish). */
describe('organisation navigation by status', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const navOf = async (status: OrganisationStatus): Promise<string> => {
    const { admin } = await createOrganisation(t, { status });
    const s = await signIn(t, admin);
    const res = await s.agent.get('/dashboard');
    expect(res.status).toBe(200);
    const nav = /<nav[^>]*class="main-nav"[\s\S]*?<\/nav>/.exec(res.text)?.[0];
    expect(nav).toBeDefined();
    return nav!;
  };
  const fullOrganisationEntries = [
    '/projects',
    '/bids',
    '/organisation/awards',
    '/organisation/contracts',
    '/organisation/deliveries',
    '/organisation/surveys',
    '/organisation/payments',
    '/organisation/reports',
  ];

  it.each<OrganisationStatus>(['draft', 'needs_changes'])('offers a %s organisation its organisation page and notices only', async (status) => {
    const nav = await navOf(status);
    expect(nav).toContain('href="/organisation"');
    expect(nav).toContain('href="/notices"');
    for (const href of fullOrganisationEntries) expect(nav).not.toContain(`href="${href}"`);
  });

  // Suspension stops bidding only: the organisation still delivers and is paid for its contracts.
  it.each<OrganisationStatus>(['approved', 'suspended'])('offers a %s organisation the whole organisation navigation', async (status) => {
    const nav = await navOf(status);
    for (const href of ['/organisation', ...fullOrganisationEntries]) expect(nav).toContain(`href="${href}"`);
  });

  it('says there is nothing to do on the dashboard instead of "0 milestone(s) need action"', async () => {
    const { admin } = await createOrganisation(t, { status: 'approved' });
    const s = await signIn(t, admin);
    const zh = await s.agent.get('/dashboard');
    expect(zh.status).toBe(200);
    expect(zh.text).not.toContain('0 个里程碑需要处理');
    expect(zh.text).toContain('目前没有需要处理的里程碑。');
    await s.agent.get('/locale/en?next=/dashboard');
    const en = await s.agent.get('/dashboard');
    expect(en.text).not.toContain('0 milestone(s) need action');
    expect(en.text).toContain('Nothing needs action on your milestones.');
  });

  it('shows quantities with thousands separators in both languages', async () => {
    const officer = (await signInAs(t, ['bureau_officer'])).session;
    const fund = await createFund(t);
    const id = await createDraft(officer, await projectForm(t, fund.id, { items: [{ code: 'C01-001', quantity: '12000', notes: '' }] }));
    const zh = await officer.agent.get(`/staff/projects/${id}`);
    expect(zh.status).toBe(200);
    expect(zh.text).toMatch(/<td>12,000 [^<]+<\/td>/);
    await officer.agent.get(`/locale/en?next=/staff/projects/${id}`);
    expect((await officer.agent.get(`/staff/projects/${id}`)).text).toMatch(/<td>12,000 [^<]+<\/td>/);
  });
});

import { TestApp, createTestApp } from '../support/test-app';
import { bidPayload, createBiddingOrganisation, createPublishedProject } from '../factories/bidding';
import { tinyPng } from '../factories/organisations';

/** Posts the bid page's multipart form as a browser does (the CSRF token as a body field). */
function postBidPage(session: { agent: any; csrf: string }, projectId: string, fields: Record<string, string>, url = `/projects/${projectId}/bid`) {
  let req = session.agent.post(url);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req;
}

function bidFields(project: Parameters<typeof bidPayload>[0], overrides: Record<string, string> = {}): Record<string, string> {
  const p = bidPayload(project) as { price: string; proposal: string; team: Array<Record<string, string>>; deliveryPlan: Array<{ milestone: number; plan: string }>; declarationSigner: string };
  const fields: Record<string, string> = { price: p.price, proposal: p.proposal, declarationAccepted: 'true', declarationSigner: p.declarationSigner };
  p.team.forEach((m, i) => Object.entries(m).forEach(([k, v]) => (fields[`team[${i}][${k}]`] = v)));
  p.deliveryPlan.forEach((d, i) => {
    fields[`deliveryPlan[${i}][milestone]`] = String(d.milestone);
    fields[`deliveryPlan[${i}][plan]`] = d.plan;
  });
  return { ...fields, ...overrides };
}

describe('multipart forms keep the CSRF token out of the URL', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('renders the bid form with the token as a hidden field, not in its action', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const page = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    const form = /<form[^>]*data-testid="bid-form"[^>]*>/.exec(page.text)![0];
    expect(form).toContain(`action="/projects/${project.id}/bid"`);
    expect(form).not.toContain('_csrf');
    expect(page.text).not.toMatch(/\?_csrf=/);
    expect(page.text).toMatch(/<input type="hidden" name="_csrf" value="[^"]{20,}">/);
  });

  it('accepts the token from the multipart body, refuses it from the query string', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const fields = bidFields(project);
    const inQuery = await postBidPage(org.session, project.id, fields, `/projects/${project.id}/bid?_csrf=${encodeURIComponent(org.session.csrf)}`).expect(403);
    expect(inQuery.text).toContain('页面已过期');
    await postBidPage(org.session, project.id, { ...fields, _csrf: 'forged' }).expect(403);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bid_versions WHERE project_id = $1`, [project.id]);
    expect(n).toBe(0);
    const ok = await postBidPage(org.session, project.id, { _csrf: org.session.csrf, ...fields }).expect(303);
    expect(ok.headers.location).toBe(`/projects/${project.id}/bid#receipt`);
    // The header still works for API clients posting multipart.
    const doc = await org.session.agent.post('/organisation/documents').set('X-CSRF-Token', org.session.csrf).field('kind', 'other').attach('file', tinyPng(), 'a.png');
    expect(doc.status).not.toBe(403);
  });
});

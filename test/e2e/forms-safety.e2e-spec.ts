import { TestApp, createTestApp } from '../support/test-app';
import { createApprover, createEvaluatedProject, signInAsUser } from '../factories/awards';
import { bidPayload, createBiddingOrganisation, submitBid, createProjectWithBidder } from '../factories/bidding';
import { registerOrganisation, registrationForm, tinyPng } from '../factories/organisations';
import { committeeOf, createEvaluatorPool, createOpenedProject, declareAll, lettersOf, qualifyAll, requestCommittee } from '../factories/evaluation';
import { createDraft, createFund, flattenForm, projectForm } from '../factories/procurement';
import { TEST_PASSWORD, anonymousSession, signIn, signInAs } from '../factories/users';

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
    const { project, org } = await createProjectWithBidder(t);
    const page = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    const form = /<form[^>]*data-testid="bid-form"[^>]*>/.exec(page.text)![0];
    expect(form).toContain(`action="/projects/${project.id}/bid"`);
    expect(form).not.toContain('_csrf');
    expect(page.text).not.toMatch(/\?_csrf=/);
    expect(page.text).toMatch(/<input type="hidden" name="_csrf" value="[^"]{20,}">/);
  });

  it('accepts the token from the multipart body, refuses it from the query string', async () => {
    const { project, org } = await createProjectWithBidder(t);
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

  it('re-renders a refused bid at the same address with every field message and the input kept', async () => {
    const { project, org } = await createProjectWithBidder(t);
    const res = await postBidPage(org.session, project.id, {
      _csrf: org.session.csrf,
      ...bidFields(project, { price: '十万元', proposal: '太短', declarationAccepted: '', declarationSigner: '', 'team[0][name]': '' }),
    }).expect(400);
    expect(res.text).not.toMatch(/\?_csrf=/);
    expect(res.text).toContain('value="十万元"');
    expect(res.text).toMatch(/有 5 处需要修改/);
    expect(res.text).toMatch(/<a href="#f-price">/);
    expect(res.text).toContain('太短');
    for (const id of ['f-price', 'f-proposal', 'f-declarationAccepted', 'f-declarationSigner', 'f-team-0-name']) {
      expect(res.text).toMatch(new RegExp(`id="${id}"[^>]*aria-invalid="true"`));
      expect(res.text).toMatch(new RegExp(`id="${id}-error"`));
    }
  });
});

describe('confirmation before irreversible or money actions', () => {
  let t: TestApp;
  jest.setTimeout(90_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('withdraws a bid only from its confirmation step, then offers a new bid pre-filled with its own withdrawn content only', async () => {
    const { project, org } = await createProjectWithBidder(t);
    const rival = await createBiddingOrganisation(t);
    await submitBid(org.session, project.id, bidPayload(project, { proposal: '本机构的服务方案：每周两次上门探访，建立一人一档。' })).expect(201);
    await submitBid(rival.session, project.id, bidPayload(project, { price: '150000', proposal: '对手的密封方案，绝不能出现在别人的表单里。' })).expect(201);

    const step = await org.session.form(`/projects/${project.id}/bid/withdraw`).expect(200);
    expect(step.text).toContain('data-testid="confirmation"');
    expect(step.text).toContain('确认撤回投标');
    expect(step.text).toContain('¥186,000.50');
    expect(step.text).toMatch(/<form method="post" action="\/projects\/[0-9a-f-]+\/bid\/withdraw"/);
    expect(step.text).toContain('<input type="hidden" name="confirm" value="yes">');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM bid_versions WHERE project_id = $1 AND kind = 'withdrawal'`, [project.id]);
    expect(n).toBe(0);

    const done = await org.session.form(`/projects/${project.id}/bid/withdraw`, { confirm: 'yes' }).expect(303);
    expect(done.headers.location).toBe(`/projects/${project.id}/bid#bid-form-title`);
    const page = await org.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    expect(page.text).toContain('data-testid="bid-withdrawn"');
    expect(page.text).toContain('value="186000.50"');
    expect(page.text).toContain('本机构的服务方案：每周两次上门探访，建立一人一档。');
    expect(page.text).toContain('value="王芳"');
    expect(page.text).not.toContain('对手的密封方案');
    expect(page.text).not.toContain('value="150000.00"');
    // The rival sees its own bid, never the withdrawn one.
    const rivalPage = await rival.session.agent.get(`/projects/${project.id}/bid`).expect(200);
    expect(rivalPage.text).not.toContain('本机构的服务方案');
    // Submitting the pre-filled form again is a new submission.
    const again = await submitBid(org.session, project.id, bidPayload(project)).expect(201);
    expect(again.body.kind).toBe('submission');
  });

  it('publishes a project only after stating the amount it reserves on the fund', async () => {
    const { session } = await signInAs(t, ['bureau_officer']);
    const fund = await createFund(t, { name: '确认测试专项资金' });
    const draftId = await createDraft(session, await projectForm(t, fund.id, { budgetCeiling: '300000' }));
    const step = await session.form(`/staff/projects/${draftId}/publish`).expect(200);
    expect(step.text).toContain('确认发布项目');
    expect(step.text).toContain('确认测试专项资金');
    expect(step.text).toMatch(/data-testid="confirm-amount">¥300,000/);
    const [before] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [draftId]);
    expect(before.status).toBe('draft');
    await session.form(`/staff/projects/${draftId}/publish`, { confirm: 'yes' }).expect(303);
    const [after] = await t.dataSource.query(`SELECT status FROM projects WHERE id = $1`, [draftId]);
    expect(after.status).toBe('published');
  });

  it('awards only after naming the winner and the amount; bad input is refused before the step; JSON callers act at once', async () => {
    const project = await createEvaluatedProject(t);
    const top = project.bidders.find((b) => b.rank === 1)!;
    const second = project.bidders.find((b) => b.rank === 2)!;
    const session = await signInAsUser(t, await createApprover(t));
    // A deviation without its reason: refused with the field message, no confirmation step.
    await session.form(`/staff/projects/${project.id}/award`, { bidId: second.bidId, reason: '' }).expect(400);
    const step = await session.form(`/staff/projects/${project.id}/award`, { bidId: top.bidId }).expect(200);
    expect(step.text).toContain('确认授标');
    expect(step.text).toContain('¥180,000');
    expect(step.text).toContain(`<input type="hidden" name="bidId" value="${top.bidId}">`);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM awards WHERE project_id = $1`, [project.id]);
    expect(n).toBe(0);
    await session.agent.post(`/staff/projects/${project.id}/award`).set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').send({ bidId: top.bidId }).expect(303);
    const [{ m }] = await t.dataSource.query(`SELECT count(*)::int AS m FROM awards WHERE project_id = $1`, [project.id]);
    expect(m).toBe(1);
  });
});

describe('all field errors at once', () => {
  let t: TestApp;
  jest.setTimeout(60_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports a registry rule, a taken credit code, a taken email and a weak password in one round trip, input kept', async () => {
    const first = await registerOrganisation(t);
    const anon = await anonymousSession(t);
    const form = registrationForm({ creditCode: first.form.creditCode, email: first.email, foundedOn: '2999-01-01', password: 'short', confirmPassword: 'short' });
    const res = await anon.form('/register', form).expect(400);
    for (const field of ['creditCode', 'email', 'foundedOn', 'password']) {
      expect(res.text).toMatch(new RegExp(`id="f-${field}"[^>]*aria-invalid="true"`, 's'));
      expect(res.text).toContain(`id="f-${field}-error"`);
    }
    expect(res.text).toContain(`value="${first.email}"`);
    expect(res.text).not.toContain('value="short"');
    const api = await anon.agent.post('/register').set('X-CSRF-Token', anon.csrf).set('Accept', 'application/json').send(form).expect(400);
    expect(Object.keys(api.body.error.fields).sort()).toEqual(expect.arrayContaining(['creditCode', 'email', 'foundedOn', 'password']));
  });
});

describe('all field errors at once: project, fund and committee scoring forms', () => {
  let t: TestApp;
  jest.setTimeout(120_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  function invalidFields(html: string): string[] {
    return [...html.matchAll(/id="f-([\w-]+)"[^>]*aria-invalid="true"/g)].map((m) => m[1]).sort();
  }

  it('reports every problem of the project form in one round trip (HTML re-rendered with the input kept; JSON 400 naming each field)', async () => {
    const { session } = await signInAs(t, ['bureau_officer']);
    const fund = await createFund(t);
    const form = await projectForm(t, fund.id, { title: '', budgetCeiling: '1,0,0', serviceArea: '', priceWeight: '50' });
    const criteria = form.criteria as Array<Record<string, string>>;
    criteria[1] = { name: '注册资本', description: '注册资本越高得分越高', weight: '30' };
    const milestones = form.milestones as Array<Record<string, string>>;
    milestones[2].share = '10';
    const res = await session.form('/staff/projects', flattenForm(form)).expect(400);
    const fields = invalidFields(res.text);
    expect(fields).toEqual(expect.arrayContaining(['title', 'budgetCeiling', 'serviceArea', 'priceWeight', 'criteria-1-name']));
    expect(res.text).toContain('value="1,0,0"');
    expect(res.text).toContain('value="注册资本"');
    expect(res.text).toContain('value="中期评估"');
    expect(res.text).toMatch(/有 \d+ 处需要修改/);
    const api = await session.agent.post('/staff/projects').set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').send(form).expect(400);
    expect(Object.keys(api.body.error.fields)).toEqual(expect.arrayContaining(['title', 'budgetCeiling', 'serviceArea', 'priceWeight']));
  });

  it('reports every problem of the fund form in one round trip, a taken name included, input kept', async () => {
    const { session } = await signInAs(t, ['bureau_officer']);
    await session.form('/staff/funds', { name: '已登记的资金', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '100' }).expect(303);
    // The name is taken for this unit and year; the level and the amount are wrong too.
    const taken = { name: '已登记的资金', fiscalYear: '2027', ownerLevel: 'galaxy', ownerUnit: '示范区民政局', total: '12,34.5' };
    const res = await session.form('/staff/funds', taken).expect(400);
    expect(invalidFields(res.text)).toEqual(['name', 'ownerLevel', 'total']);
    expect(res.text).toContain('已有同名资金');
    expect(res.text).toContain('value="12,34.5"');
    expect(res.text).toContain('value="已登记的资金"');
    expect(res.text).toMatch(/有 3 处需要修改/);
    // Every field wrong: every field named, HTML and JSON.
    const bad = { name: '', fiscalYear: '二〇二七', ownerLevel: 'galaxy', ownerUnit: '', total: '12,34.5' };
    const all = await session.form('/staff/funds', bad).expect(400);
    expect(invalidFields(all.text)).toEqual(['fiscalYear', 'name', 'ownerLevel', 'ownerUnit', 'total']);
    expect(all.text).toContain('value="二〇二七"');
    const api = await session.agent.post('/staff/funds').set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').send(bad).expect(400);
    expect(Object.keys(api.body.error.fields).sort()).toEqual(['fiscalYear', 'name', 'ownerLevel', 'ownerUnit', 'total']);
    const apiTaken = await session.agent.post('/staff/funds').set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').send(taken).expect(400);
    expect(Object.keys(apiTaken.body.error.fields).sort()).toEqual(['name', 'ownerLevel', 'total']);
  });

  it('reports every problem of a committee score sheet in one round trip, input kept', async () => {
    const project = await createOpenedProject(t, { method: 'competitive_consultation', bids: [{ priceMinor: 25_000_000 }, { priceMinor: 26_000_000 }, { priceMinor: 27_000_000 }] });
    await createEvaluatorPool(t, 3, { prefix: '表单评委' });
    const evaluationId = await requestCommittee(t, project);
    await declareAll(t, evaluationId);
    await qualifyAll(t, project, evaluationId);
    const [member] = (await committeeOf(t, evaluationId)).filter((m) => m.status !== 'recused');
    const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [member.user_id]);
    const session = await signIn(t, { email, password: TEST_PASSWORD });
    const letter = [...lettersOf(project).values()][0];
    // c1 of 40 negative; c2 of 30 with three decimals.
    const res = await session.form(`/evaluations/${evaluationId}/bids/${letter}/scores`, { 'points[c1]': '-1', 'points[c2]': '12.345' }).expect(400);
    expect(invalidFields(res.text)).toEqual(expect.arrayContaining(['points-c1', 'points-c2']));
    expect(res.text).toContain('value="-1"');
    expect(res.text).toContain('value="12.345"');
    const api = await session.agent
      .post(`/evaluations/${evaluationId}/bids/${letter}/scores`)
      .set('X-CSRF-Token', session.csrf)
      .set('Accept', 'application/json')
      .send({ points: { c1: '-1', c2: '12.345' } })
      .expect(400);
    expect(Object.keys(api.body.error.fields).sort()).toEqual(['points.c1', 'points.c2']);
  });
});

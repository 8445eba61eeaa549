import { createDraft, createFund, projectForm, projectRow, publishProject } from '../factories/procurement';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

describe('public notice board', () => {
  let t: TestApp;
  let officer: Session;
  let published: { id: string; reference: string };
  let cancelled: { id: string; reference: string };
  let draftId: string;
  beforeAll(async () => {
    t = await createTestApp({ API_DOCS: 'true' });
    officer = (await signInAs(t, ['bureau_officer'])).session;
    const fund = await createFund(t, { total: '5000000' });
    draftId = await createDraft(officer, await projectForm(t, fund.id, { title: '尚未发布的草稿项目' }));
    const a = await createDraft(officer, await projectForm(t, fund.id, { title: '社区助餐服务项目（公告中）' }));
    await publishProject(officer, a).expect(303);
    const b = await createDraft(officer, await projectForm(t, fund.id, { title: '社区助餐服务项目（已终止）' }));
    await publishProject(officer, b).expect(303);
    await officer.form(`/staff/projects/${b}/cancel`, { reason: '预算调整，项目终止。' }).expect(303);
    published = { id: a, reference: (await projectRow(t, a)).reference };
    cancelled = { id: b, reference: (await projectRow(t, b)).reference };
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows published and cancelled projects to anonymous visitors, newest first, never drafts', async () => {
    const res = await t.http().get('/notices').expect(200);
    expect(res.text).toContain('社区助餐服务项目（公告中）');
    expect(res.text).toContain('社区助餐服务项目（已终止）');
    expect(res.text).not.toContain('尚未发布的草稿项目');
    expect(res.text.indexOf('（已终止）')).toBeLessThan(res.text.indexOf('（公告中）'));
    await t.http().get(`/notices/projects/DRAFT-${draftId}`).expect(404);
  });

  it('filters by status and category', async () => {
    const open = await t.http().get('/notices?status=published').expect(200);
    expect(open.text).toContain('（公告中）');
    expect(open.text).not.toContain('（已终止）');
    const other = await t.http().get('/notices?category=C05').expect(200);
    expect(other.text).not.toContain('社区助餐服务项目');
    await t.http().get('/notices?status=draft').expect(400);
  });

  it('shows the project as published, with the deadline explanation, in Chinese and English', async () => {
    const zh = await t.http().get(`/notices/projects/${published.reference}`).expect(200);
    expect(zh.text).toContain('截止时间的依据');
    expect(zh.text).toMatch(/起 20 个日历日：不早于/);
    // No link to an opening record before the opening (it would answer 404).
    expect(zh.text).not.toContain(`/notices/projects/${published.reference}/opening`);
    const en = await t.http().get(`/notices/projects/${published.reference}`).set('Cookie', 'lang=en').expect(200);
    expect(en.text).toMatch(/20 calendar days from \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(publication\): not before/);
    expect(en.text).toContain('Why the deadline is where it is');
    const gone = await t.http().get(`/notices/projects/${cancelled.reference}`).expect(200);
    expect(gone.text).toContain('预算调整，项目终止。');
  });

  it('lists notices as JSON with a validated query', async () => {
    const res = await t.http().get('/api/v1/notices/projects?pageSize=10').expect(200);
    expect(res.body.meta).toMatchObject({ page: 1, pageSize: 10, total: 2 });
    expect(res.body.data.map((n: { reference: string }) => n.reference).sort()).toEqual([published.reference, cancelled.reference].sort());
    expect(res.body.data[0]).toMatchObject({ currency: 'CNY', budgetCeilingMinor: 30000000, categoryCodes: ['C01'] });
    const bad = await t.http().get('/api/v1/notices/projects?status=draft').expect(400);
    expect(bad.body.error.fields.status).toBeDefined();
    const docs = await t.http().get('/api/docs/openapi.json').expect(200);
    expect(docs.body.paths['/api/v1/notices/projects']).toBeDefined();
  });
});

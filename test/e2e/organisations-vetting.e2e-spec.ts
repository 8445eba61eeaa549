import { OrganisationStatus, TRANSITIONS, VETTING_ACTIONS } from '../../src/organisations/domain/vetting';
import { OrganisationsService } from '../../src/organisations/organisations.service';
import { HTML_AS_PDF, createApprovedOrganisation, createOrganisation, organisationEvents, registerOrganisation, tinyPng, uploadDocument } from '../factories/organisations';
import { Session, signInAs } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';
import { waitForLockWait } from '../support/waits';

async function statusOf(t: TestApp, id: string): Promise<{ status: OrganisationStatus; status_reason: string | null }> {
  const [row] = await t.dataSource.query(`SELECT status, status_reason FROM organisations WHERE id = $1`, [id]);
  return row;
}

function decide(officer: Session, id: string, decision: string, expectedStatus: string, reason?: string) {
  return officer.form(`/staff/organisations/${id}/decisions`, { decision, expectedStatus, ...(reason === undefined ? {} : { reason }) });
}

describe('organisation documents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('uploads a PNG certificate (CSRF token in the query), lists it and downloads the same bytes', async () => {
    const org = await registerOrganisation(t);
    const png = tinyPng();
    const res = await uploadDocument(org.session, 'registration_certificate', png, '登记证书.png').expect(303);
    expect(res.headers.location).toBe('/organisation#documents');
    const page = await org.session.agent.get('/organisation').expect(200);
    expect(page.text).toContain('登记证书.png');
    expect(page.text).toContain('材料已上传');
    const [doc] = await t.dataSource.query(`SELECT id, kind, content_type FROM documents WHERE owner_type = 'organisation' AND owner_id = $1`, [org.organisationId]);
    expect(doc).toMatchObject({ kind: 'registration_certificate', content_type: 'image/png' });
    const download = await org.session.agent
      .get(`/organisation/documents/${doc.id}`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toContain('attachment');
    expect((download.body as Buffer).equals(png)).toBe(true);
    expect(await organisationEvents(t, org.organisationId)).toEqual(['organisation.registered', 'organisation.document_uploaded']);
  });

  it('refuses an HTML file renamed .pdf, re-rendering the page with the field message and storing nothing', async () => {
    const org = await registerOrganisation(t);
    const res = await uploadDocument(org.session, 'registration_certificate', HTML_AS_PDF, 'certificate.pdf').expect(400);
    expect(res.text).toMatch(/id="f-file-error">只接受 PDF、JPG、PNG 文件，且文件扩展名须与文件内容一致</);
    expect(res.text).toContain(org.form.nameZh as string);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM documents WHERE owner_id = $1`, [org.organisationId]);
    expect(n).toBe(0);
    expect(await organisationEvents(t, org.organisationId)).toEqual(['organisation.registered']);
  });

  it('refuses an upload without the CSRF token, a missing file, and an unknown kind', async () => {
    const org = await registerOrganisation(t);
    await org.session.agent.post('/organisation/documents').field('kind', 'other').attach('file', tinyPng(), 'a.png').expect(403);
    const none = await org.session.agent.post(`/organisation/documents`).field('_csrf', org.session.csrf).field('kind', 'other').expect(400);
    expect(none.text).toMatch(/id="f-file-error">文件为空</);
    const kind = await uploadDocument(org.session, 'passport', tinyPng(), 'a.png').expect(400);
    expect(kind.text).toMatch(/id="f-kind-error">请选择一项</);
  });

  it('lets a draft organisation remove a document uploaded by mistake', async () => {
    const org = await registerOrganisation(t);
    await uploadDocument(org.session, 'other', tinyPng(), '错误文件.png').expect(303);
    const [doc] = await t.dataSource.query(`SELECT id FROM documents WHERE owner_id = $1`, [org.organisationId]);
    await org.session.form(`/organisation/documents/${doc.id}/remove`).expect(303);
    await org.session.agent.get(`/organisation/documents/${doc.id}`).expect(404);
    expect(await organisationEvents(t, org.organisationId)).toContain('organisation.document_removed');
  });

  it('refuses to submit a registered (登记) organisation without its certificate; a filed (备案) one may', async () => {
    const registered = await registerOrganisation(t);
    const refused = await registered.session.form('/organisation/submit').expect(422);
    expect(refused.text).toContain('登记的社会组织须先上传登记证书，才能提交审核');
    expect((await statusOf(t, registered.organisationId)).status).toBe('draft');
    await uploadDocument(registered.session, 'articles_of_association', tinyPng(), '章程.png').expect(303);
    await registered.session.form('/organisation/submit').expect(422);

    const filed = await registerOrganisation(t, { registrationTrack: 'filed', organisationType: 'community_organisation', registeringAuthority: '联洋社区居委会' });
    await filed.session.form('/organisation/submit').expect(303);
    expect((await statusOf(t, filed.organisationId)).status).toBe('submitted');
  });
});

describe('vetting journey', () => {
  let t: TestApp;
  let officer: Session;
  beforeAll(async () => {
    t = await createTestApp({ API_DOCS: 'true' });
    officer = (await signInAs(t, ['bureau_officer'], { displayName: '陈经办' })).session;
  });
  afterAll(async () => {
    await t.close();
  });

  it('takes a registration from draft through a request for changes to approval, listed in the registry, then suspended and reinstated', async () => {
    const org = await registerOrganisation(t, { nameZh: '蒲公英社会工作服务社', serviceCategories: ['C02', 'C05'], evaluationGrade: '4A' });
    const id = org.organisationId;
    await uploadDocument(org.session, 'registration_certificate', tinyPng(), '登记证书.png').expect(303);
    await org.session.form('/organisation/submit').expect(303);
    expect((await statusOf(t, id)).status).toBe('submitted');

    // Under review the organisation cannot change its record or documents.
    await org.session.agent.get('/organisation/edit').expect(422);
    const edit = await org.session.form('/organisation/edit', { ...org.form, staffCount: '20' });
    expect(edit.status).toBe(400); // account fields are not part of the edit form
    const { email, displayName, password, confirmPassword, ...details } = org.form;
    const underReview = await org.session.form('/organisation/edit', { ...details, staffCount: '20' }).expect(422);
    expect(underReview.text).toContain('该机构当前的状态不允许修改此项');
    await uploadDocument(org.session, 'other', tinyPng(), 'late.png').expect(422);

    // The officer's queue and the full record.
    const queue = await officer.agent.get('/staff/organisations?status=submitted').expect(200);
    expect(queue.text).toContain('蒲公英社会工作服务社');
    const search = await officer.agent.get(`/staff/organisations?status=all&q=${encodeURIComponent(String(org.form.creditCode).slice(8, 14).toLowerCase())}`).expect(200);
    expect(search.text).toContain('蒲公英社会工作服务社');
    const detail = await officer.agent.get(`/staff/organisations/${id}`).expect(200);
    for (const text of ['登记证书.png', String(org.form.creditCode), '王建国', '¥50,000', '4A 级', 'name="expectedStatus" value="submitted"', 'data-testid="decide-approve"']) {
      expect(detail.text).toContain(text);
    }

    // A request for changes needs a reason.
    const noReason = await decide(officer, id, 'request_changes', 'submitted', '   ').expect(400);
    expect(noReason.text).toMatch(/id="f-reason-error">请填写理由，机构会看到</);
    expect(noReason.text).toContain('蒲公英社会工作服务社');
    expect((await statusOf(t, id)).status).toBe('submitted');
    const reason = '请补充机构章程，并核对专职人员人数（社保缴纳名单为 15 人）。';
    await decide(officer, id, 'request_changes', 'submitted', reason).expect(303);
    expect(await statusOf(t, id)).toEqual({ status: 'needs_changes', status_reason: reason });

    // The organisation reads the reason on its page and dashboard, corrects and resubmits.
    const own = await org.session.agent.get('/organisation').expect(200);
    expect(own.text).toContain('需要修改的内容');
    expect(own.text).toContain(reason);
    const dashboard = await org.session.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain(reason);
    expect(dashboard.text).toContain('按意见修改信息或补充材料');
    const form = await org.session.agent.get('/organisation/edit').expect(200);
    expect(form.text).toContain('value="12"');
    await org.session.form('/organisation/edit', { ...details, staffCount: '15' }).expect(303);
    await uploadDocument(org.session, 'articles_of_association', tinyPng(), '章程.png').expect(303);
    await org.session.form('/organisation/submit').expect(303);
    const [updated] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE entity_id = $1 AND action = 'organisation.updated'`, [id]);
    expect(updated.summary).toMatchObject({ before: { staffCount: 12 }, after: { staffCount: 15 } });
    expect(await statusOf(t, id)).toEqual({ status: 'submitted', status_reason: null });

    // Approval, with an optional note.
    await decide(officer, id, 'approve', 'submitted', '').expect(303);
    expect(await statusOf(t, id)).toEqual({ status: 'approved', status_reason: null });
    const approved = await org.session.agent.get('/organisation').expect(200);
    expect(approved.text).toMatch(/data-testid="org-status">已通过</);
    expect(await t.app.get(OrganisationsService).isApproved(id)).toBe(true);
    await expect(t.app.get(OrganisationsService).assertEligibleToBid(id)).resolves.toBeUndefined();

    // Listed in the public registry, searchable and filterable, with no sign-in.
    const registry = await t.http().get('/registry').expect(200);
    expect(registry.text).toContain('蒲公英社会工作服务社');
    const byCode = await t
      .http()
      .get(`/registry?q=${String(org.form.creditCode).slice(2, 10)}`)
      .expect(200);
    expect(byCode.text).toContain('蒲公英社会工作服务社');
    const byCategory = await t.http().get('/registry?category=C05&grade=4A').expect(200);
    expect(byCategory.text).toContain('蒲公英社会工作服务社');
    const otherCategory = await t.http().get('/registry?category=C01').expect(200);
    expect(otherCategory.text).not.toContain('蒲公英社会工作服务社');
    await t.http().get(`/registry/${id}`).expect(200);
    const api = await t
      .http()
      .get(`/api/v1/registry?q=${encodeURIComponent('蒲公英')}`)
      .expect(200);
    expect(api.body.meta).toEqual({ page: 1, pageSize: 20, total: 1 });
    expect(api.body.data[0]).toMatchObject({
      id,
      name: '蒲公英社会工作服务社',
      creditCode: org.form.creditCode,
      registrationTrack: 'registered',
      evaluationGrade: '4A',
      serviceCategories: [expect.objectContaining({ code: 'C02' }), expect.objectContaining({ code: 'C05' })],
    });
    expect(api.body.data[0]).not.toHaveProperty('contactPhone');
    await t.http().get(`/api/v1/registry/${id}`).expect(200);

    // After approval only the contact details change, and that is audited.
    await org.session.agent.get('/organisation/edit').expect(422);
    await org.session.form('/organisation/edit', { ...details, staffCount: '16' }).expect(422);
    await org.session.form('/organisation/contact', { contactPerson: '赵新', contactPhone: '021-5888 1234' }).expect(303);
    const [contact] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE entity_id = $1 AND action = 'organisation.contact_updated'`, [id]);
    expect(contact.summary).toMatchObject({ before: { contactPerson: '李晓梅' }, after: { contactPerson: '赵新', contactPhone: '021-5888 1234' } });

    // Suspension removes it from the registry and from bidding; reinstatement restores both.
    await decide(officer, id, 'suspend', 'approved', '').expect(400);
    await decide(officer, id, 'suspend', 'approved', '年检不合格，暂停至整改完成。').expect(303);
    expect((await t.http().get('/api/v1/registry').expect(200)).body.data.map((o: { id: string }) => o.id)).not.toContain(id);
    await t.http().get(`/registry/${id}`).expect(404);
    await expect(t.app.get(OrganisationsService).assertEligibleToBid(id)).rejects.toMatchObject({ code: 'ORGANISATIONS.NOT_ELIGIBLE' });
    const suspended = await org.session.agent.get('/organisation').expect(200);
    expect(suspended.text).toContain('年检不合格，暂停至整改完成。');
    await decide(officer, id, 'reinstate', 'suspended', '').expect(400);
    await decide(officer, id, 'reinstate', 'suspended', '整改完成，恢复资格。').expect(303);
    expect((await t.http().get('/api/v1/registry').expect(200)).body.data.map((o: { id: string }) => o.id)).toContain(id);

    expect(await organisationEvents(t, id)).toEqual([
      'organisation.registered',
      'organisation.document_uploaded',
      'organisation.submitted',
      'organisation.changes_requested',
      'organisation.updated',
      'organisation.document_uploaded',
      'organisation.submitted',
      'organisation.approved',
      'organisation.contact_updated',
      'organisation.suspended',
      'organisation.reinstated',
    ]);

    // The staff page shows the history of decisions with who made them and why.
    const history = await officer.agent.get(`/staff/organisations/${id}`).expect(200);
    expect(history.text).toContain('陈经办');
    expect(history.text).toContain(reason);
    expect(history.text).toContain('整改完成，恢复资格。');
  });

  it.each(VETTING_ACTIONS.filter((a) => a !== 'submit'))('refuses to %s from every status it does not apply to', async (action) => {
    for (const status of ['draft', 'submitted', 'approved', 'needs_changes', 'rejected', 'suspended'] as const) {
      if (TRANSITIONS[action].from.includes(status)) continue;
      const { organisation } = await createOrganisation(t, { status });
      const res = await decide(officer, organisation.id, action, status, '理由').expect(422);
      expect(res.text).toContain('该机构当前的状态不允许此操作');
      expect((await statusOf(t, organisation.id)).status).toBe(status);
    }
  });

  it('refuses an organisation’s submission from every status but draft and needs_changes', async () => {
    for (const status of ['submitted', 'approved', 'rejected', 'suspended'] as const) {
      const { organisation, admin } = await createOrganisation(t, { status });
      const { signIn } = await import('../factories/users');
      const member = await signIn(t, admin);
      const res = await member.form('/organisation/submit').expect(422);
      expect(res.text).toContain('该机构当前的状态不允许此操作');
      expect((await statusOf(t, organisation.id)).status).toBe(status);
    }
  });

  it.each(['request_changes', 'reject'] as const)('requires a reason to %s, as a field message', async (decision) => {
    const { organisation } = await createOrganisation(t, { status: 'submitted' });
    const res = await decide(officer, organisation.id, decision, 'submitted').expect(400);
    expect(res.text).toMatch(/id="f-reason-error">请填写理由，机构会看到</);
    const api = await officer.agent
      .post(`/staff/organisations/${organisation.id}/decisions`)
      .set('Accept', 'application/json')
      .set('X-CSRF-Token', officer.csrf)
      .send({ decision, expectedStatus: 'submitted', reason: '' })
      .expect(400);
    expect(api.body.error.code).toBe('ORGANISATIONS.REASON_REQUIRED');
    expect((await statusOf(t, organisation.id)).status).toBe('submitted');
  });

  it('refuses a decision taken on a stale page with 409, saying someone else decided first, and records the attempt', async () => {
    const { organisation } = await createOrganisation(t, { status: 'approved' });
    const res = await decide(officer, organisation.id, 'reject', 'submitted', '材料不全').expect(409);
    expect(res.text).toContain('有人先作出了决定');
    // The page re-renders with the current status and the decisions that apply to it.
    expect(res.text).toContain('name="expectedStatus" value="approved"');
    expect(res.text).toContain('材料不全');
    expect((await statusOf(t, organisation.id)).status).toBe('approved');
    const [refusal] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE entity_id = $1 AND action = 'organisation.decision_refused'`, [organisation.id]);
    expect(refusal.summary.details).toMatchObject({ decision: 'reject', expectedStatus: 'submitted', actualStatus: 'approved', reason: '材料不全' });
  });

  it('refuses approval from a page opened before the record was sent back, edited and resubmitted', async () => {
    const org = await registerOrganisation(t, { registrationTrack: 'filed', organisationType: 'community_organisation', registeringAuthority: '联洋社区居委会' });
    await org.session.form('/organisation/submit').expect(303);
    const page = await officer.agent.get(`/staff/organisations/${org.organisationId}`).expect(200);
    const seen = /name="expectedStatusChangedAt" value="([^"]+)"/.exec(page.text)![1];

    const colleague = (await signInAs(t, ['bureau_officer'])).session;
    await decide(colleague, org.organisationId, 'request_changes', 'submitted', '请补充负责人身份信息').expect(303);
    const { email, displayName, password, confirmPassword, ...details } = org.form;
    await org.session.form('/organisation/edit', { ...details, legalRepresentative: '换了一个人' }).expect(303);
    await org.session.form('/organisation/submit').expect(303);

    // Same status as the stale page showed, but not the same submission.
    const res = await officer.form(`/staff/organisations/${org.organisationId}/decisions`, { decision: 'approve', expectedStatus: 'submitted', expectedStatusChangedAt: seen }).expect(409);
    expect(res.text).toContain('有人先作出了决定');
    expect(res.text).toContain('换了一个人');
    expect((await statusOf(t, org.organisationId)).status).toBe('submitted');
    expect(await organisationEvents(t, org.organisationId)).toContain('organisation.decision_refused');
  });

  it('lets exactly one of two officers deciding at the same moment win; the other gets 409', async () => {
    const second = (await signInAs(t, ['bureau_officer'])).session;
    for (let round = 0; round < 4; round++) {
      const { organisation } = await createOrganisation(t, { status: 'submitted' });
      const [approve, reject] = await Promise.all([decide(officer, organisation.id, 'approve', 'submitted', ''), decide(second, organisation.id, 'reject', 'submitted', '与现有机构重复')]);
      expect([approve.status, reject.status].sort()).toEqual([303, 409]);
      const winner = approve.status === 303 ? 'approved' : 'rejected';
      expect((await statusOf(t, organisation.id)).status).toBe(winner);
      const events = (await organisationEvents(t, organisation.id)).filter((a) => !['organisation.registered', 'organisation.document_uploaded', 'organisation.submitted'].includes(a));
      expect(events.filter((a) => a === 'organisation.approved' || a === 'organisation.rejected')).toEqual([`organisation.${winner}`]);
      expect(events.filter((a) => a === 'organisation.decision_refused').length).toBeLessThanOrEqual(1);
      expect(events.length).toBeLessThanOrEqual(2);
    }
  });

  it('lets approvers and auditors read the queue and records but not decide', async () => {
    const { organisation } = await createOrganisation(t, { status: 'submitted' });
    for (const role of ['bureau_approver', 'auditor']) {
      const { session } = await signInAs(t, [role]);
      await session.agent.get('/staff/organisations').expect(200);
      const page = await session.agent.get(`/staff/organisations/${organisation.id}`).expect(200);
      expect(page.text).toContain('data-testid="read-only"');
      expect(page.text).not.toContain('data-testid="decision-form"');
      await decide(session, organisation.id, 'approve', 'submitted').expect(403);
    }
    expect((await statusOf(t, organisation.id)).status).toBe('submitted');
  });

  it('shows the officer how many registrations await review', async () => {
    const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE status = 'submitted'`))[0].n as number;
    await createOrganisation(t, { status: 'submitted' });
    const dashboard = await officer.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain(`${before + 1} 个机构等待审核`);
    expect(dashboard.text).toContain('href="/staff/organisations?status=submitted"');
  });

  it('answers the registry API with validated queries and JSON errors', async () => {
    await createApprovedOrganisation(t);
    const page = await t.http().get('/api/v1/registry?pageSize=1&page=1').expect(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.meta.pageSize).toBe(1);
    const bad = await t.http().get('/api/v1/registry?pageSize=1000&grade=7A&category=养老').expect(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['category', 'grade', 'pageSize']);
    const unknown = await t.http().get('/api/v1/registry?colour=red').expect(400);
    expect(unknown.body.error.fields.colour).toBeDefined();
    const missing = await t.http().get('/api/v1/registry/00000000-0000-4000-8000-000000000000').expect(404);
    expect(missing.body.error.code).toBe('ORGANISATIONS.NOT_FOUND');
    const docs = await t.http().get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/v1/registry', '/api/v1/registry/{id}']));
  });
});

describe('organisation pages in both languages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A translation key shown as is means a string is missing from a locale file. */
  const RAW_KEY = /\b(organisations|registry|validation)\.[A-Za-z_]+(\.[A-Za-z_]+)*/;

  it('renders every page without a missing translation, in Chinese and in English', async () => {
    const org = await registerOrganisation(t);
    await uploadDocument(org.session, 'registration_certificate', tinyPng(), '登记证书.png').expect(303);
    const officer = (await signInAs(t, ['bureau_officer'])).session;
    const auditor = (await signInAs(t, ['auditor'])).session;
    const byStatus = await Promise.all((['submitted', 'approved', 'needs_changes', 'rejected', 'suspended'] as const).map((status) => createOrganisation(t, { status })));
    const approved = byStatus[1].organisation.id;

    const pages: Array<[import('supertest').SuperAgentTest | null, string]> = [
      [null, '/register'],
      [null, '/registry'],
      [null, `/registry?q=x&category=C01&grade=3A`],
      [null, `/registry/${approved}`],
      [org.session.agent as never, '/organisation'],
      [org.session.agent as never, '/organisation/edit'],
      [org.session.agent as never, '/dashboard'],
      [officer.agent as never, '/dashboard'],
      [officer.agent as never, '/staff/organisations'],
      [officer.agent as never, '/staff/organisations?status=all&q=MJ'],
      [officer.agent as never, `/staff/organisations/${org.organisationId}`],
      ...byStatus.map((c): [never, string] => [officer.agent as never, `/staff/organisations/${c.organisation.id}`]),
      [auditor.agent as never, `/staff/organisations/${approved}`],
    ];
    for (const lang of ['zh-CN', 'en']) {
      for (const [agent, url] of pages) {
        const res = await (agent ?? t.http()).get(url).set('Cookie', `lang=${lang}`).expect(200);
        const text = res.text.replace(/<[^>]+>/g, ' ');
        expect([lang, url, RAW_KEY.exec(text)?.[0] ?? null]).toEqual([lang, url, null]);
      }
    }
    const contact = await createOrganisation(t, { status: 'approved' });
    const member = await (await import('../factories/users')).signIn(t, contact.admin);
    for (const lang of ['zh-CN', 'en']) {
      const res = await member.agent.get('/organisation/contact').set('Cookie', `lang=${lang}`).expect(200);
      expect(RAW_KEY.exec(res.text.replace(/<[^>]+>/g, ' '))).toBeNull();
    }
  }, 30_000);
});

describe('what other modules may ask of the registry', () => {
  let t: TestApp;
  let service: OrganisationsService;
  beforeAll(async () => {
    t = await createTestApp();
    service = t.app.get(OrganisationsService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('says which organisations may bid, and why not', async () => {
    const approved = await createApprovedOrganisation(t, { serviceCategories: ['C01', 'C07'], socialWorkerCount: 3, evaluationGrade: '4A' });
    const submitted = await createOrganisation(t, { status: 'submitted' });
    expect(await service.isApproved(approved.organisation.id)).toBe(true);
    expect(await service.isApproved(submitted.organisation.id)).toBe(false);
    expect(await service.isApproved('not-a-uuid')).toBe(false);
    await expect(service.assertEligibleToBid(submitted.organisation.id)).rejects.toMatchObject({ code: 'ORGANISATIONS.NOT_ELIGIBLE', kind: 'rule' });
    await expect(service.assertEligibleToBid('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'ORGANISATIONS.NOT_FOUND' });
    await expect(service.getFacts(approved.organisation.id)).resolves.toEqual({
      id: approved.organisation.id,
      nameZh: approved.organisation.nameZh,
      status: 'approved',
      serviceCategories: ['C01', 'C07'],
      socialWorkerCount: 3,
      evaluationGrade: '4A',
    });
    const serving = await service.listApproved({ categories: ['C07'] });
    expect(serving.map((o) => o.id)).toContain(approved.organisation.id);
    expect((await service.listApproved({ categories: ['C07', 'C09'], match: 'all' })).map((o) => o.id)).not.toContain(approved.organisation.id);
    expect((await service.listApproved({ categories: ['C07', 'C09'], match: 'any' })).map((o) => o.id)).toContain(approved.organisation.id);
    expect((await service.listApproved()).map((o) => o.id)).not.toContain(submitted.organisation.id);
  });

  it('holds a suspension back while a bid that checked eligibility is still being committed', async () => {
    const { organisation } = await createApprovedOrganisation(t);
    const officer = (await signInAs(t, ['bureau_officer'])).session;
    const bid = t.dataSource.createQueryRunner();
    await bid.connect();
    await bid.startTransaction();
    try {
      await service.assertEligibleToBid(organisation.id, bid.manager);
      const suspension = decide(officer, organisation.id, 'suspend', 'approved', '审计发现问题').then((r) => r.status);
      // The suspension's SELECT … FOR UPDATE of the organisation row waits for the bid's share lock
      // (pg_stat_activity keeps the first 1 kB of a query: TypeORM's column list, not the FOR UPDATE).
      await waitForLockWait(t.dataSource, 'SELECT "Organisation".%');
      expect((await statusOf(t, organisation.id)).status).toBe('approved');
      await bid.commitTransaction();
      expect(await suspension).toBe(303);
      expect((await statusOf(t, organisation.id)).status).toBe('suspended');
    } finally {
      if (bid.isTransactionActive) await bid.rollbackTransaction();
      await bid.release();
    }
  });
});

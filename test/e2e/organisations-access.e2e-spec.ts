import { createUser, Session, signIn, signInAs, TEST_PASSWORD } from '../factories/users';
import { RegisteredOrganisation, organisationEvents, registerOrganisation, tinyPng, uploadDocument } from '../factories/organisations';
import { TestApp, createTestApp } from '../support/test-app';

const NOWHERE = '00000000-0000-4000-8000-000000000000';

async function documentIdOf(t: TestApp, organisationId: string): Promise<string> {
  const [doc] = await t.dataSource.query(`SELECT id FROM documents WHERE owner_type = 'organisation' AND owner_id = $1 ORDER BY uploaded_at LIMIT 1`, [organisationId]);
  return doc.id;
}

function binary(req: import('supertest').Test) {
  return req.buffer(true).parse((stream, done) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

describe('object-level access between organisations', () => {
  let t: TestApp;
  let a: RegisteredOrganisation;
  let b: RegisteredOrganisation;
  let bDocument: string;
  const png = tinyPng();

  beforeAll(async () => {
    t = await createTestApp();
    a = await registerOrganisation(t, { nameZh: '甲机构社工服务中心' });
    b = await registerOrganisation(t, { nameZh: '乙机构养老服务中心' });
    await uploadDocument(a.session, 'registration_certificate', png, '甲-登记证书.png').expect(303);
    await uploadDocument(b.session, 'registration_certificate', png, '乙-登记证书.png').expect(303);
    bDocument = await documentIdOf(t, b.organisationId);
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows each member only their own organisation', async () => {
    const page = await a.session.agent.get('/organisation').expect(200);
    expect(page.text).toContain('甲机构社工服务中心');
    expect(page.text).toContain('甲-登记证书.png');
    expect(page.text).not.toContain('乙机构');
  });

  it("answers 404 when A guesses B's document id, exactly as for an id that does not exist", async () => {
    const guessed = await a.session.agent.get(`/organisation/documents/${bDocument}`).set('Accept', 'application/json').expect(404);
    const missing = await a.session.agent.get(`/organisation/documents/${NOWHERE}`).set('Accept', 'application/json').expect(404);
    expect(guessed.body.error).toEqual(missing.body.error);
    await a.session.agent.get(`/organisation/documents/${bDocument}`).expect(404);
    await a.session.agent.get('/organisation/documents/not-a-uuid').expect(404);
  });

  it("cannot remove B's document or touch B's members by id", async () => {
    await a.session.form(`/organisation/documents/${bDocument}/remove`).expect(404);
    await b.session.agent.get(`/organisation/documents/${bDocument}`).expect(200);
    await a.session.form(`/organisation/members/${b.userId}/deactivate`).expect(404);
    await a.session.form(`/organisation/members/${b.userId}/link`).expect(404);
    await b.session.agent.get('/organisation').expect(200);
  });

  it("cannot read B's record by id: draft records are not in the registry, and staff pages are closed to every organisation alike", async () => {
    await a.session.agent.get(`/registry/${b.organisationId}`).expect(404);
    const api = await t.http().get(`/api/v1/registry/${b.organisationId}`).expect(404);
    const nowhere = await t.http().get(`/api/v1/registry/${NOWHERE}`).expect(404);
    expect(api.body.error).toEqual(nowhere.body.error);
    // The role gate answers the same for every id, existing or not: it confirms nothing.
    const staff = await a.session.agent.get(`/staff/organisations/${b.organisationId}`).set('Accept', 'application/json').expect(403);
    const staffNowhere = await a.session.agent.get(`/staff/organisations/${NOWHERE}`).set('Accept', 'application/json').expect(403);
    expect(staff.body.error).toEqual(staffNowhere.body.error);
    await a.session.agent.get(`/staff/organisations/${b.organisationId}/documents/${bDocument}`).expect(403);
  });

  it("cannot change B's record: the edit forms take no organisation id", async () => {
    const { email, displayName, password, confirmPassword, ...details } = a.form;
    const res = await a.session.form('/organisation/edit', { ...details, id: b.organisationId, nameZh: '被篡改的名称' }).expect(400);
    expect(res.text).toContain('表单有误');
    await a.session.form('/organisation/edit', { ...details, nameZh: '甲机构社工服务中心（更名）' }).expect(303);
    const [bRow] = await t.dataSource.query(`SELECT name_zh FROM organisations WHERE id = $1`, [b.organisationId]);
    expect(bRow.name_zh).toBe('乙机构养老服务中心');
    expect(await organisationEvents(t, b.organisationId)).toEqual(['organisation.registered', 'organisation.document_uploaded']);
  });

  it('serves documents to bureau staff and auditors, through the organisation they belong to', async () => {
    for (const role of ['bureau_officer', 'bureau_approver', 'auditor']) {
      const { session } = await signInAs(t, [role]);
      const res = await binary(session.agent.get(`/staff/organisations/${b.organisationId}/documents/${bDocument}`)).expect(200);
      expect((res.body as Buffer).equals(png)).toBe(true);
      // The document must belong to the organisation named in the path.
      await session.agent.get(`/staff/organisations/${a.organisationId}/documents/${bDocument}`).expect(404);
      // Staff have no organisation of their own.
      await session.agent.get(`/organisation/documents/${bDocument}`).expect(403);
    }
  });

  it('does not serve documents to evaluators, admins or the public', async () => {
    for (const role of ['evaluator', 'admin']) {
      const { session } = await signInAs(t, [role]);
      await session.agent.get(`/staff/organisations/${b.organisationId}/documents/${bDocument}`).expect(403);
      await session.agent.get(`/organisation/documents/${bDocument}`).expect(403);
      await session.agent.get(`/staff/organisations/${b.organisationId}`).expect(403);
    }
    const anonymous = await t.http().get(`/staff/organisations/${b.organisationId}/documents/${bDocument}`).expect(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    await t.http().get(`/organisation/documents/${bDocument}`).set('Accept', 'application/json').expect(401);
  });
});

describe('organisation members', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function addColleague(admin: Session, name = '周同事') {
    const email = `colleague-${Date.now()}-${Math.random().toString(16).slice(2, 8)}@test.example`;
    const res = await admin.form('/organisation/members', { displayName: name, email }).expect(200);
    expect(res.headers['cache-control']).toContain('no-store');
    const link = /data-testid="member-link"/.test(res.text) ? /value="[^"]*?(\/password-reset\/[A-Za-z0-9_-]+)"/.exec(res.text)?.[1] : undefined;
    if (!link) throw new Error('no set-password link on the page');
    return { email, link, page: res.text };
  }

  it('lets the administrator add a colleague, who sets a password with the one-time link, signs in and sees the organisation but cannot manage members', async () => {
    const org = await registerOrganisation(t, { nameZh: '丙机构社区服务社' });
    const { email, link, page } = await addColleague(org.session);
    expect(page).toContain('已为 周同事');
    expect(page).toContain('只显示这一次');

    const [member] = await t.dataSource.query(`SELECT id, roles, organisation_id, must_change_password FROM users WHERE email = $1`, [email]);
    expect(member).toMatchObject({ roles: ['org_member'], organisation_id: org.organisationId, must_change_password: true });
    expect(await organisationEvents(t, org.organisationId)).toContain('organisation.member_added');
    // The random password is unusable: nobody can sign in before the link is used.
    const list = await org.session.agent.get('/organisation').expect(200);
    expect(list.text).toContain('尚未设置密码');

    // The colleague opens the link, chooses a password, and signs in.
    const colleague = await (await import('../factories/users')).anonymousSession(t);
    const form = await colleague.agent.get(link).expect(200);
    expect(form.text).toContain('name="newPassword"');
    await colleague.form(link, { newPassword: 'Colleague-pass-2026', confirmPassword: 'Colleague-pass-2026' }).expect(303);
    const used = await colleague.agent.get(link).expect(200);
    expect(used.text).toContain('该重置链接无效、已使用或已过期');

    const session = await signIn(t, { email, password: 'Colleague-pass-2026' });
    const own = await session.agent.get('/organisation').expect(200);
    expect(own.text).toContain('丙机构社区服务社');
    expect(own.text).toContain('只有本机构的管理员可以添加或停用账户');
    expect(own.text).not.toContain('data-testid="add-member-form"');
    await session.form('/organisation/members', { displayName: '越权', email: 'nope@test.example' }).expect(403);
    await session.form(`/organisation/members/${org.userId}/deactivate`).expect(403);
    // Members may still work on the record itself.
    await uploadDocument(session, 'other', tinyPng(), '补充材料.png').expect(303);
  });

  it('re-renders the add form with a message for a taken email', async () => {
    const org = await registerOrganisation(t);
    const res = await org.session.form('/organisation/members', { displayName: '重复', email: org.email }).expect(400);
    expect(res.text).toMatch(/id="f-email-error">该邮箱已注册</);
    expect(res.text).toContain('value="重复"');
  });

  it('reissues a link for a colleague who has not set a password yet, and only then', async () => {
    const org = await registerOrganisation(t);
    const first = await addColleague(org.session);
    const [member] = await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [first.email]);
    const again = await org.session.form(`/organisation/members/${member.id}/link`).expect(200);
    const second = /value="[^"]*?(\/password-reset\/[A-Za-z0-9_-]+)"/.exec(again.text)![1];
    expect(second).not.toBe(first.link);
    const stale = await t.http().get(first.link).expect(200);
    expect(stale.text).toContain('该重置链接无效');
    await org.session.form(`/organisation/members/${org.userId}/link`).expect(404);
  });

  it('deactivates a colleague (ending their sessions), never oneself', async () => {
    const org = await registerOrganisation(t);
    const { email, link } = await addColleague(org.session);
    const anon = await (await import('../factories/users')).anonymousSession(t);
    await anon.form(link, { newPassword: 'Colleague-pass-2026', confirmPassword: 'Colleague-pass-2026' }).expect(303);
    const colleague = await signIn(t, { email, password: 'Colleague-pass-2026' });
    const [member] = await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email]);

    const self = await org.session.form(`/organisation/members/${org.userId}/deactivate`).expect(422);
    expect(self.text).toContain('不能停用您自己的账户');
    await org.session.form(`/organisation/members/${member.id}/deactivate`).expect(303);
    await colleague.agent.get('/organisation').expect(303);
    const [row] = await t.dataSource.query(`SELECT is_active FROM users WHERE id = $1`, [member.id]);
    expect(row.is_active).toBe(false);
    expect(await organisationEvents(t, org.organisationId)).toContain('organisation.member_deactivated');
  });

  it('never leaves an organisation without an active administrator, even when two deactivate each other at once', async () => {
    const org = await registerOrganisation(t);
    const second = await createUser(t, { roles: ['org_member', 'org_admin'], organisationId: org.organisationId });
    const other = await signIn(t, second);
    const results = await Promise.all([org.session.form(`/organisation/members/${second.id}/deactivate`), other.form(`/organisation/members/${org.userId}/deactivate`)]);
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE organisation_id = $1 AND is_active AND 'org_admin' = ANY(roles)`, [org.organisationId]);
    expect(n).toBe(1);
  });

  it('has the colleague’s password policy enforced by the identity service', async () => {
    const org = await registerOrganisation(t);
    const { link } = await addColleague(org.session);
    const anon = await (await import('../factories/users')).anonymousSession(t);
    const weak = await anon.form(link, { newPassword: 'short', confirmPassword: 'short' }).set('Accept', 'application/json').expect(400);
    expect(weak.body.error.fields.newPassword).toContain('密码至少 10 位');
    // The link still works after a refused attempt.
    await anon.form(link, { newPassword: TEST_PASSWORD, confirmPassword: TEST_PASSWORD }).expect(303);
  });
});

import { SYSTEM_ACTOR } from '../../src/audit/actor';
import { LastAdminRoleError } from '../../src/identity/admin-users.errors';
import { AdminUsersService } from '../../src/identity/admin-users.service';
import { LastAdminError } from '../../src/identity/identity.errors';
import { createOrganisationRow } from '../factories/evaluators';
import { Session, anonymousSession, createUser, signIn, signInAs } from '../factories/users';
import { listRoutes } from '../support/routes';
import { TestApp, createTestApp } from '../support/test-app';

const LINK = /\/password-reset\/([A-Za-z0-9_-]{20,})/;

function tokenIn(html: string): string {
  const match = LINK.exec(html);
  if (!match) throw new Error(`no one-time link in the page:\n${html.slice(0, 3000)}`);
  return match[1];
}

async function actions(t: TestApp, entityId: string): Promise<string[]> {
  const rows = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [entityId]);
  return rows.map((r: { action: string }) => r.action);
}

describe('admin account pages', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof createUser>>;
  let session: Session;

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_RATE_LIMIT: '1000' });
    ({ user: admin, session } = await signInAs(t, ['admin'], { displayName: '赵管理' }));
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a staff account with two roles and shows a one-time link that sets the password once', async () => {
    const form = await session.agent.get('/admin/users/new').expect(200);
    expect(form.text).toContain('value="bureau_officer"');
    expect(form.text).toContain('value="auditor"');
    expect(form.text).not.toContain('value="org_member"');
    expect(form.text).not.toMatch(/type="password"/);

    const created = await session.form('/admin/users/new', { email: ' Chen.Jing@Wuhou.gov.cn ', displayName: '陈静', roles: ['bureau_officer', 'auditor'] }).expect(200);
    expect(created.headers['cache-control']).toContain('no-store');
    expect(created.text).toContain('账户已创建');
    expect(created.text).toContain('只显示这一次');
    const token = tokenIn(created.text);

    const [user] = await t.dataSource.query(`SELECT id, roles, must_change_password FROM users WHERE email = 'chen.jing@wuhou.gov.cn'`);
    expect(user.roles).toEqual(['bureau_officer', 'auditor']);
    expect(user.must_change_password).toBe(true);
    expect(await actions(t, user.id)).toEqual(['user.created', 'user.password_reset_issued']);

    // The token is kept nowhere readable: not in the database, the audit log or the session store.
    const [{ dump }] = await t.dataSource.query(
      `SELECT (SELECT coalesce(string_agg(summary::text, ' '), '') FROM audit_events)
           || (SELECT coalesce(string_agg(sess::text, ' '), '') FROM user_sessions)
           || (SELECT coalesce(string_agg(token_hash, ' '), '') FROM password_reset_tokens) AS dump`,
    );
    expect(dump).not.toContain(token);

    // Shown once: the account pages a reload or a later visit brings up do not show it.
    const page = await session.agent.get(`/admin/users/${user.id}`).expect(200);
    expect(page.text).toContain('陈静');
    expect(page.text).not.toContain(token);
    expect(page.text).not.toMatch(LINK);
    expect((await session.agent.get('/admin/users').expect(200)).text).not.toContain(token);

    // The owner sets a password through the link, then signs in with it.
    const owner = await anonymousSession(t);
    const resetForm = await owner.agent.get(`/password-reset/${token}`).expect(200);
    expect(resetForm.text).toContain('name="newPassword"');
    const done = await owner.form(`/password-reset/${token}`, { newPassword: 'Chen-Jing-2026x', confirmPassword: 'Chen-Jing-2026x' }).expect(303);
    expect(done.headers.location).toBe('/login');
    const signedIn = await signIn(t, { email: 'chen.jing@wuhou.gov.cn', password: 'Chen-Jing-2026x' });
    await signedIn.agent.get('/dashboard').expect(200);
    const [after] = await t.dataSource.query(`SELECT must_change_password FROM users WHERE id = $1`, [user.id]);
    expect(after.must_change_password).toBe(false);

    // …and only once.
    const again = await owner.form(`/password-reset/${token}`, { newPassword: 'Another-pass-2026', confirmPassword: 'Another-pass-2026' }).expect(422);
    expect(again.text).toContain('该重置链接无效');
    expect((await owner.agent.get(`/password-reset/${token}`).expect(200)).text).not.toContain('name="newPassword"');
  });

  it('refuses organisation roles, on their own or mixed with staff roles', async () => {
    for (const roles of [['org_member'], ['org_admin', 'bureau_officer']]) {
      const res = await session.form('/admin/users/new', { email: 'org-try@test.example', displayName: '试一试', roles }).expect(400);
      expect(res.text).toContain('不能授予社会组织角色');
      expect(res.text).toContain('value="试一试"');
    }
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'org-try@test.example'`);
    expect(n).toBe(0);
  });

  it('refuses an email that already has an account, with a field message and the input kept', async () => {
    const existing = await createUser(t, { email: 'taken@test.example' });
    const res = await session.form('/admin/users/new', { email: existing.email, displayName: '重名者', roles: ['auditor'] }).expect(400);
    expect(res.text).toMatch(/id="f-email-error">该邮箱已注册/);
    expect(res.text).toContain('value="重名者"');
    expect(res.text).toMatch(/value="auditor"\s+checked/);
    expect(res.text).not.toMatch(LINK);
  });

  it('asks for a name and at least one role', async () => {
    const res = await session.form('/admin/users/new', { email: 'not-an-email', displayName: '' }).expect(400);
    expect(res.text).toContain('请输入有效的电子邮箱');
    expect(res.text).toContain('请填写姓名');
    expect(res.text).toContain('请至少选择一个角色');
  });

  it('lists accounts with translated roles, organisation, status and last sign-in, searchable and filterable', async () => {
    const organisation = await createOrganisationRow(t, { nameZh: '玉林社区老年协会' });
    await createUser(t, { roles: ['org_member', 'org_admin'], organisationId: organisation.id, email: 'member@yulin.example', displayName: '孙会员' });
    const officer = await createUser(t, { roles: ['bureau_officer', 'bureau_approver'], email: 'officer@wuhou.gov.cn', displayName: '周经办' });
    await signIn(t, officer);

    const all = await session.agent.get('/admin/users').expect(200);
    expect(all.text).toContain('玉林社区老年协会');
    expect(all.text).toContain('机构管理员');
    const row = new RegExp(`data-account-id="${officer.id}"[\\s\\S]*?</tr>`).exec(all.text)![0];
    expect(row).toContain('采购经办人');
    expect(row).toContain('审批人');
    expect(row).toContain('已启用');
    expect(row).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    const searched = await session.agent.get('/admin/users?q=%E5%91%A8%E7%BB%8F').expect(200);
    expect(searched.text).toContain('officer@wuhou.gov.cn');
    expect(searched.text).not.toContain('member@yulin.example');
    const byRole = await session.agent.get('/admin/users?role=org_member').expect(200);
    expect(byRole.text).toContain('member@yulin.example');
    expect(byRole.text).not.toContain('officer@wuhou.gov.cn');
    await session.agent.get('/admin/users?role=superuser').expect(400);
  });

  it('deactivates an account, ending its sessions and sign-in, and reactivates it', async () => {
    const officer = await createUser(t, { roles: ['bureau_officer'], displayName: '钱经办' });
    const theirs = await signIn(t, officer);
    await theirs.agent.get('/dashboard').expect(200);

    const page = await session.agent.get(`/admin/users/${officer.id}`).expect(200);
    expect(page.text).toContain('确认停用 钱经办 的账户');
    const res = await session.form(`/admin/users/${officer.id}/deactivate`).expect(303);
    expect(res.headers.location).toBe(`/admin/users/${officer.id}`);
    const after = await session.agent.get(res.headers.location).expect(200);
    expect(after.text).toContain('账户已停用，该用户的所有会话已结束');
    expect(after.text).toContain('重新启用 钱经办 的账户');

    await theirs.agent.get('/dashboard').expect(303);
    await expect(signIn(t, officer)).rejects.toThrow(/401/);

    await session.form(`/admin/users/${officer.id}/reactivate`).expect(303);
    await signIn(t, officer);
    expect(await actions(t, officer.id)).toEqual(expect.arrayContaining(['user.deactivated', 'user.reactivated']));
  });

  it('does not let an admin deactivate themself', async () => {
    const page = await session.agent.get(`/admin/users/${admin.id}`).expect(200);
    expect(page.text).not.toContain('data-testid="deactivate"');
    const res = await session.form(`/admin/users/${admin.id}/deactivate`).expect(403);
    expect(res.text).toContain('管理员不能停用自己的账户');
    const [row] = await t.dataSource.query(`SELECT is_active FROM users WHERE id = $1`, [admin.id]);
    expect(row.is_active).toBe(true);
  });

  it('changes the staff roles of another account, never the admin’s own and never an organisation member’s', async () => {
    const officer = await createUser(t, { roles: ['bureau_officer'] });
    await session.form(`/admin/users/${officer.id}/roles`, { roles: ['bureau_officer', 'evaluator'] }).expect(303);
    const [changed] = await t.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [officer.id]);
    expect(changed.roles).toEqual(['bureau_officer', 'evaluator']);
    const [event] = await t.dataSource.query(`SELECT summary FROM audit_events WHERE entity_id = $1 AND action = 'user.roles_changed'`, [officer.id]);
    expect(event.summary).toMatchObject({ before: { roles: ['bureau_officer'] }, after: { roles: ['bureau_officer', 'evaluator'] } });

    // Nobody grants themself approval of money.
    const own = await session.form(`/admin/users/${admin.id}/roles`, { roles: ['admin', 'bureau_approver'] }).expect(403);
    expect(own.text).toContain('管理员不能修改自己的角色');
    const [mine] = await t.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [admin.id]);
    expect(mine.roles).toEqual(['admin']);
    expect((await session.agent.get(`/admin/users/${admin.id}`).expect(200)).text).not.toContain('data-testid="roles-form"');

    const organisation = await createOrganisationRow(t);
    const member = await createUser(t, { roles: ['org_member'], organisationId: organisation.id });
    const refused = await session.form(`/admin/users/${member.id}/roles`, { roles: ['bureau_officer'] }).expect(422);
    expect(refused.text).toContain('社会组织成员的角色由所属机构管理');
    await session.form(`/admin/users/${officer.id}/roles`, { roles: ['org_member'] }).expect(400);
    const [unchanged] = await t.dataSource.query(`SELECT roles FROM users WHERE id = $1`, [member.id]);
    expect(unchanged.roles).toEqual(['org_member']);
  });

  it('issues a set-password link that unlocks a locked account at once', async () => {
    const locked = await createUser(t, { roles: ['bureau_officer'], displayName: '孔锁定' });
    const anon = await anonymousSession(t);
    for (let i = 0; i < 3; i++) await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: locked.email, password: 'wrong-password-1' });
    await expect(signIn(t, locked)).rejects.toThrow(/429/);

    const list = await session.agent.get('/admin/users?status=locked').expect(200);
    expect(list.text).toContain(locked.email);
    const page = await session.agent.get(`/admin/users/${locked.id}`).expect(200);
    expect(page.text).toContain('生成链接会立即解除锁定');

    const res = await session.form(`/admin/users/${locked.id}/reset-password`).expect(200);
    const token = tokenIn(res.text);
    const [row] = await t.dataSource.query(`SELECT locked_until, failed_login_count FROM users WHERE id = $1`, [locked.id]);
    expect(row).toEqual({ locked_until: null, failed_login_count: 0 });
    expect(await actions(t, locked.id)).toEqual(expect.arrayContaining(['user.locked', 'user.unlocked', 'user.password_reset_issued']));

    // Unlocked: the old password works again, and the link sets a new one.
    await signIn(t, locked);
    const owner = await anonymousSession(t);
    await owner.form(`/password-reset/${token}`, { newPassword: 'Kong-new-pass-9', confirmPassword: 'Kong-new-pass-9' }).expect(303);
    await signIn(t, { email: locked.email, password: 'Kong-new-pass-9' });
    await expect(signIn(t, locked)).rejects.toThrow(/401/);
  });

  it('shows the admin dashboard widget with account counts and links', async () => {
    const res = await session.agent.get('/dashboard').expect(200);
    expect(res.text).toMatch(/工作人员账户：\d+ 个/);
    expect(res.text).toMatch(/评审专家：\d+ 位/);
    expect(res.text).toContain('href="/admin/users/new"');
  });

  describe('access', () => {
    const adminRoutes = () =>
      listRoutes(t)
        .filter((r) => r.path.startsWith('/admin/'))
        .map((r) => ({ ...r, url: r.path.replace(':relationshipId', '00000000-0000-4000-8000-000000000000') }));

    it('covers every admin route, each allowed to admins only', () => {
      const routes = adminRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(17);
      for (const route of routes) expect({ route: `${route.method} ${route.path}`, roles: route.roles }).toEqual({ route: `${route.method} ${route.path}`, roles: ['admin'] });
    });

    it('answers 403 to bureau officers, evaluators, auditors and organisation members, leaking nothing', async () => {
      const target = await createUser(t, { roles: ['bureau_officer'], email: 'target-of-access@test.example' });
      const organisation = await createOrganisationRow(t);
      const others = [
        (await signInAs(t, ['bureau_officer', 'bureau_approver'])).session,
        (await signInAs(t, ['evaluator'])).session,
        (await signInAs(t, ['auditor'])).session,
        (await signInAs(t, ['org_member', 'org_admin'], { organisationId: organisation.id })).session,
      ];
      for (const other of others) {
        for (const route of adminRoutes()) {
          const url = route.url.replace(':id', target.id);
          const res = route.method === 'GET' ? await other.agent.get(url) : await other.form(url, { roles: ['admin'], email: 'x@test.example', displayName: 'x' });
          expect({ url: `${route.method} ${url}`, status: res.status }).toEqual({ url: `${route.method} ${url}`, status: 403 });
          expect(res.text).not.toContain('target-of-access@test.example');
        }
      }
      const [row] = await t.dataSource.query(`SELECT roles, is_active FROM users WHERE id = $1`, [target.id]);
      expect(row).toEqual({ roles: ['bureau_officer'], is_active: true });
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'x@test.example'`);
      expect(n).toBe(0);
    });

    it('sends anonymous page requests to sign in, and refuses anonymous posts', async () => {
      const target = await createUser(t, { roles: ['bureau_officer'] });
      const anon = await anonymousSession(t);
      for (const route of adminRoutes()) {
        const url = route.url.replace(':id', target.id);
        if (route.method === 'GET') {
          const res = await t.http().get(url).set('Accept', 'text/html');
          expect({ url, status: res.status, location: res.headers.location }).toEqual({ url, status: 303, location: `/login?next=${encodeURIComponent(url)}` });
        } else {
          const res = await anon.form(url, {});
          expect({ url, status: res.status }).toEqual({ url, status: 401 });
          expect(res.text).not.toContain(target.email);
        }
      }
    });
  });
});

describe('the last active admin', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('can be neither deactivated nor stripped of the admin role', async () => {
    const { user: only, session } = await signInAs(t, ['admin']);
    const res = await session.form(`/admin/users/${only.id}/deactivate`).expect(403);
    expect(res.text).toContain('管理员不能停用自己的账户');

    // Even by someone who is not themself an admin (a maintenance script).
    const accounts = t.app.get(AdminUsersService);
    await expect(accounts.deactivate(SYSTEM_ACTOR, only.id)).rejects.toThrow(LastAdminError);
    await expect(accounts.changeRoles(SYSTEM_ACTOR, only.id, ['auditor'])).rejects.toThrow(LastAdminRoleError);

    // With a second admin, one may take the role from the other.
    const second = await createUser(t, { roles: ['admin'] });
    await session.form(`/admin/users/${second.id}/roles`, { roles: ['auditor'] }).expect(303);
    await session.form(`/admin/users/${second.id}/roles`, { roles: ['admin', 'auditor'] }).expect(303);
    await session.form(`/admin/users/${second.id}/deactivate`).expect(303);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE is_active AND 'admin' = ANY(roles)`);
    expect(n).toBe(1);
  });
});

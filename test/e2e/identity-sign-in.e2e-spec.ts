import request from 'supertest';
import { TEST_PASSWORD, anonymousSession, createUser, signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

function sidOf(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('sid='))?.split(';')[0];
}

describe('signing in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_RATE_LIMIT: '1000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows a labelled sign-in form with a CSRF token', async () => {
    const res = await t.http().get('/login').expect(200);
    expect(res.text).toMatch(/<label for="f-email">电子邮箱<\/label>/);
    expect(res.text).toMatch(/name="_csrf" value="[^"]{20,}"/);
  });

  it('signs in through the form, regenerates the session id and lands on the dashboard', async () => {
    const user = await createUser(t, { roles: ['bureau_officer'], displayName: '李经办' });
    const anon = await anonymousSession(t);
    const page = await anon.agent.get('/login').expect(200);
    const before = sidOf(page) ?? 'none';
    const res = await anon.form('/login', { email: user.email.toUpperCase(), password: TEST_PASSWORD }).expect(303);
    expect(res.headers.location).toBe('/dashboard');
    expect(sidOf(res)).toBeDefined();
    expect(sidOf(res)).not.toBe(before);
    const dash = await anon.agent.get('/dashboard').expect(200);
    expect(dash.text).toContain('李经办');
    const rows = await t.dataSource.query(`SELECT count(*)::int AS n FROM user_sessions WHERE sess->'passport'->'user'->>'id' = $1`, [user.id]);
    expect(rows[0].n).toBe(1);
  });

  it('re-renders the form with a message and the email kept when the password is wrong', async () => {
    const user = await createUser(t);
    const anon = await anonymousSession(t);
    const res = await anon.form('/login', { email: user.email, password: 'wrong-password-1' }).expect(401);
    expect(res.text).toContain('邮箱或密码不正确');
    expect(res.text).toContain(`value="${user.email}"`);
    expect(res.text).not.toContain('wrong-password-1');
  });

  it('gives field messages for a malformed email, never a 500', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.form('/login', { email: 'not-an-email', password: '' }).expect(400);
    expect(res.text).toContain('请输入有效的电子邮箱');
    const api = await anon.agent
      .post('/api/v1/session')
      .set('X-CSRF-Token', anon.csrf)
      .send({ email: ['a'], password: { x: 1 } })
      .expect(400);
    expect(api.body.error.fields.email).toBeDefined();
  });

  it('locks the account after repeated failures, even for the right password, with a clear message', async () => {
    const user = await createUser(t);
    const anon = await anonymousSession(t);
    for (let i = 0; i < 2; i++) await anon.form('/login', { email: user.email, password: 'nope-nope-1' }).expect(401);
    const third = await anon.form('/login', { email: user.email, password: 'nope-nope-1' }).expect(429);
    expect(third.text).toContain('账户已临时锁定');
    const right = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: user.email, password: TEST_PASSWORD }).expect(429);
    expect(right.body.error.code).toBe('IDENTITY.ACCOUNT_LOCKED');
    const events = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [user.id]);
    expect(events.map((e: { action: string }) => e.action)).toEqual(['user.created', 'user.sign_in_failed', 'user.sign_in_failed', 'user.locked']);
    // The lock lifts when its time has passed (database clock).
    await t.dataSource.query(`UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [user.id]);
    await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  });

  it('refuses an unknown email with the same message as a wrong password', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: 'ghost@test.example', password: 'whatever-1234' }).expect(401);
    expect(res.body.error.code).toBe('IDENTITY.INVALID_CREDENTIALS');
  });

  it('refuses a deactivated account', async () => {
    const user = await createUser(t);
    await t.dataSource.query(`UPDATE users SET is_active = false WHERE id = $1`, [user.id]);
    await expect(signIn(t, user)).rejects.toThrow(/401/);
  });
});

describe('CSRF protection', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a form post without a valid token and re-renders the form', async () => {
    const user = await createUser(t);
    const anon = await anonymousSession(t);
    const missing = await anon.agent.post('/login').type('form').send({ email: user.email, password: TEST_PASSWORD }).expect(403);
    expect(missing.text).toContain('页面已过期');
    await anon.agent.post('/login').type('form').send({ email: user.email, password: TEST_PASSWORD, _csrf: 'forged' }).expect(403);
    const noSession = await t.http().post('/api/v1/session').send({ email: user.email, password: TEST_PASSWORD }).expect(403);
    expect(noSession.body.error.code).toBe('SECURITY.CSRF_TOKEN_INVALID');
  });

  it('refuses a cross-site browser post by its origin before any handler runs', async () => {
    const session = await signIn(t, await createUser(t));
    const res = await session.agent.post('/logout').set('Sec-Fetch-Site', 'cross-site').set('Origin', 'https://evil.example').type('form').send({ _csrf: session.csrf });
    expect(res.status).toBe(403);
  });

  it('refuses sign-out without the token, and signs out with it', async () => {
    const session = await signIn(t, await createUser(t));
    await session.agent.post('/logout').type('form').send({}).expect(403);
    await session.agent.get('/dashboard').expect(200);
    await session.form('/logout').expect(303);
    const after = await session.agent.get('/dashboard').expect(303);
    expect(after.headers.location).toBe('/login?next=%2Fdashboard');
  });
});

describe('login throttling per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '3', LOGIN_RATE_WINDOW_SECONDS: '600' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts failures only: successful sign-ins never use up the limit', async () => {
    const user = await createUser(t);
    // Five good sign-ins from one address with a limit of three: none refused.
    for (let i = 0; i < 5; i++) {
      const anon = await anonymousSession(t);
      await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: user.email, password: TEST_PASSWORD }).expect(200);
    }
    const [{ hits }] = await t.dataSource.query(`SELECT hits FROM throttle_counters WHERE key LIKE 'login:%'`);
    expect(hits).toBe(0);
  });

  it('refuses after the limit of failures, says when to try again, and the lock holds even for the right password', async () => {
    await t.dataSource.query(`DELETE FROM throttle_counters`);
    const user = await createUser(t);
    const anon = await anonymousSession(t);
    for (let i = 0; i < 3; i++) {
      await anon.agent
        .post('/api/v1/session')
        .set('X-CSRF-Token', anon.csrf)
        .send({ email: `nobody${i}@test.example`, password: 'whatever-1234' })
        .expect(401);
    }
    const res = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).set('Accept-Language', 'zh-CN').send({ email: user.email, password: TEST_PASSWORD }).expect(429);
    expect(res.body.error.code).toBe('IDENTITY.TOO_MANY_ATTEMPTS');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(590);
    expect(retryAfter).toBeLessThanOrEqual(600);
    // The time to try again comes from the database clock, shown in China time.
    const [{ until }] = await t.dataSource.query(`SELECT to_char(blocked_until AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS until FROM throttle_counters WHERE key LIKE 'login:%'`);
    expect(res.body.error.message).toContain(until);
    expect(res.body.error.message).toMatch(/约 10 分钟后/);
    const page = await anon.form('/login', { email: 'x@test.example', password: 'y' }).expect(429);
    expect(page.text).toContain('登录失败次数过多');
    expect(page.text).toContain(until);
    const en = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).set('Accept-Language', 'en').send({ email: user.email, password: TEST_PASSWORD }).expect(429);
    expect(en.body.error.message).toContain(`Try again after ${until}`);
  });

  it('lets the address sign in again once the block has passed (database clock)', async () => {
    const user = await createUser(t);
    const anon = await anonymousSession(t);
    await t.dataSource.query(`UPDATE throttle_counters SET blocked_until = clock_timestamp() - interval '1 second', window_ends_at = clock_timestamp() - interval '1 second'`);
    await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).send({ email: user.email, password: TEST_PASSWORD }).expect(200);
  });
});

describe('sessions', () => {
  it('survive an application restart (stored in PostgreSQL) and end on idle timeout and absolute lifetime', async () => {
    const database = await createTestDatabase();
    const env = { SESSION_SECRET: 'x'.repeat(40) };
    const first = await createTestApp(env, { database, keepDatabase: true });
    const user = await createUser(first);
    const session = await signIn(first, user);
    const cookie = (await session.agent.get('/dashboard').expect(200)).request.cookies;
    await first.close();

    const second = await createTestApp(env, { database });
    try {
      const again = await request(second.app.getHttpServer()).get('/dashboard').set('Cookie', cookie).expect(200);
      expect(again.text).toContain(user.displayName);

      // Absolute lifetime: a session that started 13 hours ago is over, however active.
      await second.dataSource.query(`UPDATE user_sessions SET sess = jsonb_set(sess::jsonb, '{startedAt}', to_jsonb((extract(epoch FROM now()) * 1000 - 13 * 3600 * 1000)::bigint))::json`);
      await request(second.app.getHttpServer()).get('/dashboard').set('Cookie', cookie).expect(303);

      // Idle timeout: an expired row in the store is not a session.
      const fresh = await signIn(second, user);
      await fresh.agent.get('/dashboard').expect(200);
      await second.dataSource.query(`UPDATE user_sessions SET expire = now() - interval '1 second'`);
      await fresh.agent.get('/dashboard').expect(303);
    } finally {
      await second.close();
    }
  });

  it('end everywhere when the password changes', async () => {
    const t = await createTestApp();
    try {
      const user = await createUser(t);
      const phone = await signIn(t, user);
      const laptop = await signIn(t, user);
      await laptop.form('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'Brand-new-pass-77', confirmPassword: 'Brand-new-pass-77' }).expect(303);
      await phone.agent.get('/dashboard').expect(303);
      await expect(signIn(t, user)).rejects.toThrow(/401/);
      await signIn(t, { email: user.email, password: 'Brand-new-pass-77' });
    } finally {
      await t.close();
    }
  });

  it('re-render the change-password form with field messages for a weak or mismatched password', async () => {
    const t = await createTestApp();
    try {
      const user = await createUser(t);
      const s = await signIn(t, user);
      const weak = await s.form('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'short', confirmPassword: 'short' }).expect(400);
      expect(weak.text).toContain('密码至少 10 位');
      const mismatch = await s.form('/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'Another-pass-88', confirmPassword: 'Another-pass-89' }).expect(400);
      expect(mismatch.text).toContain('两次输入的密码不一致');
      const wrong = await s.form('/account/password', { currentPassword: 'not-it-123', newPassword: 'Another-pass-88', confirmPassword: 'Another-pass-88' }).expect(400);
      expect(wrong.text).toContain('当前密码不正确');
    } finally {
      await t.close();
    }
  });
});

describe('one-time password links', () => {
  it('re-render the set-password form (not just an error) when the new password is refused, then work once', async () => {
    const t = await createTestApp();
    try {
      const { IdentityService } = await import('../../src/identity/identity.service');
      const { SYSTEM_ACTOR } = await import('../../src/audit/actor');
      const user = await createUser(t);
      const { token } = await t.app.get(IdentityService).issueResetToken(SYSTEM_ACTOR, user.id);
      const anon = await anonymousSession(t);
      const weak = await anon.form(`/password-reset/${token}`, { newPassword: 'short', confirmPassword: 'short' }).expect(400);
      expect(weak.text).toContain('密码至少 10 位');
      expect(weak.text).toContain(`action="/password-reset/${token}"`);
      await anon.form(`/password-reset/${token}`, { newPassword: 'Fresh-start-2026', confirmPassword: 'Fresh-start-2026' }).expect(303);
      const again = await anon.form(`/password-reset/${token}`, { newPassword: 'Fresh-start-2027', confirmPassword: 'Fresh-start-2027' }).expect(422);
      expect(again.text).toContain('该重置链接无效');
      await signIn(t, { email: user.email, password: 'Fresh-start-2026' });
    } finally {
      await t.close();
    }
  });
});

describe('the first admin', () => {
  it('is created from ADMIN_EMAIL/ADMIN_PASSWORD only while no active admin exists', async () => {
    const t = await createTestApp();
    try {
      const { IdentityService } = await import('../../src/identity/identity.service');
      const { SYSTEM_ACTOR } = await import('../../src/audit/actor');
      const identity = t.app.get(IdentityService);
      await expect(identity.ensureBootstrapAdmin(SYSTEM_ACTOR, 'Root@Bureau.example', 'Bootstrap-pass-2026')).resolves.toBe(true);
      await expect(identity.ensureBootstrapAdmin(SYSTEM_ACTOR, 'other@bureau.example', 'Bootstrap-pass-2027')).resolves.toBe(false);
      await signIn(t, { email: 'root@bureau.example', password: 'Bootstrap-pass-2026' });
      await expect(identity.ensureBootstrapAdmin(SYSTEM_ACTOR, 'weak@bureau.example', 'short')).resolves.toBe(false);
      const admins = await t.dataSource.query(`SELECT email FROM users WHERE 'admin' = ANY(roles)`);
      expect(admins).toEqual([{ email: 'root@bureau.example' }]);
    } finally {
      await t.close();
    }
  });
});

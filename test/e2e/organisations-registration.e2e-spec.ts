import { anonymousSession, signInAs } from '../factories/users';
import { organisationEvents, registerOrganisation, registrationForm, validCreditCode, withWrongCheckCharacter } from '../factories/organisations';
import { TestApp, createTestApp } from '../support/test-app';
import { waitForLockWait } from '../support/waits';

/** The value attribute an input re-rendered with the user's input carries (Handlebars escapes). */
const kept = (text: string) => `value="${text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;').replace(/=/g, '&#x3D;')}"`;

function fieldErrorOf(html: string, field: string): string | null {
  const match = new RegExp(`id="f-${field}-error">([^<]*)<`).exec(html);
  return match ? match[1] : null;
}

describe('organisation registration', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows a labelled form with the catalogue categories as checkboxes in a fieldset', async () => {
    const res = await t.http().get('/register').expect(200);
    expect(res.text).toMatch(/<label for="f-nameZh">机构名称（中文）<\/label>/);
    expect(res.text).toMatch(/<label for="f-creditCode">统一社会信用代码<\/label>/);
    expect(res.text).toMatch(/<legend>服务领域<\/legend>/);
    expect(res.text).toMatch(/<legend>登记方式<\/legend>/);
    expect((res.text.match(/type="checkbox" name="serviceCategories"/g) ?? []).length).toBe(9);
    expect(res.text).toContain('不少于 ¥3,000');
    expect(res.text).toMatch(/name="_csrf" value="[^"]{20,}"/);
    // Every input, select and textarea has a label (or sits inside one).
    const ids = [...res.text.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)].map((m) => m[1]);
    for (const id of ids) expect(res.text).toContain(`for="${id}"`);
  });

  it('creates a draft organisation and its administrator, signs them in, and audits both', async () => {
    const anon = await anonymousSession(t);
    const code = validCreditCode();
    const form = registrationForm({ creditCode: `  ${code.toLowerCase()} `, registeredCapitalYuan: '30,000.50', serviceCategories: ['C03', 'C01'] });
    const res = await anon.form('/register', form).expect(303);
    expect(res.headers.location).toBe('/organisation');

    const [org] = await t.dataSource.query(`SELECT *, founded_on::text AS founded_on FROM organisations WHERE credit_code = $1`, [code]);
    expect(org).toMatchObject({
      name_zh: form.nameZh,
      status: 'draft',
      registration_track: 'registered',
      registered_capital_minor: '3000050',
      service_categories: ['C01', 'C03'],
      staff_count: 12,
      social_worker_count: 4,
      evaluation_grade: '3A',
      founded_on: '2018-06-01',
    });
    const [user] = await t.dataSource.query(`SELECT * FROM users WHERE email = $1`, [form.email]);
    expect(user).toMatchObject({ organisation_id: org.id, roles: ['org_member', 'org_admin'], display_name: '李晓梅', must_change_password: false });

    // Signed in: the organisation's page opens, the session has its start time.
    const page = await anon.agent.get('/organisation').expect(200);
    expect(page.text).toContain(String(form.nameZh));
    expect(page.text).toContain('草稿');
    expect(page.text).toContain('注册成功');
    const [session] = await t.dataSource.query(`SELECT sess FROM user_sessions WHERE sess->'passport'->'user'->>'id' = $1`, [user.id]);
    expect(typeof session.sess.startedAt).toBe('number');

    expect(await organisationEvents(t, org.id)).toEqual(['organisation.registered']);
    const [registered] = await t.dataSource.query(`SELECT actor_roles, summary FROM audit_events WHERE entity_id = $1`, [org.id]);
    expect(registered.actor_roles).toEqual(['anonymous']);
    expect(registered.summary.after).toMatchObject({ status: 'draft', creditCode: code, registeredCapitalMinor: 3000050 });
    const [created] = await t.dataSource.query(`SELECT action FROM audit_events WHERE entity_type = 'user' AND entity_id = $1`, [user.id]);
    expect(created.action).toBe('user.created');
  });

  it('explains a wrong check character, keeping everything typed except the passwords', async () => {
    const anon = await anonymousSession(t);
    const { code, expected } = withWrongCheckCharacter(validCreditCode());
    const form = registrationForm({ creditCode: code, nameZh: '蒲公英"社工"服务社' });
    const res = await anon.form('/register', form).expect(400);
    expect(fieldErrorOf(res.text, 'creditCode')).toBe(`统一社会信用代码校验位错误，按前17位应为 ${expected}`);
    expect(res.text).toContain('表单有误');
    expect(res.text).toContain(kept(code));
    expect(res.text).toContain(kept('蒲公英"社工"服务社'));
    expect(res.text).toContain(kept(String(form.streetAddress)));
    expect(res.text).toContain(kept(String(form.email)));
    expect(res.text).toMatch(/value="C01" checked/);
    expect(res.text).toMatch(/value="C03" checked/);
    expect(res.text).not.toMatch(/value="C02" checked/);
    expect(res.text).toMatch(/value="registered" required checked/);
    expect(res.text).toMatch(/<option value="3A" selected>/);
    expect(res.text).not.toContain(String(form.password));
    await anon.agent.get('/organisation').expect(303);
  });

  it('refuses a credit code already registered, as a field message', async () => {
    const first = await registerOrganisation(t);
    const anon = await anonymousSession(t);
    const res = await anon.form('/register', registrationForm({ creditCode: first.form.creditCode })).expect(400);
    expect(fieldErrorOf(res.text, 'creditCode')).toContain('该统一社会信用代码已经注册');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE credit_code = $1`, [first.form.creditCode]);
    expect(n).toBe(1);
  });

  it('refuses the same credit code registered twice at the same moment: one wins, the other gets the field message', async () => {
    const code = validCreditCode();
    const [a, b] = await Promise.all([anonymousSession(t), anonymousSession(t)]);
    const results = await Promise.all([a.form('/register', registrationForm({ creditCode: code })), b.form('/register', registrationForm({ creditCode: code }))]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400]);
    const loser = results.find((r) => r.status === 400)!;
    expect(fieldErrorOf(loser.text, 'creditCode')).toContain('该统一社会信用代码已经注册');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE credit_code = $1`, [code]);
    expect(n).toBe(1);
    // The loser's account was rolled back with its organisation.
    const [{ users }] = await t.dataSource.query(`SELECT count(*)::int AS users FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE o.credit_code = $1`, [code]);
    expect(users).toBe(1);
  });

  it('turns the unique violation into the field message when the competing registration commits while this one waits', async () => {
    const code = validCreditCode();
    const competitor = t.dataSource.createQueryRunner();
    await competitor.connect();
    await competitor.startTransaction();
    try {
      await competitor.query(
        `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
           contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
           service_categories, staff_count, social_worker_count)
         VALUES ('先到的机构', $1, 'filed', '花木街道办事处', '张三', '张三', '13800138000', '花木街道', '联洋社区', '1号', '2020-01-01', 300000,
                 'community_organisation', '{C01}', 1, 0)`,
        [code],
      );
      const anon = await anonymousSession(t);
      // The existence check cannot see the uncommitted row, so the insert waits on the unique index.
      const pending = anon.form('/register', registrationForm({ creditCode: code })).then((r) => r);
      await waitForLockWait(t.dataSource, 'INSERT INTO organisations%');
      await competitor.commitTransaction();
      const res = await pending;
      expect(res.status).toBe(400);
      expect(fieldErrorOf(res.text, 'creditCode')).toContain('该统一社会信用代码已经注册');
    } finally {
      if (competitor.isTransactionActive) await competitor.rollbackTransaction();
      await competitor.release();
    }
  });

  it('refuses registered capital below the minimum, naming the minimum', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.form('/register', registrationForm({ registeredCapitalYuan: '2999.99' })).expect(400);
    expect(fieldErrorOf(res.text, 'registeredCapitalYuan')).toBe('注册资金不能少于 ¥3,000.00');
    expect(res.text).toContain(kept('2999.99'));
    const bad = await anon.form('/register', registrationForm({ registeredCapitalYuan: '三千元' })).expect(400);
    expect(fieldErrorOf(bad.text, 'registeredCapitalYuan')).toBe('请填写金额，例如 30000 或 30000.50');
  });

  it('requires at least one service category and refuses codes the catalogue does not have', async () => {
    const anon = await anonymousSession(t);
    const none = await anon.form('/register', registrationForm({ serviceCategories: undefined })).expect(400);
    expect(fieldErrorOf(none.text, 'serviceCategories')).toBe('请至少选择一个服务领域');
    const unknown = await anon.form('/register', registrationForm({ serviceCategories: ['C01', 'C42'] })).expect(400);
    expect(fieldErrorOf(unknown.text, 'serviceCategories')).toBe('服务目录中没有类别 C42');
    // A single checkbox arrives as a plain string and is kept checked.
    const one = await anon.form('/register', registrationForm({ serviceCategories: 'C05', registeredCapitalYuan: '1' })).expect(400);
    expect(one.text).toMatch(/value="C05" checked/);
  });

  it('refuses more social workers than staff and a founding date in the future', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.form('/register', registrationForm({ staffCount: '3', socialWorkerCount: '5', foundedOn: '2999-01-01' })).expect(400);
    expect(fieldErrorOf(res.text, 'socialWorkerCount')).toBe('持证社会工作者人数不能多于专职工作人员人数（3 人）');
    expect(fieldErrorOf(res.text, 'foundedOn')).toMatch(/^成立日期不能晚于今天（\d{4}-\d{2}-\d{2}）$/);
    const shape = await anon.form('/register', registrationForm({ staffCount: '-1', foundedOn: '2023-02-30', nameZh: 'Sunshine', contactPhone: '12' })).expect(400);
    expect(fieldErrorOf(shape.text, 'staffCount')).toBe('请填写 0 或正整数');
    expect(fieldErrorOf(shape.text, 'foundedOn')).toBe('请填写有效日期（年-月-日）');
    expect(fieldErrorOf(shape.text, 'nameZh')).toBe('请填写机构的中文名称');
    expect(fieldErrorOf(shape.text, 'contactPhone')).toBe('长度应为 7–20 个字');
  });

  it('says which fields are missing when the form is sent empty, never a 500', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.form('/register', {}).expect(400);
    for (const field of ['nameZh', 'creditCode', 'registeringAuthority', 'contactPhone', 'foundedOn', 'registeredCapitalYuan', 'staffCount', 'displayName']) {
      expect(fieldErrorOf(res.text, field)).toBe('请填写此项');
    }
    expect(fieldErrorOf(res.text, 'organisationType')).toBe('请选择一项');
    expect(fieldErrorOf(res.text, 'serviceCategories')).toBe('请至少选择一个服务领域');
    expect(fieldErrorOf(res.text, 'email')).toBe('请输入有效的电子邮箱');
  });

  it('passes on the password policy and a taken email from the identity service', async () => {
    const anon = await anonymousSession(t);
    const weak = await anon.form('/register', registrationForm({ password: 'short', confirmPassword: 'short' })).expect(400);
    expect(fieldErrorOf(weak.text, 'password')).toBe('密码至少 10 位');
    const mismatch = await anon.form('/register', registrationForm({ confirmPassword: 'Something-else-1' })).expect(400);
    expect(fieldErrorOf(mismatch.text, 'confirmPassword')).toBe('两次输入的密码不一致');
    const existing = await registerOrganisation(t);
    const taken = await anon.form('/register', registrationForm({ email: existing.email.toUpperCase() })).expect(400);
    expect(fieldErrorOf(taken.text, 'email')).toBe('该邮箱已注册');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE credit_code = $1`, [existing.form.creditCode]);
    expect(n).toBe(1);
  });

  it('explains errors in English on English pages', async () => {
    const anon = await anonymousSession(t);
    const { code, expected } = withWrongCheckCharacter(validCreditCode());
    const post = (fields: Record<string, unknown>) =>
      anon.agent
        .post('/register')
        .set('Cookie', 'lang=en')
        .type('form')
        .send({ ...registrationForm(fields), _csrf: anon.csrf });
    const res = await post({ creditCode: code }).expect(400);
    expect(fieldErrorOf(res.text, 'creditCode')).toContain(`it should be ${expected}`);
    expect(res.text).toContain('<legend>Service categories</legend>');
    // Rules beyond the form's shape (capital, dates, staff, catalogue) are checked once the shape is right.
    const capital = await post({ registeredCapitalYuan: '10' }).expect(400);
    expect(fieldErrorOf(capital.text, 'registeredCapitalYuan')).toBe('The registered capital must be at least ¥3,000.00');
  });

  it('tells a signed-in user to sign out before registering another organisation', async () => {
    const { session } = await signInAs(t, ['bureau_officer']);
    const page = await session.agent.get('/register').expect(200);
    expect(page.text).toContain('请先退出登录');
    expect(page.text).not.toContain('data-testid="register-form"');
    const res = await session.form('/register', registrationForm()).expect(409);
    expect(res.text).toContain('请先退出登录');
  });
});

describe('organisation registration: configured minimum capital', () => {
  const saved = process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN;
  afterEach(() => {
    if (saved === undefined) delete process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN;
    else process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN = saved;
  });

  it('applies ORG_MIN_REGISTERED_CAPITAL_YUAN', async () => {
    process.env.ORG_MIN_REGISTERED_CAPITAL_YUAN = '100000';
    const t = await createTestApp();
    try {
      const anon = await anonymousSession(t);
      const res = await anon.form('/register', registrationForm({ registeredCapitalYuan: '99999' })).expect(400);
      expect(fieldErrorOf(res.text, 'registeredCapitalYuan')).toBe('注册资金不能少于 ¥100,000.00');
      await anon.form('/register', registrationForm({ registeredCapitalYuan: '100000' })).expect(303);
    } finally {
      await t.close();
    }
  });
});

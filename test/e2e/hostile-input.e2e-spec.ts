import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { BidsService } from '../../src/bidding/bids.service';
import { computeCheckCharacter } from '../../src/common/validation/credit-code';
import { ROLES, Role } from '../../src/identity/access.decorators';
import { bidPayload, createBiddingOrganisation, createPublishedProject } from '../factories/bidding';
import { registrationForm, tinyPng } from '../factories/organisations';
import { useEnv } from '../factories/stripe';
import { Session, anonymousSession, createUser, signIn, signInAs } from '../factories/users';
import { RouteInfo, listRoutes } from '../support/routes';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Input found by probing that once answered 500: NUL characters anywhere, bodies nested
 * thousands of levels deep, a sealed bid attachment asked for through another route, a signed
 * Stripe event without its object. Each is refused at the edge with a 4xx that says why.
 */

/** A concrete path for a route pattern, each parameter replaced by `value` (already URL-encoded). */
function pathWith(path: string, value: (name: string) => string): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => value(name));
}

/** Harmless values for parameters, so the path matches its route (the NUL goes elsewhere). */
function plainValue(name: string): string {
  const known: Record<string, string> = {
    lang: 'en',
    code: 'C01',
    reference: 'WH-2099-9999',
    projectReference: 'WH-2099-9999',
    letter: 'A',
    token: 'x'.repeat(43),
    day: '2099-12-31',
    version: '1',
    position: '1',
    kind: 'retention',
    category: 'C01',
  };
  return known[name] ?? randomUUID();
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('hostile input: never a 500', () => {
  let t: TestApp;
  const sessions = new Map<Role | 'anonymous', Session>();

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    const [{ id: orgId }] = await t.dataSource.query(
      `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
         contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
         service_categories, staff_count, social_worker_count, status)
       VALUES ('边界输入社工服务中心', $1, 'registered', '成都市武侯区民政局', '张三', '张三', '028-85550000',
         '玉林街道', '玉林北路社区', '示范路1号', '2015-01-01', 300000, 'social_service_agency', '{C01}', 10, 3, 'approved') RETURNING id`,
      [`52510107MJ0000001${computeCheckCharacter('52510107MJ0000001')}`],
    );
    sessions.set('anonymous', await anonymousSession(t));
    for (const role of ROLES) {
      const roles = role === 'org_admin' ? ['org_member', 'org_admin'] : [role];
      const organisationId = role.startsWith('org_') ? orgId : undefined;
      sessions.set(role, await signIn(t, await createUser(t, { roles, organisationId })));
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Someone the route lets in: anonymous for public routes, else a user holding one of its roles. */
  function callerOf(route: RouteInfo): Session {
    if (route.isPublic) return sessions.get('anonymous')!;
    const preferred: Role[] = ['org_admin', 'bureau_officer', 'bureau_approver', 'admin', 'auditor', 'evaluator', 'org_member'];
    const role = preferred.find((r) => route.roles?.includes(r)) ?? (route.roles ?? []).find((r) => sessions.has(r as Role));
    if (!role) throw new Error(`no test user may call ${route.method} ${route.path} (roles ${route.roles?.join(', ')})`);
    return sessions.get(role as Role)!;
  }

  function send(session: Session, method: string, path: string, body?: Record<string, unknown>) {
    const verb = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    let req = session.agent[verb](path).set('X-CSRF-Token', session.csrf).set('Accept', 'application/json').redirects(0);
    if (body) req = path.startsWith('/api/') ? req.send(body) : req.type('form').send(body);
    return req;
  }

  it('walks every route with a NUL in its path parameters, its query and its body: 400 naming the field, never 5xx', async () => {
    const routes = listRoutes(t).filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    const check = (label: string, res: { status: number; body: { error?: { fields?: Record<string, unknown> } } }, field: string) => {
      if (res.status >= 500) wrong.push(`${label}: ${res.status}`);
      else if (res.status !== 400 || !res.body.error?.fields?.[field]) wrong.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    };
    for (const route of routes) {
      const session = callerOf(route);
      // Stripe's webhook reads its body as raw bytes (verified by signature, refused with 400 unsigned): no fields to name there.
      const rawBody = route.path.startsWith('/webhooks/');
      const key = `${route.method} ${route.path}`;
      const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
      const body = WRITES.has(route.method) ? { _csrf: session.csrf } : undefined;
      if (params.length) {
        const res = await send(
          session,
          route.method,
          pathWith(route.path, (name) => (name === params[0] ? 'x%00y' : plainValue(name))),
          body,
        );
        check(`${key} (path)`, res, params[0]);
      }
      const plain = pathWith(route.path, plainValue);
      check(`${key} (query)`, await send(session, route.method, `${plain}${plain.includes('?') ? '&' : '?'}note=a%00b`, body), 'note');
      if (WRITES.has(route.method)) {
        const res = await send(session, route.method, plain, { ...body, note: 'a\u0000b' });
        if (rawBody) expect([key, res.status]).toEqual([key, 400]);
        else check(`${key} (body)`, res, 'note');
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('walks every route with malformed path parameters (not an id, not a number, very long): 4xx, never 5xx', async () => {
    const wrong: string[] = [];
    for (const route of listRoutes(t).filter((r) => /:[A-Za-z]/.test(r.path))) {
      const session = callerOf(route);
      const body = WRITES.has(route.method) ? { _csrf: session.csrf } : undefined;
      for (const value of ['x', '-1', '1e400', '9'.repeat(40), 'a'.repeat(2000)]) {
        const res = await send(
          session,
          route.method,
          pathWith(route.path, () => value),
          body,
        );
        if (res.status >= 500) wrong.push(`${route.method} ${route.path} with ${value.slice(0, 20)}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('reads every page with nonsense in the query parameters pages use: 4xx or the page, never 5xx', async () => {
    const junk: Record<string, string> = {
      page: '-1',
      pageSize: '1e9',
      from: '2026-02-30',
      to: 'yesterday',
      q: 'x'.repeat(1000),
      status: '💥',
      year: '99999',
      month: '13',
      category: '../..',
      unit: "' OR 1=1",
      action: '[]',
      entityType: '{}',
      entityId: 'x',
      actorId: 'x',
      role: 'root',
      fund: 'x',
      contract: 'x',
      kind: 'x',
      receipt: 'x',
      next: '//evil.example',
      method: 'x',
      sort: '-',
      format: 'exe',
    };
    const wrong: string[] = [];
    for (const route of listRoutes(t).filter((r) => r.method === 'GET')) {
      const session = callerOf(route);
      const path = pathWith(route.path, plainValue);
      // All at once (routes that read the query loosely), then one at a time the ones most pages parse
      // (a strict DTO refuses the first request for its unknown keys before reading the rest).
      const queries = [new URLSearchParams(junk).toString(), ...['page', 'pageSize', 'from', 'to', 'year'].map((k) => `${k}=${encodeURIComponent(junk[k])}`)];
      for (const query of queries) {
        const res = await send(session, 'GET', `${path}?${query}`);
        if (res.status >= 500) wrong.push(`GET ${route.path}?${query.slice(0, 40)}: ${res.status}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('names NUL characters in a JSON body, nested fields and keys included', async () => {
    const anon = await anonymousSession(t);
    const res = await anon.agent
      .post('/api/v1/session')
      .set('X-CSRF-Token', anon.csrf)
      .set('Content-Type', 'application/json')
      .send('{"email":"a\\u0000@example.com","password":"x","extra":{"deep":["ok","b\\u0000"]}}')
      .expect(400);
    expect(res.body.error.code).toBe('COMMON.NUL_CHARACTER');
    expect(Object.keys(res.body.error.fields).sort()).toEqual(['email', 'extra.deep.1']);
    expect(res.body.error.fields.email[0]).toBe('email contains a NUL character, which is not allowed');
  });

  it('re-renders a form with a NUL in a field: 400, the field named beside it, the other input kept', async () => {
    const anon = await anonymousSession(t);
    const form = registrationForm({ nameZh: '阳光\u0000中心' });
    const res = await anon.form('/register', form).expect(400);
    expect(res.text).toContain('含有不允许的空字符');
    expect(res.text).toContain(String(form.legalRepresentative));
    expect(res.text).not.toContain('\u0000');
  });

  it('names a NUL in a multipart field (parsed after the guards, by the upload interceptor)', async () => {
    const session = sessions.get('org_admin')!;
    const res = await session.agent
      .post('/organisation/documents')
      .set('X-CSRF-Token', session.csrf)
      .set('Accept', 'application/json')
      .field('kind', 'regist\u0000ration_certificate')
      .attach('file', tinyPng(), 'certificate.png');
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toEqual(['kind']);
  });

  it('refuses a JSON body nested 2,000 levels with 400, and a form nested as deep', async () => {
    const anon = await anonymousSession(t);
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const json = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).set('Content-Type', 'application/json').send(`{"email":${deep}}`).expect(400);
    expect(json.body.error.code).toBe('HTTP.BODY_TOO_DEEP');
    // Brackets inside strings are text, not nesting.
    const text = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).set('Content-Type', 'application/json').send({ email: deep, password: 'x' });
    expect(text.status).toBeLessThan(500);
    expect(text.body.error.code).not.toBe('HTTP.BODY_TOO_DEEP');
    const malformed = await anon.agent.post('/api/v1/session').set('X-CSRF-Token', anon.csrf).set('Content-Type', 'application/json').send('{"email": "a@b.c",').expect(400);
    expect(malformed.body.error.code).toBe('HTTP.MALFORMED_BODY');
    const form = await anon.agent
      .post('/login')
      .type('form')
      .send(`_csrf=${anon.csrf}&email${'[a]'.repeat(2000)}=x`)
      .expect(400);
    expect(form.text).toContain('请求内容嵌套层级过深');
  });

  it('refuses multipart field names nested 2,000 levels deep without a 500', async () => {
    const session = sessions.get('org_admin')!;
    const res = await session.agent
      .post('/organisation/documents')
      .set('X-CSRF-Token', session.csrf)
      .set('Accept', 'application/json')
      .field(`kind${'[a]'.repeat(2000)}`, 'x')
      .field('_csrf', session.csrf)
      .attach('file', tinyPng(), 'certificate.png');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('answers 404 when a sealed bid attachment is asked for through a route that is not the bid’s own', async () => {
    const project = await createPublishedProject(t);
    const org = await createBiddingOrganisation(t);
    const actor = { userId: org.user.id, roles: ['org_member'], organisationId: org.organisationId, requestId: null, ip: null };
    const png = tinyPng();
    await t.app
      .get(BidsService)
      .submitBid(actor, project.id, bidPayload(project) as never, [
        { fieldname: 'attachments', originalname: 'price-sheet.png', encoding: '7bit', mimetype: 'image/png', size: png.length, buffer: png },
      ]);
    const [doc] = await t.dataSource.query(`SELECT d.id FROM documents d JOIN bids b ON b.id::text = d.owner_id WHERE b.project_id = $1 AND d.sealed`, [project.id]);
    expect(doc).toBeDefined();
    await org.session.agent.get(`/organisation/documents/${doc.id}`).expect(404);
    const officer = sessions.get('bureau_officer')!;
    await officer.agent.get(`/staff/organisations/${org.organisationId}/documents/${doc.id}`).expect(404);
  });

  it('refuses an amount with irregular thousands separators on the fund form, keeping what was typed', async () => {
    const officer = sessions.get('bureau_officer')!;
    for (const total of ['1,0,0', '12,34.5', '300 000', '¥300000']) {
      const res = await officer.form('/staff/funds', { name: `资金${total}`, fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total }).expect(400);
      expect(res.text).toContain('请填写金额（元），最多两位小数');
      expect(res.text).toContain(`value="${total}"`);
    }
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM funds WHERE name LIKE '资金%'`);
    expect(n.n).toBe(0);
    await officer.form('/staff/funds', { name: '资金正确', fiscalYear: '2027', ownerLevel: 'district', ownerUnit: '示范区民政局', total: '1,234,567.89' }).expect(303);
    const [fund] = await t.dataSource.query(`SELECT total_minor FROM funds WHERE name = '资金正确'`);
    expect(fund.total_minor).toBe('123456789');
  });

  it('refuses a credit code whose first two characters no registrant uses, all zeros included', async () => {
    const anon = await anonymousSession(t);
    const zeros = await anon.form('/register', registrationForm({ creditCode: '000000000000000000' })).expect(400);
    expect(zeros.text).toContain('统一社会信用代码前两位 00 不是有效的登记管理部门和机构类别代码');
    const first17 = '54510107MJ0000002';
    const json = await anon.agent
      .post('/register')
      .set('Accept', 'application/json')
      .type('form')
      .send({ ...registrationForm({ creditCode: first17 + computeCheckCharacter(first17) }), _csrf: anon.csrf })
      .expect(400);
    expect(JSON.stringify(json.body)).toContain('54');
    const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE credit_code IN ('000000000000000000', $1)`, [first17 + computeCheckCharacter(first17)]);
    expect(n.n).toBe(0);
  });

  it('serves /api/docs only when API_DOCS=true', async () => {
    await t.http().get('/api/docs').expect(404);
    await t.http().get('/api/docs/openapi.json').expect(404);
  });

  it('marks signed-in pages, JSON and exports no-store; public pages stay cacheable', async () => {
    const officer = sessions.get('bureau_officer')!;
    for (const path of ['/dashboard', '/staff/projects', '/api/v1/session', '/staff/reports/disbursements.csv']) {
      const res = await officer.agent.get(path);
      expect([path, res.status, res.headers['cache-control']]).toEqual([path, 200, expect.stringContaining('no-store')]);
    }
    const anon = await t.http().get('/catalogue').expect(200);
    expect(anon.headers['cache-control'] ?? '').not.toContain('no-store');
  });
});

describe('hostile input: Stripe webhooks', () => {
  const secret = 'whsec_hostile_input_test_secret';

  it('acknowledges a signed event whose object is null without applying it, and puts it before staff', async () => {
    const restore = useEnv({ STRIPE_WEBHOOK_SECRET: secret });
    const t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    try {
      const id = `evt_${randomUUID().replace(/-/g, '')}`;
      const payload = JSON.stringify({ id, object: 'event', type: 'transfer.created', created: 1, livemode: false, data: { object: null } });
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
      const res = await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload).expect(200);
      expect(res.body).toMatchObject({ received: true, outcome: 'malformed_event' });
      const [issue] = await t.dataSource.query(`SELECT kind, details FROM reconciliation_issues WHERE stripe_transfer_id = $1`, [id]);
      expect(issue).toMatchObject({ kind: 'malformed_event', details: { eventId: id, type: 'transfer.created' } });
      const { session } = await signInAs(t, ['bureau_officer']);
      const page = await session.agent.get('/staff/reconciliation').expect(200);
      expect(page.text).toContain('Stripe 事件缺少对象');
      // A replay is acknowledged once more and flags nothing new.
      await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload).expect(200);
      const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM reconciliation_issues WHERE kind = 'malformed_event'`);
      expect(n.n).toBe(1);
    } finally {
      await t.close();
      restore();
    }
  }, 120_000);

  it('limits registration attempts per address (refused ones count), and never names configuration variables when the webhook is not configured', async () => {
    const restore = useEnv({ REGISTRATION_RATE_LIMIT: '2', REGISTRATION_RATE_WINDOW_SECONDS: '600' });
    const t = await createTestApp({});
    restore();
    try {
      const anon = await anonymousSession(t);
      await anon.form('/register', registrationForm({ creditCode: '000000000000000000' })).expect(400);
      await anon.form('/register', registrationForm()).expect(303);
      const other = await anonymousSession(t);
      const third = registrationForm();
      const limited = await other.form('/register', third).expect(429);
      expect(limited.text).toContain('来自您所在网络的注册尝试过多，请在 10 分钟后再试。');
      expect(limited.text).toContain(String(third.nameZh));
      const [n] = await t.dataSource.query(`SELECT count(*)::int AS n FROM organisations WHERE name_zh = $1`, [third.nameZh]);
      expect(n.n).toBe(0);
      const [counter] = await t.dataSource.query(`SELECT hits FROM throttle_counters WHERE key LIKE 'registration:%'`);
      expect(counter.hits).toBe(3);
      // The form itself is still there to read.
      await other.agent.get('/register').expect(200);

      const res = await t.http().post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send('{"id":"evt_1"}').expect(400);
      expect(res.body.error.code).toBe('PAYMENTS.WEBHOOK_SIGNATURE_INVALID');
      expect(JSON.stringify(res.body)).not.toMatch(/STRIPE_|SECRET/);
    } finally {
      await t.close();
    }
  }, 120_000);
});

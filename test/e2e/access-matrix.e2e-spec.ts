import { randomUUID } from 'node:crypto';
import { Session, anonymousSession, createUser, signIn } from '../factories/users';
import { RouteInfo, listRoutes } from '../support/routes';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Every route × every role (and anonymous) → the expected answer. The table below is written
 * from what each role is for, independently of the decorators; the test fails when a route is
 * missing from it, so a new route cannot ship without a decision about who may call it.
 *
 * Allowed: any answer but 401/403 (a placeholder id gives 404, an empty form 400; that is fine).
 * Refused: anonymous → 303 to /login for pages read with GET, 401 otherwise; signed in → 403.
 */
type Principal = 'anonymous' | 'member' | 'orgAdmin' | 'officer' | 'approver' | 'evaluator' | 'admin' | 'auditor' | 'finance';
const SIGNED_IN: Principal[] = ['member', 'orgAdmin', 'officer', 'approver', 'evaluator', 'admin', 'auditor', 'finance'];
const ALL: Principal[] = ['anonymous', ...SIGNED_IN];
const ORG: Principal[] = ['member', 'orgAdmin'];
const READERS: Principal[] = ['officer', 'approver', 'auditor'];
const OFFICER: Principal[] = ['officer'];
const ADMIN: Principal[] = ['admin'];
const RULE_READERS: Principal[] = ['admin', 'officer', 'approver', 'auditor'];
const MEMBERS: Principal[] = ['evaluator', 'officer', 'approver'];

const EXPECTED: Record<string, Principal[]> = {
  // Public pages, public API and sign-in
  'GET /': ALL,
  'GET /health': ALL,
  'GET /locale/:lang': ALL,
  'GET /login': ALL,
  'POST /login': ALL,
  'POST /logout': ALL,
  'GET /api/v1/session': ALL,
  'POST /api/v1/session': ALL,
  'DELETE /api/v1/session': ALL,
  'GET /password-reset/:token': ALL,
  'POST /password-reset/:token': ALL,
  'GET /register': ALL,
  'POST /register': ALL,
  'GET /catalogue': ALL,
  'GET /catalogue/search': ALL,
  'GET /catalogue/categories/:code': ALL,
  'GET /catalogue/items/:code': ALL,
  'GET /api/v1/catalogue/categories': ALL,
  'GET /api/v1/catalogue/categories/:code/items': ALL,
  'GET /api/v1/catalogue/items': ALL,
  'GET /api/v1/catalogue/items/:code': ALL,
  'GET /registry': ALL,
  'GET /registry/:id': ALL,
  'GET /api/v1/registry': ALL,
  'GET /api/v1/registry/:id': ALL,
  'GET /notices': ALL,
  'GET /notices/projects/:reference': ALL,
  'GET /notices/projects/:reference/opening': ALL,
  'GET /notices/projects/:reference/opening/verify': ALL,
  'GET /api/v1/notices/projects': ALL,
  'GET /api/v1/notices/projects/:reference/opening': ALL,
  'GET /api/v1/notices/projects/:reference/opening/verify': ALL,
  // Every signed-in user
  'GET /dashboard': SIGNED_IN,
  'GET /inbox': SIGNED_IN,
  'POST /inbox/:id/open': SIGNED_IN,
  'POST /inbox/read-all': SIGNED_IN,
  'GET /account/password': SIGNED_IN,
  'POST /account/password': SIGNED_IN,
  'GET /account/notifications': SIGNED_IN,
  'POST /account/notifications': SIGNED_IN,
  'GET /admin/outbox': ADMIN,
  // Social organisations: their own record, members, projects and bids
  'GET /organisation': ORG,
  'GET /organisation/edit': ORG,
  'POST /organisation/edit': ORG,
  'GET /organisation/contact': ORG,
  'POST /organisation/contact': ORG,
  'POST /organisation/submit': ORG,
  'POST /organisation/documents': ORG,
  'GET /organisation/documents/:id': ORG,
  'POST /organisation/documents/:id/remove': ORG,
  'POST /organisation/members': ['orgAdmin'],
  'POST /organisation/members/:userId/link': ['orgAdmin'],
  'POST /organisation/members/:userId/deactivate': ['orgAdmin'],
  'GET /projects': ORG,
  'GET /projects/:id': ORG,
  'POST /projects/:id/questions': ORG,
  'GET /projects/:id/bid': ORG,
  'POST /projects/:id/bid': ORG,
  'POST /projects/:id/bid/withdraw': ORG,
  'GET /bids': ORG,
  'GET /bids/:bidId/versions/:version/receipt': ORG,
  'GET /bids/:bidId/versions/:version/receipt/print': ORG,
  'GET /bids/:bidId/versions/:version/receipt.pdf': ORG,
  'GET /bids/:bidId/attachments/:documentId': ORG,
  'GET /api/v1/projects/:id/bids/mine': ORG,
  'POST /api/v1/projects/:id/bids': ORG,
  'POST /api/v1/projects/:id/bids/withdrawal': ORG,
  // Evaluators
  'GET /evaluator/profile': ['evaluator'],
  'POST /evaluator/profile/relationships': ['evaluator'],
  // Bureau staff: vetting, funds, projects, opening (auditors read everything)
  'GET /staff/organisations': READERS,
  'GET /staff/organisations/:id': READERS,
  'GET /staff/organisations/:id/documents/:documentId': READERS,
  'GET /staff/organisations/:id/documents/:documentId/preview': READERS,
  'POST /staff/organisations/:id/decisions': OFFICER,
  'GET /staff/funds': READERS,
  'GET /staff/funds/:id': READERS,
  'GET /staff/funds/new': OFFICER,
  'POST /staff/funds': OFFICER,
  'GET /staff/projects': READERS,
  'GET /staff/projects/:id': READERS,
  'GET /staff/projects/new': OFFICER,
  'POST /staff/projects': OFFICER,
  'GET /staff/projects/:id/edit': OFFICER,
  'POST /staff/projects/:id': OFFICER,
  'POST /staff/projects/:id/publish': OFFICER,
  'GET /staff/projects/:id/amend': OFFICER,
  'POST /staff/projects/:id/amendments': OFFICER,
  'POST /staff/projects/:id/questions/:questionId/answer': OFFICER,
  'GET /staff/projects/:id/cancel': OFFICER,
  'POST /staff/projects/:id/cancel': OFFICER,
  'POST /staff/projects/:id/open': OFFICER,
  'GET /staff/projects/:id/bids': READERS,
  'GET /staff/projects/:id/bids/:bidId/attachments/:documentId': READERS,
  // Reference data: readable by staff, changed by admins
  'GET /staff/procurement-rules': RULE_READERS,
  'GET /staff/procurement-rules/new': ADMIN,
  'POST /staff/procurement-rules': ADMIN,
  'GET /staff/calendar': RULE_READERS,
  'POST /staff/calendar': ADMIN,
  'POST /staff/calendar/years': ADMIN,
  'POST /staff/calendar/:day/remove': ADMIN,
  // Administration
  'GET /admin/users': ADMIN,
  'GET /admin/users/new': ADMIN,
  'POST /admin/users/new': ADMIN,
  'GET /admin/users/:id': ADMIN,
  'POST /admin/users/:id/deactivate': ADMIN,
  'POST /admin/users/:id/reactivate': ADMIN,
  'POST /admin/users/:id/reset-password': ADMIN,
  'POST /admin/users/:id/roles': ADMIN,
  'GET /admin/evaluators': ADMIN,
  'GET /admin/evaluators/new': ADMIN,
  'POST /admin/evaluators/new': ADMIN,
  'GET /admin/evaluators/:id': ADMIN,
  'POST /admin/evaluators/:id/profile': ADMIN,
  'POST /admin/evaluators/:id/deactivate': ADMIN,
  'POST /admin/evaluators/:id/reactivate': ADMIN,
  'POST /admin/evaluators/:id/relationships': ADMIN,
  'POST /admin/evaluators/:id/relationships/:relationshipId/end': ADMIN,
  // Audit
  'GET /audit': ['auditor'],
  'GET /audit/verify': ['auditor'],
  'GET /audit/events.csv': ['auditor'],
  // Evaluation: the officer runs it; committee members (evaluators, and staff sitting as the bureau's
  // representative) score; membership itself is checked by the service.
  'GET /staff/projects/:projectId/committee': OFFICER,
  'POST /staff/projects/:projectId/committee': OFFICER,
  'GET /staff/evaluations': READERS,
  'GET /staff/evaluations/:id': READERS,
  'POST /staff/evaluations/:id/replacement': OFFICER,
  'POST /staff/evaluations/:id/qualification/:bidId': OFFICER,
  'POST /staff/evaluations/:id/close-qualification': OFFICER,
  'POST /staff/evaluations/:id/low-price/:bidId': OFFICER,
  'GET /staff/evaluations/:id/report': [...READERS, 'evaluator'],
  'GET /staff/evaluations/:id/report.pdf': [...READERS, 'evaluator'],
  'GET /staff/evaluations/:id/draws': [...READERS, 'evaluator'],
  'GET /api/v1/evaluations/:id/draws/verification': [...READERS, 'evaluator'],
  'GET /api/v1/evaluations/:id/results': READERS,
  'GET /evaluations': MEMBERS,
  'GET /evaluations/:id': MEMBERS,
  'GET /evaluations/:id/bids/:letter': MEMBERS,
  'POST /evaluations/:id/declaration': MEMBERS,
  'POST /evaluations/:id/recusal': MEMBERS,
  'POST /evaluations/:id/qualification/:bidId': MEMBERS,
  'POST /evaluations/:id/close-qualification': MEMBERS,
  'POST /evaluations/:id/bids/:letter/scores': MEMBERS,
  'POST /evaluations/:id/submission': MEMBERS,
  'POST /evaluations/:id/flags/:letter/:userId/confirmation': MEMBERS,
  'POST /evaluations/:id/low-price/:bidId': MEMBERS,
  'POST /evaluations/:id/sign-off': MEMBERS,
  'GET /bids/:bidId/evaluation': ORG,
  'POST /bids/:bidId/evaluation/explanation': ORG,
  // Award and challenges: approvers award, officers answer challenges, bidders challenge
  'GET /staff/awards': READERS,
  'GET /staff/awards/:awardId': READERS,
  'GET /staff/projects/:projectId/award': READERS,
  'POST /staff/projects/:projectId/award': ['approver'],
  'GET /staff/challenges': READERS,
  'GET /staff/challenges/:id': READERS,
  'GET /staff/challenges/:id/attachments/:documentId': READERS,
  'POST /staff/challenges/:id/answer': OFFICER,
  'GET /organisation/awards': ORG,
  'GET /organisation/awards/:awardId': ORG,
  'POST /organisation/awards/:awardId/challenge': ORG,
  'GET /organisation/challenges/:id/attachments/:documentId': ORG,
  'GET /notices/awards': ALL,
  'GET /notices/awards/:projectReference': ALL,
  'GET /api/v1/notices/awards/:projectReference': ALL,
  // Complaints: the challenger complains, the finance department suspends and decides (auditors read), the public reads decisions
  'GET /organisation/projects/:projectId/challenges': ORG,
  'POST /organisation/projects/:projectId/challenges': ORG,
  'GET /organisation/challenges/:id/complaint': ORG,
  'POST /organisation/challenges/:id/complaint': ORG,
  'GET /finance/complaints': ['finance', 'auditor'],
  'GET /finance/complaints/:id': ['finance', 'auditor'],
  'POST /finance/complaints/:id/suspension': ['finance'],
  'POST /finance/complaints/:id/suspension/lift': ['finance'],
  'POST /finance/complaints/:id/decision': ['finance'],
  'GET /notices/complaints': ALL,
  // Contracts: officers generate and vary, approvers and the organisation's admin confirm
  'GET /staff/contracts': READERS,
  'GET /staff/contracts/:id': READERS,
  'GET /staff/contracts/:id/print': READERS,
  'GET /staff/contracts/:id/contract.pdf': READERS,
  'GET /staff/awards/:awardId/contract': READERS,
  'POST /staff/awards/:awardId/contract': OFFICER,
  'POST /staff/contracts/:id/confirm': ['approver'],
  'GET /staff/contracts/:id/variations/new': OFFICER,
  'POST /staff/contracts/:id/variations': OFFICER,
  'POST /staff/contracts/:id/variations/:variationId/decision': ['approver'],
  'GET /organisation/contracts': ORG,
  'GET /organisation/contracts/:id': ORG,
  'GET /organisation/contracts/:id/print': ORG,
  'GET /organisation/contracts/:id/contract.pdf': ORG,
  'POST /organisation/contracts/:id/confirm': ['orgAdmin'],
  'GET /notices/contracts': ALL,
  'GET /notices/contracts/:reference': ALL,
  'GET /notices/contracts/:reference/text': ALL,
  'GET /notices/contracts/:reference/print': ALL,
  'GET /notices/contracts/:reference/contract.pdf': ALL,
  'GET /api/v1/notices/contracts/:reference': ALL,
  // Payments: officers propose and record vouchers, a different approver approves
  'GET /staff/disbursements': READERS,
  'GET /staff/disbursements.csv': READERS,
  'GET /staff/disbursements/:id': READERS,
  'GET /staff/contracts/:id/payments': READERS,
  'POST /staff/contracts/:id/milestones/:position/disbursements': OFFICER,
  'POST /staff/disbursements/:id/approve': ['approver'],
  'POST /staff/disbursements/:id/reject': ['approver'],
  'POST /staff/disbursements/:id/treasury-payment': OFFICER,
  'GET /staff/funds/:id/payments': READERS,
  'GET /staff/ledger': READERS,
  'GET /organisation/payments': ORG,
  'GET /staff/ledger/journal': READERS,
  'GET /staff/ledger/journal.csv': READERS,
  'GET /staff/ledger/journal.xlsx': READERS,
  'GET /staff/ledger/trial-balance.csv': READERS,
  'GET /staff/ledger/trial-balance.xlsx': READERS,
  // Milestone delivery: the organisation delivers its own contracts' milestones; bureau staff read them
  'GET /organisation/deliveries': ORG,
  'GET /organisation/contracts/:id/milestones': ORG,
  'GET /organisation/contracts/:id/service-log-template.csv': ORG,
  'GET /organisation/contracts/:id/milestones/:position/deliver': ORG,
  'POST /organisation/contracts/:id/milestones/:position/deliveries': ORG,
  'GET /organisation/contracts/:id/milestones/:position/deliveries/:round': ORG,
  'GET /organisation/contracts/:id/milestones/:position/deliveries/:round/attachments/:documentId': ORG,
  'GET /staff/deliveries': READERS,
  'GET /staff/contracts/:id/deliveries': READERS,
  'GET /staff/contracts/:id/milestones/:position/deliveries/:round': READERS,
  'GET /staff/contracts/:id/milestones/:position/deliveries/:round/attachments/:documentId': READERS,
  'GET /api/v1/contracts/:id/deliveries': [...ORG, ...READERS],
  'GET /api/v1/contracts/:id/milestones/:position/deliveries/:round': [...ORG, ...READERS],
  'POST /api/v1/contracts/:id/milestones/:position/deliveries': ORG,
  // Stripe rail: Stripe signs its webhooks (no session); organisations link their account; officers reconcile and retry
  'POST /webhooks/stripe': ALL,
  'GET /organisation/payment-account': ORG,
  'POST /organisation/payment-account/rail': ['orgAdmin'],
  'POST /organisation/payment-account/stripe': ['orgAdmin'],
  'GET /organisation/payment-account/stripe/return': ORG,
  'GET /organisation/payment-account/stripe/refresh': ['orgAdmin'],
  'GET /staff/reconciliation': READERS,
  'POST /staff/reconciliation/run': OFFICER,
  'POST /staff/reconciliation/:id/resolve': OFFICER,
  'POST /staff/disbursements/:id/retry': OFFICER,
  // Resident satisfaction surveys: officers or the contracted organisation open them, officers close them, residents answer without signing in
  'GET /staff/surveys': READERS,
  'GET /staff/contracts/:id/milestones/:position/survey': READERS,
  'POST /staff/contracts/:id/milestones/:position/survey': OFFICER,
  'POST /staff/contracts/:id/milestones/:position/survey/close': OFFICER,
  'GET /staff/contracts/:id/milestones/:position/survey/poster': READERS,
  'GET /organisation/surveys': ORG,
  'GET /organisation/contracts/:id/milestones/:position/survey': ORG,
  'POST /organisation/contracts/:id/milestones/:position/survey': ORG,
  'GET /organisation/contracts/:id/milestones/:position/survey/poster': ORG,
  'GET /survey/:token': ALL,
  'POST /survey/:token': ALL,
  // Releases and settlement: officers propose and settle, approvers approve as for tranches
  'GET /staff/contracts/:id/releases': READERS,
  'POST /staff/contracts/:id/releases/:kind': OFFICER,
  'POST /staff/contracts/:id/settlement': OFFICER,
  // Reports: the bureau's dashboards and exports (read-only staff), an organisation's own
  'GET /staff/reports': READERS,
  'GET /staff/reports/disbursements.csv': READERS,
  'GET /staff/reports/disbursements.xlsx': READERS,
  'GET /staff/reports/scores.csv': READERS,
  'GET /staff/reports/scores.xlsx': READERS,
  'GET /organisation/reports': ORG,
  'GET /organisation/reports/disbursements.csv': ORG,
  'GET /organisation/reports/disbursements.xlsx': ORG,
  'GET /organisation/reports/scores.csv': ORG,
  'GET /organisation/reports/scores.xlsx': ORG,
  // Service evaluation: admins version the indicators; officers assign evaluators and set rectification deadlines; evaluators score; organisations read their results
  'GET /staff/indicator-templates': RULE_READERS,
  'GET /staff/indicator-templates/:category/new': ADMIN,
  'POST /staff/indicator-templates/:category': ADMIN,
  'GET /staff/service-evaluations': READERS,
  'GET /staff/service-evaluations/:contractId': READERS,
  'POST /staff/service-evaluations/:contractId/evaluators': OFFICER,
  'GET /staff/service-evaluations/:contractId/milestones/:position': READERS,
  'POST /staff/service-evaluations/:contractId/milestones/:position/rectification': OFFICER,
  'POST /staff/service-evaluations/:contractId/milestones/:position/termination': OFFICER,
  'GET /staff/service-evaluations/:contractId/documents/:documentId': READERS,
  'GET /service-evaluations': ['evaluator'],
  'GET /service-evaluations/:contractId/milestones/:position': ['evaluator'],
  'POST /service-evaluations/:contractId/milestones/:position/scores': ['evaluator'],
  'POST /service-evaluations/:contractId/milestones/:position/site-visits': ['evaluator'],
  'POST /service-evaluations/:contractId/recusal': ['evaluator'],
  'GET /service-evaluations/:contractId/documents/:documentId': ['evaluator'],
  'GET /organisation/service-evaluations': ORG,
  'GET /api/v1/service-evaluations/:contractId': [...READERS, ...ORG],
  'POST /api/v1/service-evaluations/:contractId/milestones/:position/scores': ['evaluator'],
};

/** Routes that end the caller's session: each principal signs in again afterwards. */
const ENDS_SESSION = new Set(['POST /logout', 'DELETE /api/v1/session', 'POST /login', 'POST /api/v1/session']);

function concretePath(path: string): string {
  return path
    .replace(':lang', 'en')
    .replace(/:code\/items/, 'C01/items')
    .replace(/categories\/:code/, 'categories/C01')
    .replace(/items\/:code/, 'items/C01-004')
    .replace(':reference', 'WH-2099-9999')
    .replace(':projectReference', 'WH-2099-9999')
    .replace(':letter', 'A')
    .replace(':token', 'x'.repeat(43))
    .replace(':day', '2099-12-31')
    .replace(':version', '1')
    .replace(':position', '1')
    .replace(/:[A-Za-z]+/g, () => randomUUID());
}

describe('access matrix: every route × every role', () => {
  let t: TestApp;
  const sessions = new Map<Principal, Session>();
  const credentials = new Map<Principal, { email: string; password: string }>();

  async function refresh(principal: Principal) {
    sessions.set(principal, principal === 'anonymous' ? await anonymousSession(t) : await signIn(t, credentials.get(principal)!));
  }

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    const [{ id: orgId }] = await t.dataSource.query(
      `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
         contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
         service_categories, staff_count, social_worker_count, status)
       VALUES ('矩阵测试社工服务中心', '52510107MJ0000000B', 'registered', '成都市武侯区民政局', '张三', '张三', '028-85550000',
         '玉林街道', '玉林北路社区', '示范路1号', '2015-01-01', 300000, 'social_service_agency', '{C01}', 10, 3, 'approved') RETURNING id`,
    );
    const roles: Record<Exclude<Principal, 'anonymous'>, { roles: string[]; organisationId?: string }> = {
      member: { roles: ['org_member'], organisationId: orgId },
      orgAdmin: { roles: ['org_member', 'org_admin'], organisationId: orgId },
      officer: { roles: ['bureau_officer'] },
      approver: { roles: ['bureau_approver'] },
      finance: { roles: ['finance_supervisor'] },
      evaluator: { roles: ['evaluator'] },
      admin: { roles: ['admin'] },
      auditor: { roles: ['auditor'] },
    };
    for (const [principal, spec] of Object.entries(roles) as [Principal, { roles: string[]; organisationId?: string }][]) {
      credentials.set(principal, await createUser(t, spec));
    }
    for (const principal of ALL) await refresh(principal);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('has a decision for every registered route, and no stale entries', () => {
    const live = listRoutes(t).map((r) => `${r.method} ${r.path}`);
    expect(live.filter((key) => !(key in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((key) => !live.includes(key))).toEqual([]);
  });

  it('answers each principal as the table says', async () => {
    const routes: RouteInfo[] = listRoutes(t)
      .filter((r) => `${r.method} ${r.path}` in EXPECTED)
      .sort((a, b) => Number(ENDS_SESSION.has(`${a.method} ${a.path}`)) - Number(ENDS_SESSION.has(`${b.method} ${b.path}`)));
    const wrong: string[] = [];
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      const allowed = EXPECTED[key];
      for (const principal of ALL) {
        const session = sessions.get(principal)!;
        const path = concretePath(route.path);
        const method = route.method.toLowerCase() as 'get' | 'post' | 'delete';
        let req = session.agent[method](path).set('X-CSRF-Token', session.csrf).redirects(0);
        if (method !== 'get') req = req.type('form').send({ _csrf: session.csrf });
        const res = await req;
        const refused = res.status === 401 || res.status === 403 || (res.status === 303 && /^\/login\?next=/.test(res.headers.location ?? ''));
        const expectRefusal = !allowed.includes(principal);
        if (expectRefusal !== refused)
          wrong.push(`${key} as ${principal}: ${res.status}${res.headers.location ? ` → ${res.headers.location}` : ''} (expected ${expectRefusal ? 'refusal' : 'access'})`);
        if (expectRefusal && principal === 'anonymous') {
          const page = method === 'get' && !path.startsWith('/api/');
          if (page ? res.status !== 303 : res.status !== 401) wrong.push(`${key} as anonymous: ${res.status} (expected ${page ? '303 to /login' : 401})`);
        }
        if (expectRefusal && principal !== 'anonymous' && res.status !== 403) wrong.push(`${key} as ${principal}: ${res.status} (expected 403)`);
        if (res.status >= 500) wrong.push(`${key} as ${principal}: ${res.status}`);
        if (ENDS_SESSION.has(key)) await refresh(principal);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});

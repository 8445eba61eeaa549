import * as fs from 'node:fs';
import { DEMO_EVALUATORS, DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_STAFF, seedDemo } from '../../src/demo/demo-seed';
import { dictionaryKeys } from '../../src/i18n/i18n';
import { Session, anonymousSession, signIn } from '../factories/users';
import { PageLink, decodeEntities, linksOf, textOf, unlabelledScrollRegions, withoutLanguage } from '../support/html';
import { listRoutes } from '../support/routes';
import { TestApp, createTestApp } from '../support/test-app';

/**
 * Walks the demo district like a person: signs in as each demo account, opens the dashboard and
 * follows every same-site link the pages show (breadth first, bounded), in Chinese (and in English for
 * one account per role).
 * Fails on any 4xx/5xx, a link that leads nowhere, or an untranslated key shown to the reader
 * (`t` renders a missing key as the raw key, e.g. `payments.status.paid`), a scrolling table that is not
 * a focusable region with a label, or, in English, full-width punctuation (：（）、，) beside English
 * words or figures outside the Chinese data marked lang="zh-CN" (a template's own). Then checks that every
 * page a role may open (every GET page route its roles allow) was reached by clicking.
 */
const MAX_PAGES_PER_ACCOUNT = 300;
/** Links to the same page with other ids or filters: a few of each are enough. */
const MAX_PER_PATTERN = 2;

/** One account per role and registration state is also walked in English (the others' pages are the same templates). */
const ENGLISH_TOO = new Set(['admin@demo.example', 'officer@demo.example', 'approver@demo.example', 'auditor@demo.example', 'expert1@demo.example', 'leling@demo.example', 'anxin@demo.example']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Files, not pages: fetched to check they answer, not parsed for links. */
const DOWNLOAD = /\.(csv|xlsx|pdf|txt|json|png|jpe?g)$|\/receipt$|\/attachments\/|\/documents\/|\/poster$|^\/api\//;

/** Public pages are the same for everyone: walked once per language, by whichever account reaches them first. */
const PUBLIC = /^\/(catalogue|registry|notices)(\/|\?|$)/;

/** Same-site path (with query, without fragment) of a link, or null for links that leave the site or do nothing. */
function sitePath(href: string, from: string): string | null {
  if (/^(mailto|tel|javascript|data):/i.test(href) || href.startsWith('#')) return null;
  const url = new URL(href, `http://site.test${from}`);
  if (url.host !== 'site.test') return null;
  return `${url.pathname}${url.search}`;
}

function patternOf(path: string): string {
  const [pathname, search = ''] = path.split('?');
  const keys = [...new URLSearchParams(search).keys()].sort().join('&');
  return `${pathname
    .replace(UUID, ':id')
    .replace(/\/\d+(?=\/|$)/g, '/:n')
    .replace(/\/[A-Z]{2}-[\w-]+/g, '/:ref')}?${keys}`;
}

/** Route templates → a RegExp matching concrete paths. */
function routeMatcher(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/:[A-Za-z]+/g, '[^/]+')}$`);
}

interface Account {
  email: string;
  roles: string[];
}

interface Visit {
  path: string;
  from: string;
  link: string;
}

describe('navigation crawler: every link of the demo district, for every demo account', () => {
  let t: TestApp;
  let rawKeyPattern: RegExp;
  const reached = new Map<string, Set<string>>(); // email → paths reached
  const publicWalked = new Set<string>(); // `${locale} ${path}`

  jest.setTimeout(900_000);
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    await expect(seedDemo(t.app)).resolves.toBe(true);
    // A raw key shows as `<namespace>.<segment>…` with a namespace of the dictionaries (e.g. `payments.status.paid`).
    const namespaces = [...new Set(dictionaryKeys('zh-CN').map((k) => k.split('.')[0]))].map((n) => n.replace(/[-]/g, '\\-'));
    rawKeyPattern = new RegExp(`(?<![\\w@/.-])(?:${namespaces.join('|')})\\.[A-Za-z][\\w-]*(?:\\.[A-Za-z0-9_-]+)*`, 'g');
  }, 300_000);
  afterAll(async () => {
    await t?.close();
  });

  /** Visible text and the attributes a reader hears or sees. */
  function readable(html: string): string {
    const attributes = [...html.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => decodeEntities(m[1]));
    // Identifiers shown as such (an audit action code in <code> or class="code") are data, not untranslated keys.
    const withoutCodes = html.replace(/<code\b[\s\S]*?<\/code>|<(span|td|dd|div)\b[^>]*class="[^"]*\bcode\b[^"]*"[^>]*>[^<]*<\/\1>/gi, ' ');
    return `${textOf(withoutCodes)} ${attributes.join(' ')}`;
  }

  async function crawl(session: Session, email: string, locale: 'zh-CN' | 'en'): Promise<string[]> {
    const problems: string[] = [];
    const seen = new Set<string>(['/dashboard']);
    const perPattern = new Map<string, number>();
    const queue: Visit[] = [{ path: '/dashboard', from: '(sign-in)', link: '' }];
    const visited = reached.get(email) ?? new Set<string>();
    reached.set(email, visited);
    let pages = 0;
    while (queue.length && pages < MAX_PAGES_PER_ACCOUNT) {
      const visit = queue.shift()!;
      const res = await session.agent.get(visit.path).redirects(0);
      pages += 1;
      if (process.env.CRAWL_LOG) fs.appendFileSync(process.env.CRAWL_LOG, `${email} ${locale} ${res.status} ${visit.path}\n`);
      visited.add(visit.path.split('?')[0]);
      const where = `${email} [${locale}] ${visit.path} (link "${visit.link}" on ${visit.from})`;
      if (res.status >= 400) {
        problems.push(`${res.status} ${where}`);
        continue;
      }
      if (res.status >= 300) {
        const location = res.headers.location ?? '';
        if (/^\/login/.test(location)) problems.push(`${res.status} → ${location}: ${where}`);
        const next = sitePath(location, visit.path);
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.unshift({ path: next, from: visit.path, link: `(redirect ${res.status})` });
        }
        continue;
      }
      const isHtml = /text\/html/.test(String(res.headers['content-type'] ?? ''));
      if (!isHtml || DOWNLOAD.test(visit.path.split('?')[0])) continue;
      const html = res.text;
      const raw = readable(html).match(rawKeyPattern);
      if (raw) problems.push(`untranslated ${[...new Set(raw)].join(', ')}: ${where}`);
      const regions = unlabelledScrollRegions(html);
      if (regions.length) problems.push(`scrolling table not a labelled focusable region ${regions[0]}: ${where}`);
      if (locale === 'en') {
        const english = readable(withoutLanguage(html, 'zh-CN'));
        // A template's own punctuation sits beside English words or figures ("Deliverables：", "（40）");
        // a Chinese name or sentence left unmarked has it between Chinese characters and is not counted here.
        // (A closing bracket or a full stop ending Chinese data may be followed by English: not counted.)
        const punctuation = [...english.matchAll(/.{0,24}(?:[A-Za-z0-9] ?[：（）、，；【】《》]|[：（、，；【《] ?[A-Za-z0-9]).{0,24}/g)].map((m) => m[0]);
        if (punctuation.length) problems.push(`full-width punctuation outside lang="zh-CN" «${[...new Set(punctuation)].slice(0, 3).join('» «')}»: ${where}`);
      }
      for (const link of linksOf(html)) {
        const path = sitePath(link.href, visit.path);
        if (!path || seen.has(path)) continue;
        seen.add(path);
        if (path === '/logout' || path.startsWith('/locale/')) {
          await checkAside(path, link, visit.path, problems, email);
          continue;
        }
        if (PUBLIC.test(path)) {
          if (publicWalked.has(`${locale} ${path}`)) continue;
          publicWalked.add(`${locale} ${path}`);
        }
        const pattern = patternOf(path);
        const count = perPattern.get(pattern) ?? 0;
        if (count >= MAX_PER_PATTERN) continue;
        perPattern.set(pattern, count + 1);
        queue.push({ path, from: visit.path, link: link.text || link.href });
      }
    }
    return problems;
  }

  /** Links that would change the crawler's own session (language, sign-out): answered, not followed. */
  async function checkAside(path: string, link: PageLink, from: string, problems: string[], email: string): Promise<void> {
    const res = await (await anonymousSession(t)).agent.get(path).redirects(0);
    if (res.status >= 400) problems.push(`${res.status} ${email} ${path} (link "${link.text}" on ${from})`);
  }

  const accounts: Account[] = [
    ...DEMO_STAFF.map((s) => ({ email: s.email, roles: s.roles })),
    ...DEMO_EVALUATORS.map((e) => ({ email: e.email, roles: ['evaluator'] })),
    ...DEMO_ORGANISATIONS.map((o) => ({ email: o.email, roles: ['org_member', 'org_admin'] })),
  ];

  it.each(accounts.map((a) => [a.email, a]))('%s reaches every linked page without an error or a raw key', async (_email, account) => {
    const problems: string[] = [];
    for (const locale of ENGLISH_TOO.has(account.email) ? (['zh-CN', 'en'] as const) : (['zh-CN'] as const)) {
      const session = await signIn(t, { email: account.email, password: DEMO_PASSWORD });
      await session.agent.get(`/locale/${locale}?next=/dashboard`).expect(303);
      problems.push(...(await crawl(session, account.email, locale)));
    }
    expect(problems).toEqual([]);
  });

  it('shows an approver the demo disbursement waiting for approval on the dashboard, with a direct link', async () => {
    const session = await signIn(t, { email: 'approver@demo.example', password: DEMO_PASSWORD });
    const dashboard = await session.agent.get('/dashboard').expect(200);
    const card = /<ul class="item-list" data-testid="dashboard-disbursements-approval">([\s\S]*?)<\/ul>/.exec(dashboard.text);
    expect(card).not.toBeNull();
    expect(textOf(card![1])).toContain('¥69,000');
    const link = linksOf(card![1]).find((l) => /^\/staff\/disbursements\/[0-9a-f-]{36}$/.test(l.href));
    const page = await session.agent.get(link!.href).expect(200);
    expect(textOf(page.text)).toContain('成都市同心社区发展中心');
  });

  it('has reached, for every role, every page route that role may open (all reachable by clicking)', () => {
    const pageRoutes = listRoutes(t).filter((r) => r.method === 'GET' && !r.isPublic && r.roles !== null && !DOWNLOAD.test(r.path) && !r.path.startsWith('/api/'));
    const unreached: string[] = [];
    for (const account of accounts) {
      const visited = [...(reached.get(account.email) ?? [])];
      for (const route of pageRoutes) {
        if (!route.roles!.some((r) => account.roles.includes(r))) continue;
        const matcher = routeMatcher(route.path);
        if (!visited.some((p) => matcher.test(p))) unreached.push(`${account.email}: ${route.path}`);
      }
    }
    // Routes that need a state the demo does not have for any account of that role are listed in NOT_IN_DEMO.
    const missing = unreached.filter((u) => !NOT_IN_DEMO.some((n) => u.endsWith(`: ${n}`)));
    const byRoute = new Map<string, string[]>();
    for (const m of missing) {
      const [email, route] = m.split(': ');
      byRoute.set(route, [...(byRoute.get(route) ?? []), email]);
    }
    const everyAccountMissed = [...byRoute.entries()].filter(([route, emails]) => {
      const route_ = pageRoutes.find((r) => r.path === route)!;
      const eligible = accounts.filter((a) => route_.roles!.some((r) => a.roles.includes(r)));
      return emails.length === eligible.length;
    });
    expect(everyAccountMissed.map(([route]) => route).sort()).toEqual([]);
  });
});

/** Page routes no demo account can reach because the demo has nothing in that state (each with why). */
const NOT_IN_DEMO: string[] = [
  '/staff/projects/:id/edit', // a draft project: the demo's projects are all published or further
  '/staff/projects/:projectId/committee', // an opened project awaiting its committee: the open project's deadline is in the future
  '/staff/challenges/:id', // a challenge: nobody challenged the demo's awards
  '/organisation/challenges/:id/complaint', // a complaint follows an answered challenge: the demo has none
  '/finance/complaints/:id', // likewise, no complaint to the finance department in the demo
  '/organisation/payment-account/stripe/return', // Stripe sends the organisation back here after onboarding (a link from outside)
  '/organisation/payment-account/stripe/refresh', // likewise, when Stripe's onboarding link has expired
];

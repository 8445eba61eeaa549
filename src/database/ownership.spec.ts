import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEDGER_BALANCE_COLUMNS, moduleOf, OWNER_VIEWS, TABLE_OWNERS } from './ownership';
import { entityTablesIn, TableAccess, tableAccesses, tablesCreatedBy } from './table-access';

/**
 * One owner per table (issue 12): every SQL string and TypeORM target in `src/` (not unit tests)
 * is attributed to the module whose folder holds the file and checked against TABLE_OWNERS.
 *
 * `src/demo` is exempt from the write rule, on purpose: the demo's procurement history (bids
 * sealed, opened, scored and awarded before the demo's "today") cannot be written by the services
 * without moving the database clock, which only tests may do, so demo-contract.ts writes it in
 * SQL as the test factories do and goes through the real services from the contract on (see the
 * comment at its top). Demo code is never imported by the app's modules.
 */
const SRC = path.resolve(__dirname, '..');
const MIGRATIONS = path.resolve(SRC, '../migrations');
const EXEMPT_MODULES = new Set(['demo']);

interface Exception {
  /** Path under src/. */
  file: string;
  table: string;
  reason: string;
}

// Reads not migrated yet (issue 12 "cross-module reads"): each names why the module looks at the
// other's rows today; the next step is the owner's query method or view.
const PAGE_JOIN = 'a page joins the owner’s rows for display (names, references, status); to move behind the owner’s query methods';
const RULE_FACTS = 'a use case reads the owner’s rows as facts for its rule (status, amounts, eligibility) under its own lock; to move behind the owner’s query methods';
const ACTOR_NAMES = 'joins users for the display name or e-mail of whom it shows; to move behind an identity query method';
const REPORTING = 'reporting is the district’s cross-module read model (figures and exports); to move onto owner-maintained views';
const LEDGER_BALANCES =
  'the trial balance and ledger:verify compare the running balances the ledger keeps on these rows with the journal (and the limits beside them: totals, amounts, the award cap, the settlement), and name the rows on the ledger pages; to move onto owner-maintained views';
const BOOT = 'the production start refuses a shifted database clock before any module exists; reads common’s clock row directly';
const SUSPENSION = 'the shared suspension check reads complaints’ suspensions for every module’s guard; to become a complaints query method';

/** Writes of another module's table still waiting for the owner's verb; each says why. */
const WRITE_EXCEPTIONS: Exception[] = [];

/** Running balances moved outside the ledger module, until the ledger's verbs take them. */
const BALANCE_EXCEPTIONS: Exception[] = [];

/** Reads of another module's tables not yet through the owner's query methods or views. */
const READ_EXCEPTIONS: ReadException[] = [
  {
    file: 'awards/awards.service.ts',
    tables: ['bids', 'committee_members', 'evaluation_results', 'evaluations', 'low_price_inquiries', 'qualification_reviews', 'score_sheets', 'score_submissions'],
    reason: RULE_FACTS,
  },
  { file: 'awards/awards.queries.ts', tables: ['committee_members', 'evaluations', 'opened_bids', 'projects'], reason: PAGE_JOIN },
  { file: 'awards/challenges.service.ts', tables: ['bid_openings', 'evaluations', 'opened_bids', 'organisations', 'projects'], reason: RULE_FACTS },
  { file: 'bidding/bids.service.ts', tables: ['organisations', 'projects'], reason: RULE_FACTS },
  { file: 'bidding/opening/opening.service.ts', tables: ['projects'], reason: RULE_FACTS },
  { file: 'common/suspension/procurement-suspension.ts', tables: ['procurement_suspensions'], reason: SUSPENSION },
  { file: 'complaints/complaints.service.ts', tables: ['challenges', 'projects'], reason: RULE_FACTS },
  { file: 'contracts/contracts.service.ts', tables: ['catalogue_items', 'opened_bids', 'organisations'], reason: RULE_FACTS },
  { file: 'delivery/delivery.reminders.ts', tables: ['contract_milestones', 'contracts'], reason: RULE_FACTS },
  { file: 'delivery/delivery.service.ts', tables: ['contract_milestones', 'documents', 'milestone_rectifications'], reason: RULE_FACTS },
  { file: 'delivery/delivery.queries.ts', tables: ['contract_milestones', 'contracts'], reason: PAGE_JOIN },
  { file: 'evaluation/evaluation.queries.ts', tables: ['bids'], reason: RULE_FACTS },
  { file: 'evaluation/evaluation-dashboard.queries.ts', tables: ['projects'], reason: PAGE_JOIN },
  { file: 'evaluation/evaluation.records.ts', tables: ['opened_bids'], reason: PAGE_JOIN },
  { file: 'evaluation/qualification.service.ts', tables: ['bids'], reason: RULE_FACTS },
  { file: 'evaluators/evaluator-profiles.service.ts', tables: ['users'], reason: RULE_FACTS },
  { file: 'evaluators/evaluator-relationships.service.ts', tables: ['organisations'], reason: RULE_FACTS },
  { file: 'evaluators/evaluators.queries.ts', tables: ['organisations', 'users'], reason: PAGE_JOIN },
  { file: 'evaluators/evaluators.service.ts', tables: ['users'], reason: RULE_FACTS },
  { file: 'ledger/ledger.queries.ts', tables: ['awards', 'contract_settlements', 'contracts', 'funds', 'projects'], reason: LEDGER_BALANCES },
  { file: 'main.ts', tables: ['clock_settings'], reason: BOOT },
  { file: 'notifications/notifications.service.ts', tables: ['users'], reason: ACTOR_NAMES },
  { file: 'payments/disbursements.service.ts', tables: ['milestone_results'], reason: RULE_FACTS },
  { file: 'payments/payment-rules.queries.ts', tables: ['contracts', 'projects'], reason: PAGE_JOIN },
  { file: 'payments/payments-dashboard.queries.ts', tables: ['contracts'], reason: PAGE_JOIN },
  { file: 'payments/payments.queries.ts', tables: ['contract_milestones', 'contracts', 'funds', 'milestone_results'], reason: PAGE_JOIN },
  { file: 'payments/releases.service.ts', tables: ['contracts', 'milestone_results'], reason: RULE_FACTS },
  { file: 'payments/stripe/stripe-outbox.worker.ts', tables: ['contracts'], reason: RULE_FACTS },
  { file: 'payments/stripe/stripe.queries.ts', tables: ['contracts'], reason: PAGE_JOIN },
  { file: 'procurement/organisation-facts.ts', tables: ['organisations'], reason: RULE_FACTS },
  { file: 'procurement/project.queries.ts', tables: ['catalogue_items'], reason: RULE_FACTS },
  { file: 'procurement/projects.service.ts', tables: ['bids', 'catalogue_items', 'organisations'], reason: RULE_FACTS },
  {
    file: 'reporting/reporting.service.ts',
    tables: ['catalogue_categories', 'catalogue_items', 'contract_milestones', 'contracts', 'disbursements', 'funds', 'milestone_results', 'project_items', 'projects', 'treasury_payments'],
    reason: REPORTING,
  },
  { file: 'service-evaluation/contract-termination.service.ts', tables: ['contract_milestones', 'contracts', 'disbursements'], reason: RULE_FACTS },
  { file: 'service-evaluation/evaluator-assignment.service.ts', tables: ['users'], reason: RULE_FACTS },
  { file: 'service-evaluation/indicator-templates.service.ts', tables: ['catalogue_categories', 'catalogue_items'], reason: RULE_FACTS },
  { file: 'service-evaluation/service-evaluation-dashboard.queries.ts', tables: ['contract_milestones', 'contracts'], reason: PAGE_JOIN },
  {
    file: 'service-evaluation/service-evaluation.queries.ts',
    tables: [
      'catalogue_categories',
      'catalogue_items',
      'contract_milestones',
      'contract_terminations',
      'contracts',
      'delivery_attachments',
      'delivery_service_records',
      'documents',
      'milestone_deliveries',
    ],
    reason: PAGE_JOIN,
  },
  { file: 'surveys/surveys-dashboard.queries.ts', tables: ['contract_milestones', 'contracts'], reason: PAGE_JOIN },
  { file: 'surveys/surveys.queries.ts', tables: ['contract_milestones', 'contracts'], reason: PAGE_JOIN },
];

interface ReadException {
  /** Path under src/. */
  file: string;
  tables: string[];
  reason: string;
}

interface Found extends TableAccess {
  file: string;
  module: string;
  owner: string;
}

const owners: Record<string, string> = TABLE_OWNERS;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function sourceFiles(): string[] {
  return walk(SRC)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))
    .map((f) => path.relative(SRC, f).split(path.sep).join('/'))
    .sort();
}

function migratedTables(): Set<string> {
  const names = new Set<string>(['migrations']); // TypeORM's own record of applied migrations
  for (const f of walk(MIGRATIONS).filter((x) => x.endsWith('.ts'))) for (const t of tablesCreatedBy(f, fs.readFileSync(f, 'utf8'))) names.add(t);
  return names;
}

function allAccesses(): Found[] {
  const files = sourceFiles();
  const sources = new Map(files.map((f) => [f, fs.readFileSync(path.join(SRC, f), 'utf8')]));
  const entities = new Map<string, string>();
  for (const [f, text] of sources) for (const [cls, table] of entityTablesIn(f, text)) entities.set(cls, table);
  const known = new Set(Object.keys(owners));
  return files.flatMap((file) => tableAccesses(file, sources.get(file)!, known, entities).map((a) => ({ ...a, file, module: moduleOf(file), owner: owners[a.table] })));
}

const describeAccess = (a: Found) => `${a.file}:${a.line} ${a.kind}s ${a.table}${a.columns ? ` (${a.columns.join(', ')})` : ''}, owned by ${a.owner}`;

function isBalanceOnly(a: Found): boolean {
  const balances = LEDGER_BALANCE_COLUMNS[a.table as keyof typeof LEDGER_BALANCE_COLUMNS];
  return !!balances && !!a.columns?.length && a.columns.every((c) => balances.includes(c) || c === 'updated_at');
}

function touchesBalances(a: Found): boolean {
  const balances = LEDGER_BALANCE_COLUMNS[a.table as keyof typeof LEDGER_BALANCE_COLUMNS];
  return !!balances && !!a.columns?.some((c) => balances.includes(c));
}

function excepted(list: Array<Exception | ReadException>, a: Found): boolean {
  return list.some((e) => e.file === a.file && ('tables' in e ? e.tables.includes(a.table) : e.table === a.table));
}

describe('table ownership (issue 12)', () => {
  const accesses = allAccesses();
  const checked = accesses.filter((a) => !EXEMPT_MODULES.has(a.module));

  it('names an owner for every table and view the migrations create, and no other', () => {
    const migrated = migratedTables();
    expect([...migrated].filter((t) => !(t in owners)).sort()).toEqual([]);
    expect(
      Object.keys(owners)
        .filter((t) => !migrated.has(t))
        .sort(),
    ).toEqual([]);
  });

  it('lists as owner-maintained views only views the migrations create', () => {
    const migrations = walk(MIGRATIONS)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    expect([...OWNER_VIEWS].filter((v) => !new RegExp(String.raw`create\s+(or\s+replace\s+)?view\s+${v}\b`, 'i').test(migrations))).toEqual([]);
  });

  it('names an existing module folder as every owner', () => {
    const folders = new Set(
      fs
        .readdirSync(SRC, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name),
    );
    expect([...new Set(Object.values(owners))].filter((m) => !folders.has(m)).sort()).toEqual([]);
  });

  it('lets only the owning module insert, update or delete a table', () => {
    const breaches = checked.filter((a) => a.kind === 'write' && a.owner !== a.module && !(a.module === 'ledger' && isBalanceOnly(a)) && !excepted(WRITE_EXCEPTIONS, a));
    expect(breaches.map(describeAccess)).toEqual([]);
  });

  it('lets only the ledger move the running balances kept on funds, contracts and projects', () => {
    const breaches = checked.filter((a) => a.kind === 'write' && a.module !== 'ledger' && touchesBalances(a) && !excepted(BALANCE_EXCEPTIONS, a));
    expect(breaches.map(describeAccess)).toEqual([]);
  });

  it('reads another module’s tables only through its query methods or views', () => {
    const views: ReadonlySet<string> = OWNER_VIEWS;
    const breaches = checked.filter((a) => a.kind === 'read' && a.owner !== a.module && !views.has(a.table) && !excepted(READ_EXCEPTIONS, a));
    expect(breaches.map(describeAccess)).toEqual([]);
  });

  it('lists no exception that no longer happens, and gives each one a reason', () => {
    const stale = (list: Exception[], match: (a: Found, e: Exception) => boolean) => list.filter((e) => !checked.some((a) => match(a, e)));
    const same = (a: Found, e: Exception) => a.file === e.file && a.table === e.table;
    expect(stale(WRITE_EXCEPTIONS, (a, e) => same(a, e) && a.kind === 'write' && a.owner !== a.module)).toEqual([]);
    expect(stale(BALANCE_EXCEPTIONS, (a, e) => same(a, e) && a.kind === 'write' && touchesBalances(a))).toEqual([]);
    const reads = READ_EXCEPTIONS.flatMap(({ file, tables, reason }) => tables.map((table) => ({ file, table, reason })));
    const views: ReadonlySet<string> = OWNER_VIEWS;
    expect(stale(reads, (a, e) => same(a, e) && a.kind === 'read' && a.owner !== a.module && !views.has(a.table))).toEqual([]);
    expect([...WRITE_EXCEPTIONS, ...BALANCE_EXCEPTIONS, ...READ_EXCEPTIONS].filter((e) => e.reason.trim().length < 10)).toEqual([]);
  });
});

describe('the table-access scanner', () => {
  const known = new Set(['projects', 'bids', 'contracts', 'funds', 'pgboss.job']);
  const entities = new Map([['Project', 'projects']]);
  const scan = (source: string) => tableAccesses('sample.ts', source, known, entities).map(({ line, table, kind, columns }) => [line, table, kind, columns?.join(',')]);

  it('finds the status write a reviewer found in bidding/opening/opening.service.ts', () => {
    const source = [`await manager.query(`, "  `UPDATE projects SET status = 'opened', opened_at = now()", "    WHERE id = $1 AND status = 'closed'`,", `  [projectId]);`].join('\n');
    expect(scan(source)).toEqual([[2, 'projects', 'write', 'status,opened_at']]);
  });

  it('finds inserts, deletes and reads in template literals with interpolations, and the schema of pgboss tables', () => {
    const source = 'const sql = `INSERT INTO bids (project_id) SELECT id FROM projects p JOIN contracts c ON c.project_id = p.id WHERE p.id = ${id}`;\n' + `q('DELETE FROM pgboss.job WHERE 1 = 1');`;
    expect(scan(source)).toEqual([
      [1, 'bids', 'write', undefined],
      [1, 'projects', 'read', undefined],
      [1, 'contracts', 'read', undefined],
      [2, 'pgboss.job', 'write', undefined],
    ]);
  });

  it('does not take a row lock or an upsert for a write, nor an alias or a function for a table', () => {
    const source = [
      "q('SELECT * FROM projects WHERE id = $1 FOR UPDATE');",
      "q('SELECT 1 FROM contracts c FOR NO KEY UPDATE OF c');",
      "q('INSERT INTO funds (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET name = excluded.name');",
      "q('SELECT extract(epoch FROM now()) FROM generate_series(1, 3)');",
      "const message = 'Choose a date from the calendar';",
    ].join('\n');
    expect(scan(source)).toEqual([
      [1, 'projects', 'read', undefined],
      [2, 'contracts', 'read', undefined],
      [3, 'funds', 'write', undefined],
    ]);
  });

  it('reads the columns an UPDATE sets, past nested parentheses and up to WHERE', () => {
    const source = 'q(`UPDATE funds f SET reserved_minor = reserved_minor + $1, (paid_minor, updated_at) = (greatest($2, 0), now()) WHERE f.id = $3 RETURNING reserved_minor`)';
    expect(scan(source)).toEqual([[1, 'funds', 'write', 'reserved_minor,paid_minor,updated_at']]);
  });

  it('finds TypeORM targets: repositories, query builders and entity-manager calls', () => {
    const source = [
      'class A {',
      '  constructor(@InjectRepository(Project) private readonly projects: Repository<Project>) {}',
      '  list() { return this.projects.find(); }',
      '  touch(m: EntityManager) { return m.update(Project, { id }, { status: "opened" }); }',
      '  one() { return this.dataSource.getRepository(Project).findOneBy({ id }); }',
      '  qb() { return this.dataSource.createQueryBuilder().update(Project).set({}).execute(); }',
      "  named() { return this.dataSource.createQueryBuilder().select('b.id').from('bids', 'b').getRawMany(); }",
      '}',
    ].join('\n');
    expect(scan(source)).toEqual([
      [2, 'projects', 'read', undefined],
      [4, 'projects', 'write', undefined],
      [5, 'projects', 'read', undefined],
      [6, 'projects', 'write', undefined],
      [7, 'bids', 'read', undefined],
    ]);
  });

  it('counts an injected repository that saves as a write', () => {
    const source = ['class A {', '  constructor(@InjectRepository(Project) private readonly projects: Repository<Project>) {}', '  add(p: Project) { return this.projects.save(p); }', '}'].join('\n');
    expect(scan(source)).toEqual([[2, 'projects', 'write', undefined]]);
  });

  it('reads the table names of entities and of migrations', () => {
    expect([...entityTablesIn('e.ts', "@Entity('projects') export class Project {}\n@Entity({ name: 'bids' }) export class Bid {}")]).toEqual([
      ['Project', 'projects'],
      ['Bid', 'bids'],
    ]);
    const migration =
      'await q.query(`CREATE TABLE funds (id uuid)`);\nconst S = "x;\\nCREATE TABLE pgboss.job (id int);\\nEXECUTE format(\'CREATE TABLE pgboss.%I (LIKE pgboss.job)\', t);\\nCREATE OR REPLACE VIEW milestone_satisfaction AS SELECT 1";';
    expect(tablesCreatedBy('m.ts', migration)).toEqual(['funds', 'pgboss.job', 'milestone_satisfaction']);
  });
});

describe('the ownership rule applied to a sample breach', () => {
  it('attributes a file to its module folder', () => {
    expect(moduleOf('bidding/opening/opening.service.ts')).toBe('bidding');
    expect(moduleOf('main.ts')).toBe('app');
  });

  it('fails a module that writes another module’s table, as the opening service wrote projects.status', () => {
    const [access] = tableAccesses('bidding/opening/opening.service.ts', "m.query(`UPDATE projects SET status = 'opened' WHERE id = $1`)", new Set(Object.keys(owners)), new Map());
    expect(access.kind).toBe('write');
    expect(owners[access.table]).toBe('procurement');
    expect(moduleOf('bidding/opening/opening.service.ts')).not.toBe(owners[access.table]);
  });
});

/**
 * Which module owns which table: the one place that says it (issue 12, STYLE.md "Boundaries").
 *
 * Only the owner (the folder `src/<module>/`) inserts, updates or deletes a table's rows and
 * moves its state machine; other modules call the owner's exported verbs, passing their
 * `EntityManager` when the change must share their transaction, and read through the owner's
 * query methods or the views the owner maintains. `ownership.spec.ts` reads every SQL string and
 * TypeORM target in `src/` and fails on a breach, and fails when a table the migrations create
 * is missing here.
 *
 * Running balances are the ledger's even where they sit on another module's row: only `ledger`
 * updates the columns in LEDGER_BALANCE_COLUMNS (and the owner does not).
 */
export const TABLE_OWNERS = {
  // identity: accounts, sessions, sign-in throttling
  users: 'identity',
  user_sessions: 'identity',
  password_reset_tokens: 'identity',
  throttle_counters: 'identity',
  user_names: 'identity', // view: id, display name
  user_contacts: 'identity', // view: id, display name, e-mail

  audit_events: 'audit',
  documents: 'documents',

  // the registry and the expert pool
  organisations: 'organisations',
  organisation_labels: 'organisations', // view: id, name, credit code
  evaluator_profiles: 'evaluators',
  evaluator_relationships: 'evaluators',

  catalogue_categories: 'catalogue',
  catalogue_items: 'catalogue',

  // procurement: funds, rules, calendar, projects and what is published with them
  funds: 'procurement',
  procurement_method_rules: 'procurement',
  calendar_days: 'procurement',
  calendar_years: 'procurement',
  projects: 'procurement',
  project_labels: 'procurement', // view: id, reference, title
  project_items: 'procurement',
  project_criteria: 'procurement',
  project_milestones: 'procurement',
  project_invitations: 'procurement',
  project_questions: 'procurement',
  project_amendments: 'procurement',

  // bidding: sealed bids, their keys and the opening
  bids: 'bidding',
  bid_versions: 'bidding',
  project_keys: 'bidding',
  bid_openings: 'bidding',
  opened_bids: 'bidding',

  // evaluation: committees and scoring
  committee_draws: 'evaluation',
  committee_members: 'evaluation',
  committee_exclusions: 'evaluation',
  evaluations: 'evaluation',
  evaluation_results: 'evaluation',
  qualification_reviews: 'evaluation',
  low_price_inquiries: 'evaluation',
  score_sheets: 'evaluation',
  score_submissions: 'evaluation',
  score_flags: 'evaluation',

  awards: 'awards',
  challenges: 'awards',

  complaints: 'complaints',
  procurement_suspensions: 'complaints',

  contracts: 'contracts',
  contract_milestones: 'contracts',
  contract_variations: 'contracts',
  contract_terminations: 'contracts',

  milestone_deliveries: 'delivery',
  delivery_attachments: 'delivery',
  delivery_service_records: 'delivery',
  milestone_reminders: 'delivery',

  // 社会化评估
  indicator_templates: 'service-evaluation',
  service_evaluators: 'service-evaluation',
  milestone_evaluation_rounds: 'service-evaluation',
  milestone_scoresheets: 'service-evaluation',
  milestone_scores: 'service-evaluation',
  milestone_results: 'service-evaluation',
  milestone_rectifications: 'service-evaluation',
  site_visits: 'service-evaluation',

  milestone_surveys: 'surveys',
  survey_responses: 'surveys',
  milestone_satisfaction: 'surveys', // view

  // payment by results, the Stripe rail, treasury payments
  disbursements: 'payments',
  payment_rules: 'payments',
  payment_accounts: 'payments',
  payment_outbox: 'payments',
  stripe_events: 'payments',
  treasury_payments: 'payments',
  reconciliation_issues: 'payments',
  contract_settlements: 'payments',

  // the one ledger
  journal_entries: 'ledger',
  journal_lines: 'ledger',

  notifications: 'notifications',
  notification_settings: 'notifications',
  mail_outbox: 'notifications',

  // cross-cutting: the database clock, the job queue (pg-boss writes its own tables), the migrator
  clock_settings: 'common',
  'pgboss.version': 'common',
  'pgboss.queue': 'common',
  'pgboss.schedule': 'common',
  'pgboss.subscription': 'common',
  'pgboss.job': 'common',
  'pgboss.archive': 'common',
  typeorm_metadata: 'database',
  migrations: 'database',
} as const satisfies Record<string, string>;

export type OwnedTable = keyof typeof TABLE_OWNERS;
export type OwningModule = (typeof TABLE_OWNERS)[OwnedTable];

/** Views an owner maintains for other modules to read (a read of them is never a breach). */
export const OWNER_VIEWS: ReadonlySet<OwnedTable> = new Set<OwnedTable>(['milestone_satisfaction', 'user_names', 'user_contacts', 'organisation_labels', 'project_labels']);

/** Running balances kept on other modules' rows, moved only by the ledger's postings. */
export const LEDGER_BALANCE_COLUMNS: Partial<Record<OwnedTable, readonly string[]>> = {
  funds: ['reserved_minor', 'committed_minor', 'payable_minor', 'paid_minor'],
  contracts: ['approved_minor', 'paid_minor'],
  projects: ['paid_minor'],
};

/** `src/<module>/…` → module; files directly under `src/` (bootstrap) are `app`. */
export function moduleOf(pathFromSrc: string): string {
  const parts = pathFromSrc.split(/[\\/]/);
  return parts.length > 1 ? parts[0] : 'app';
}

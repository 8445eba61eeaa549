import { randomBytes } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DashboardRegistry, DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { ROLES, Role } from './access.decorators';
import { InactiveAccountError, LastAdminRoleError, OrganisationRolesNotEditableError, RolesNotGrantableError, SelfDeactivationError, SelfRoleChangeError } from './admin-users.errors';
import { passwordProblems } from './domain/password-policy';
import { GRANTABLE_ROLES, ORGANISATION_ROLES, STAFF_ROLES, hasAnyRole } from './domain/roles';
import { UserNotFoundError } from './identity.errors';
import { IdentityService } from './identity.service';
import { User } from './user.entity';
import { registerModulePartials } from '../common/views/partials';
import { isUuid } from '../common/validation/uuid';

export const ACCOUNT_STATUSES = ['active', 'inactive', 'locked'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface AccountFilter {
  /** Substring of the email or display name. */
  q?: string;
  role?: string;
  status?: AccountStatus;
  page: number;
  pageSize: number;
}

/** One account as the admin pages show it. */
export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  organisationId: string | null;
  organisationName: string | null;
  isActive: boolean;
  isLocked: boolean;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  mustChangePassword: boolean;
  createdAt: Date;
}

export interface AccountPage {
  data: AccountRow[];
  meta: { page: number; pageSize: number; total: number };
}

export interface AccountCounts {
  staff: number;
  evaluators: number;
  locked: number;
}

/**
 * A one-time set-password link: `token` is returned to the admin who asked, once, for the page
 * that shows `/password-reset/<token>`; only its hash is stored (password_reset_tokens).
 */
export interface OneTimeLink {
  userId: string;
  email: string;
  displayName: string;
  token: string;
  expiresAt: Date;
}

export interface NewAccount {
  email: string;
  displayName: string;
  roles: string[];
}

/**
 * A password nobody knows, for accounts an admin creates: the owner chooses their own through a
 * one-time link, so no password is ever typed, seen or sent by the admin.
 */
export function unusablePassword(email: string): string {
  for (;;) {
    const candidate = `${randomBytes(32).toString('base64url')}-9z`;
    if (passwordProblems(candidate, email).length === 0) return candidate;
  }
}

/** Roles as a set: known, grantable on the admin pages, once each, in the canonical order. */
function grantableRoles(roles: string[]): Role[] {
  const notGrantable = roles.filter((r) => !(GRANTABLE_ROLES as readonly string[]).includes(r));
  if (notGrantable.length) throw new RolesNotGrantableError(notGrantable);
  return ROLES.filter((r) => roles.includes(r));
}

function sameRoles(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}

interface AccountRecord {
  id: string;
  email: string;
  display_name: string;
  roles: string[];
  organisation_id: string | null;
  organisation_name: string | null;
  is_active: boolean;
  is_locked: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  must_change_password: boolean;
  created_at: Date;
}

function toAccountRow(r: AccountRecord): AccountRow {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    roles: r.roles,
    organisationId: r.organisation_id,
    organisationName: r.organisation_name,
    isActive: r.is_active,
    isLocked: r.is_locked,
    lockedUntil: r.locked_until,
    lastLoginAt: r.last_login_at,
    mustChangePassword: r.must_change_password,
    createdAt: r.created_at,
  };
}

/** The organisation's name is read for display only; organisations are referred to by id. */
const ACCOUNT_SELECT = `
  SELECT u.id, u.email, u.display_name, u.roles, u.organisation_id, o.name_zh AS organisation_name,
         u.is_active, coalesce(u.locked_until > $1, false) AS is_locked, u.locked_until,
         u.last_login_at, u.must_change_password, u.created_at
    FROM users u
    LEFT JOIN organisation_labels o ON o.id = u.organisation_id`;

/** The WHERE clause of a filter, its placeholders numbered from `first`. */
function accountConditions(filter: AccountFilter, now: Date, first: number): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  if (filter.q) {
    const pattern = param(`%${filter.q.replace(/[\\%_]/g, '\\$&')}%`);
    conditions.push(`(u.email ILIKE ${pattern} OR u.display_name ILIKE ${pattern})`);
  }
  if (filter.role) conditions.push(`${param(filter.role)} = ANY(u.roles)`);
  if (filter.status === 'active') conditions.push('u.is_active');
  if (filter.status === 'inactive') conditions.push('NOT u.is_active');
  if (filter.status === 'locked') conditions.push(`u.locked_until > ${param(now)}`);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/**
 * The administrator's account pages: staff and evaluator accounts created without a password
 * (the owner sets one through a one-time link), deactivation, set-password links that also
 * unlock, and staff role changes. IdentityService keeps the account rules and audits its own
 * changes; this service adds the rules of administering other people's accounts.
 */
@Injectable()
export class AdminUsersService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dashboards: DashboardRegistry,
  ) {}

  onModuleInit(): void {
    registerModulePartials('admin');
    this.dashboards.register((user) => this.dashboardWidgets(user));
  }

  async listAccounts(filter: AccountFilter): Promise<AccountPage> {
    const now = await this.clock.now(this.dataSource.manager);
    const count = accountConditions(filter, now, 1);
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM users u ${count.where}`, count.params)) as { total: number }[];
    // $1 is the current time in ACCOUNT_SELECT.
    const page = accountConditions(filter, now, 2);
    const limit = page.params.length + 2;
    const rows = (await this.dataSource.query(`${ACCOUNT_SELECT} ${page.where} ORDER BY u.created_at DESC, u.id LIMIT $${limit} OFFSET $${limit + 1}`, [
      now,
      ...page.params,
      filter.pageSize,
      (filter.page - 1) * filter.pageSize,
    ])) as AccountRecord[];
    return { data: rows.map(toAccountRow), meta: { page: filter.page, pageSize: filter.pageSize, total } };
  }

  async getAccount(id: string): Promise<AccountRow> {
    if (!isUuid(id)) throw new UserNotFoundError();
    const now = await this.clock.now(this.dataSource.manager);
    const [row] = (await this.dataSource.query(`${ACCOUNT_SELECT} WHERE u.id = $2`, [now, id])) as AccountRecord[];
    if (!row) throw new UserNotFoundError();
    return toAccountRow(row);
  }

  /** Creates a staff or evaluator account without a usable password and returns its set-password link. */
  async createAccount(actor: Actor, input: NewAccount): Promise<OneTimeLink> {
    const roles = grantableRoles(input.roles);
    const user = await this.dataSource.transaction((manager) =>
      this.identity.createUser(manager, actor, {
        email: input.email,
        displayName: input.displayName,
        password: unusablePassword(input.email),
        roles,
        mustChangePassword: true,
      }),
    );
    return this.linkFor(actor, user);
  }

  async deactivate(actor: Actor, id: string): Promise<void> {
    const account = await this.getAccount(id);
    if (account.id === actor.userId) throw new SelfDeactivationError();
    // Refuses the last active admin; ends the account's sessions.
    await this.identity.setActive(actor, account.id, false);
  }

  async reactivate(actor: Actor, id: string): Promise<void> {
    const account = await this.getAccount(id);
    await this.identity.setActive(actor, account.id, true);
  }

  /**
   * A new one-time set-password link for a forgotten password or a locked account: unlocks the
   * account now (the owner can sign in again with their password, or set a new one).
   */
  async issueSetPasswordLink(actor: Actor, id: string): Promise<OneTimeLink> {
    const account = await this.getAccount(id);
    if (!account.isActive) throw new InactiveAccountError();
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id: account.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      const now = await this.clock.now(manager);
      if (!user.lockedUntil || user.lockedUntil <= now) return;
      await manager.update(User, { id: user.id }, { failedLoginCount: 0, lockedUntil: null });
      await this.audit.record(manager, actor, {
        action: 'user.unlocked',
        entityType: 'user',
        entityId: user.id,
        before: { lockedUntil: user.lockedUntil },
        after: { lockedUntil: null },
      });
    });
    return this.linkFor(actor, account);
  }

  /** Sets the staff and evaluator roles of someone else's account. */
  async changeRoles(actor: Actor, id: string, requested: string[]): Promise<void> {
    const account = await this.getAccount(id);
    // Nobody grants themself a role (bureau_approver approves money).
    if (account.id === actor.userId) throw new SelfRoleChangeError();
    const roles = grantableRoles(requested);
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id: account.id }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      if (user.organisationId || hasAnyRole(user.roles, ORGANISATION_ROLES)) throw new OrganisationRolesNotEditableError();
      if (sameRoles(user.roles, roles)) return;
      if (user.isActive && user.roles.includes('admin') && !roles.includes('admin')) {
        // Serialised with deactivations (IdentityService.setActive takes the same lock).
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users.admin_count'))`);
        const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM users WHERE is_active AND 'admin' = ANY(roles) AND id <> $1`, [user.id])) as { count: number }[];
        if (count === 0) throw new LastAdminRoleError();
      }
      // Checks the role set and writes the audit event.
      await this.identity.setRoles(manager, actor, user.id, roles);
    });
  }

  async counts(): Promise<AccountCounts> {
    const now = await this.clock.now(this.dataSource.manager);
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE is_active AND roles && $1::text[])::int AS staff,
              count(*) FILTER (WHERE is_active AND 'evaluator' = ANY(roles))::int AS evaluators,
              count(*) FILTER (WHERE locked_until > $2)::int AS locked
         FROM users`,
      [STAFF_ROLES, now],
    )) as AccountCounts[];
    return row;
  }

  /** Issues the account's one-time set-password link (earlier unused links stop working). */
  private async linkFor(actor: Actor, user: Pick<User, 'id' | 'email' | 'displayName'>): Promise<OneTimeLink> {
    const { token, expiresAt } = await this.identity.issueResetToken(actor, user.id);
    return { userId: user.id, email: user.email, displayName: user.displayName, token, expiresAt };
  }

  private async dashboardWidgets(user: DashboardUser): Promise<DashboardWidget[]> {
    if (!hasAnyRole(user.roles, ['admin'])) return [];
    return [{ titleKey: 'admin.dashboard.title', partial: 'admin/dashboard-widget', data: { ...(await this.counts()) }, order: 10 }];
  }
}

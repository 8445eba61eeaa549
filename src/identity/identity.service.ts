import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/errors/domain.error';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG } from '../common/common.module';
import { AppConfig } from '../config/app.config';
import { Locale } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { passwordProblems } from './domain/password-policy';
import { roleSetProblem } from './domain/roles';
import { AccountLockedError, EmailTakenError, InvalidCredentialsError, InvalidResetTokenError, LastAdminError, RoleSetError, UserNotFoundError, WeakPasswordError } from './identity.errors';
import { dummyVerify, hashPassword, verifyPassword } from './passwords';
import { PasswordResetToken } from './password-reset-token.entity';
import { User } from './user.entity';
import { isUuid } from '../common/validation/uuid';

export interface NewUser {
  email: string;
  displayName: string;
  password: string;
  roles: string[];
  organisationId?: string | null;
  mustChangePassword?: boolean;
}

/** What the rest of the app sees of a signed-in user (req.user). */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  organisationId: string | null;
  mustChangePassword: boolean;
}

export const RESET_TOKEN_HOURS = 24;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    organisationId: user.organisationId,
    mustChangePassword: user.mustChangePassword,
  };
}

@Injectable()
export class IdentityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * What createUser would refuse about a new account's email and password, as errors to report
   * together with the caller's own (registration shows every problem in one round trip).
   */
  async newAccountProblems(manager: EntityManager, email: string, password: string): Promise<DomainError[]> {
    const errors: DomainError[] = [];
    const normalised = normaliseEmail(email);
    const problems = passwordProblems(password, normalised);
    if (problems.length) errors.push(new WeakPasswordError(problems));
    if (normalised && (await manager.exists(User, { where: { email: normalised } }))) errors.push(new EmailTakenError());
    return errors;
  }

  /** Creates an account inside the caller's transaction (registration, admin pages, seeding). */
  async createUser(manager: EntityManager, actor: Actor, input: NewUser): Promise<User> {
    const email = normaliseEmail(input.email);
    const problems = passwordProblems(input.password, email);
    if (problems.length) throw new WeakPasswordError(problems);
    const roleProblem = roleSetProblem(input.roles, Boolean(input.organisationId));
    if (roleProblem) throw new RoleSetError(roleProblem);
    if (await manager.exists(User, { where: { email } })) throw new EmailTakenError();
    const passwordHash = await hashPassword(input.password);
    let saved: User;
    try {
      const rows = (await manager.query(
        `INSERT INTO users (email, display_name, password_hash, roles, organisation_id, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [email, input.displayName.trim(), passwordHash, input.roles, input.organisationId ?? null, input.mustChangePassword ?? false],
      )) as { id: string }[];
      saved = (await manager.findOneByOrFail(User, { id: rows[0].id }))!;
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new EmailTakenError();
      throw error;
    }
    await this.audit.record(manager, actor, {
      action: 'user.created',
      entityType: 'user',
      entityId: saved.id,
      after: { email, displayName: saved.displayName, roles: saved.roles, organisationId: saved.organisationId },
    });
    return saved;
  }

  /**
   * First start: creates the admin named by ADMIN_EMAIL/ADMIN_PASSWORD unless an active admin
   * exists. Returns whether one was created.
   */
  async ensureBootstrapAdmin(actor: Actor, email: string, password: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users.bootstrap_admin'))`);
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM users WHERE is_active AND 'admin' = ANY(roles)`)) as { count: number }[];
      if (count > 0) return false;
      await this.createUser(manager, actor, { email, displayName: 'Administrator', password, roles: ['admin'] });
      return true;
    });
  }

  async findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }

  async getById(id: string): Promise<User> {
    const user = isUuid(id) ? await this.findById(id) : null;
    if (!user) throw new UserNotFoundError();
    return user;
  }

  async listUsers(filter: { q?: string; role?: string; organisationId?: string } = {}): Promise<User[]> {
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u').orderBy('u.created_at', 'DESC').limit(500);
    if (filter.q) qb.andWhere('(u.email ILIKE :q OR u.display_name ILIKE :q)', { q: `%${filter.q.replace(/[\\%_]/g, '\\$&')}%` });
    if (filter.role) qb.andWhere(':role = ANY(u.roles)', { role: filter.role });
    if (filter.organisationId) qb.andWhere('u.organisation_id = :org', { org: filter.organisationId });
    return qb.getMany();
  }

  /**
   * Checks a sign-in. Failures count against the account; after `loginMaxFailures` the account
   * is locked for `loginLockMinutes` (the database clock decides). Unknown emails take as long
   * as known ones.
   */
  async authenticate(emailInput: string, password: string, actor: Actor): Promise<SessionUser> {
    const email = normaliseEmail(emailInput ?? '');
    // A failed attempt must commit its counter before refusing, so the transaction returns
    // the outcome instead of throwing.
    type Outcome = { user: SessionUser } | { error: Error };
    const outcome = await this.dataSource.transaction(async (manager): Promise<Outcome> => {
      const user = await manager.createQueryBuilder(User, 'u').addSelect('u.password_hash', 'u_password_hash').setLock('pessimistic_write').where('u.email = :email', { email }).getOne();
      if (!user || !user.isActive) {
        await dummyVerify(password ?? '');
        throw new InvalidCredentialsError();
      }
      const now = await this.clock.now(manager);
      if (user.lockedUntil && user.lockedUntil > now) throw new AccountLockedError(user.lockedUntil);
      const ok = await verifyPassword(user.passwordHash, password ?? '');
      if (!ok) {
        const failures = user.failedLoginCount + 1;
        const lock = failures >= this.config.identity.loginMaxFailures;
        const lockedUntil = lock ? new Date(now.getTime() + this.config.identity.loginLockMinutes * 60_000) : null;
        await manager.update(User, { id: user.id }, { failedLoginCount: lock ? 0 : failures, lockedUntil });
        await this.audit.record(manager, actor, {
          action: lock ? 'user.locked' : 'user.sign_in_failed',
          entityType: 'user',
          entityId: user.id,
          details: { failures, lockedUntil },
        });
        return { error: lock ? new AccountLockedError(lockedUntil!) : new InvalidCredentialsError() };
      }
      await manager.update(User, { id: user.id }, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
      await this.audit.record(manager, { ...actor, userId: user.id, roles: user.roles }, { action: 'user.signed_in', entityType: 'user', entityId: user.id });
      return { user: toSessionUser(user) };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.user;
  }

  async changePassword(actor: Actor, userId: string, current: string, next: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.createQueryBuilder(User, 'u').addSelect('u.password_hash', 'u_password_hash').setLock('pessimistic_write').where('u.id = :id', { id: userId }).getOne();
      if (!user) throw new UserNotFoundError();
      if (!(await verifyPassword(user.passwordHash, current))) {
        throw new WeakPasswordError(['validation.currentPasswordWrong'], 'currentPassword');
      }
      await this.setPassword(manager, actor, user, next, 'user.password_changed');
      await this.tellPasswordChanged(manager, user.id);
    });
  }

  /** Account security: the owner hears of every password change (an essential email, never turned off). */
  private async tellPasswordChanged(manager: EntityManager, userId: string): Promise<void> {
    await this.notifications.notify(manager, {
      recipients: { userIds: [userId] },
      kind: 'account.password_changed',
      titleKey: 'identity.notifications.passwordChanged',
      link: '/account/password',
    });
  }

  /** The language the user's email is written in: remembered when they switch the site's language. */
  async setPreferredLocale(userId: string, locale: Locale): Promise<void> {
    await this.dataSource.query(`UPDATE users SET preferred_locale = $2 WHERE id = $1 AND preferred_locale <> $2`, [userId, locale]);
  }

  /** Issues a one-time reset token; the plain token is returned once and only its hash is kept. */
  async issueResetToken(actor: Actor, userId: string): Promise<{ token: string; expiresAt: Date }> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(User, { id: userId });
      if (!user) throw new UserNotFoundError();
      const token = randomBytes(32).toString('base64url');
      const now = await this.clock.now(manager);
      const expiresAt = new Date(now.getTime() + RESET_TOKEN_HOURS * 3600_000);
      // A new token supersedes the ones not used yet.
      await manager.query(`UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, [userId, now]);
      await manager.insert(PasswordResetToken, { userId, tokenHash: sha256(token), createdBy: actor.userId, expiresAt });
      await this.audit.record(manager, actor, { action: 'user.password_reset_issued', entityType: 'user', entityId: userId, details: { expiresAt } });
      return { token, expiresAt };
    });
  }

  async resetPassword(actor: Actor, token: string, next: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const row = await manager
        .createQueryBuilder(PasswordResetToken, 't')
        .setLock('pessimistic_write')
        .where('t.token_hash = :hash', { hash: sha256(token ?? '') })
        .getOne();
      const now = await this.clock.now(manager);
      if (!row || row.usedAt || row.expiresAt <= now) throw new InvalidResetTokenError();
      const user = await manager.findOneByOrFail(User, { id: row.userId });
      await this.setPassword(manager, { ...actor, userId: user.id, roles: user.roles }, user, next, 'user.password_reset');
      await manager.update(PasswordResetToken, { id: row.id }, { usedAt: now });
      await manager.update(User, { id: user.id }, { failedLoginCount: 0, lockedUntil: null });
      await this.tellPasswordChanged(manager, user.id);
    });
  }

  async checkResetToken(token: string): Promise<boolean> {
    const row = await this.dataSource.getRepository(PasswordResetToken).findOneBy({ tokenHash: sha256(token ?? '') });
    return Boolean(row && !row.usedAt && row.expiresAt > new Date());
  }

  async setActive(actor: Actor, userId: string, isActive: boolean): Promise<User> {
    return this.dataSource.transaction(async (manager) => {
      const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
      if (!user) throw new UserNotFoundError();
      if (user.isActive === isActive) return user;
      if (!isActive && user.roles.includes('admin')) {
        // Serialise admin deactivations so two admins cannot deactivate each other at once.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users.admin_count'))`);
        const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM users WHERE is_active AND 'admin' = ANY(roles) AND id <> $1`, [userId])) as { count: number }[];
        if (count === 0) throw new LastAdminError();
      }
      await manager.update(User, { id: userId }, { isActive });
      if (!isActive) await manager.query(`DELETE FROM user_sessions WHERE sess->'passport'->'user'->>'id' = $1`, [userId]);
      await this.audit.record(manager, actor, {
        action: isActive ? 'user.reactivated' : 'user.deactivated',
        entityType: 'user',
        entityId: userId,
        before: { isActive: !isActive },
        after: { isActive },
      });
      return { ...user, isActive };
    });
  }

  async setRoles(manager: EntityManager, actor: Actor, userId: string, roles: string[]): Promise<void> {
    const user = await manager.findOne(User, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new UserNotFoundError();
    const problem = roleSetProblem(roles, Boolean(user.organisationId));
    if (problem) throw new RoleSetError(problem);
    await manager.update(User, { id: userId }, { roles });
    await this.audit.record(manager, actor, { action: 'user.roles_changed', entityType: 'user', entityId: userId, before: { roles: user.roles }, after: { roles } });
  }

  private async setPassword(manager: EntityManager, actor: Actor, user: User, next: string, action: string): Promise<void> {
    const problems = passwordProblems(next, user.email);
    if (problems.length) throw new WeakPasswordError(problems, 'newPassword');
    const now = await this.clock.now(manager);
    await manager.update(User, { id: user.id }, { passwordHash: await hashPassword(next), passwordChangedAt: now, mustChangePassword: false });
    // Every other session of this user ends.
    await manager.query(`DELETE FROM user_sessions WHERE sess->'passport'->'user'->>'id' = $1`, [user.id]);
    await this.audit.record(manager, actor, { action, entityType: 'user', entityId: user.id });
  }
}

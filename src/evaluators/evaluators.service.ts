import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not, Repository } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Clock } from '../common/clock/clock';
import { DashboardRegistry, DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { OneTimeLink, unusablePassword } from '../identity/admin-users.service';
import { registerModulePartials } from '../identity/admin-views';
import { IdentityService } from '../identity/identity.service';
import { Organisation, OrganisationStatus } from '../organisations/organisation.entity';
import { IsoDate, calendarDate, conflictWindowStart } from './domain/conflicts';
import { normaliseExpertise } from './domain/expertise';
import { RelationshipKind, declarationProblems, endingProblems } from './domain/relationships';
import { EvaluatorProfile } from './evaluator-profile.entity';
import { EvaluatorRelationship } from './evaluator-relationship.entity';
import {
  EvaluatorInputError,
  EvaluatorNotFoundError,
  RelationshipAlreadyDeclaredError,
  RelationshipAlreadyEndedError,
  RelationshipNotFoundError,
  UnknownCategoriesError,
  UnknownOrganisationError,
} from './evaluators.errors';

/** An evaluator as other modules see them. */
export interface EvaluatorView {
  userId: string;
  displayName: string;
  email: string;
  /** Catalogue category codes. */
  expertise: string[];
  employer: string;
  title: string | null;
  phone: string | null;
  bio: string | null;
  /** In the pool (the admin's switch on the profile). */
  isActive: boolean;
  /** The account may sign in. */
  isAccountActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvaluatorListRow extends EvaluatorView {
  openRelationships: number;
}

/** A relationship that keeps an evaluator away from an organisation's bids and milestones. */
export interface EvaluatorConflict {
  relationshipId: string;
  evaluatorId: string;
  organisationId: string;
  kind: RelationshipKind;
  startedOn: IsoDate;
  endedOn: IsoDate | null;
}

export interface RelationshipView extends EvaluatorConflict {
  organisationName: string;
  creditCode: string;
  note: string | null;
  declaredBy: string | null;
  declaredByName: string | null;
  createdAt: Date;
}

export interface OrganisationOption {
  id: string;
  nameZh: string;
  creditCode: string;
}

export interface ProfileInput {
  expertise: string[];
  employer: string;
  title?: string | null;
  phone?: string | null;
  bio?: string | null;
}

export interface NewEvaluator extends ProfileInput {
  email: string;
  displayName: string;
}

export interface RelationshipInput {
  organisationId: string;
  kind: string;
  startedOn: string;
  note?: string | null;
}

export interface EvaluatorFilter {
  category?: string;
  /** Substring of the name, email or employer. */
  q?: string;
  status?: 'active' | 'inactive';
  page: number;
  pageSize: number;
}

/** Organisations no relationship is declared with: unsubmitted drafts and refused applications. */
const HIDDEN_ORGANISATION_STATUSES: OrganisationStatus[] = ['draft', 'rejected'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

const PROFILE_FIELDS = ['expertise', 'employer', 'title', 'phone', 'bio'] as const;

type ProfileValues = Pick<EvaluatorProfile, (typeof PROFILE_FIELDS)[number]>;

interface EvaluatorRecord {
  user_id: string;
  display_name: string;
  email: string;
  expertise: string[];
  employer: string;
  title: string | null;
  phone: string | null;
  bio: string | null;
  is_active: boolean;
  account_active: boolean;
  created_at: Date;
  updated_at: Date;
  open_relationships?: number;
}

const EVALUATOR_SELECT = `
  SELECT p.user_id, u.display_name, u.email, p.expertise, p.employer, p.title, p.phone, p.bio, p.is_active,
         (u.is_active AND 'evaluator' = ANY(u.roles)) AS account_active, p.created_at, p.updated_at
    FROM evaluator_profiles p
    JOIN users u ON u.id = p.user_id`;

function toView(r: EvaluatorRecord): EvaluatorView {
  return {
    userId: r.user_id,
    displayName: r.display_name,
    email: r.email,
    expertise: r.expertise,
    employer: r.employer,
    title: r.title,
    phone: r.phone,
    bio: r.bio,
    isActive: r.is_active,
    isAccountActive: r.account_active,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

interface RelationshipRecord {
  id: string;
  evaluator_id: string;
  organisation_id: string;
  kind: RelationshipKind;
  started_on: string;
  ended_on: string | null;
}

function toConflict(r: RelationshipRecord): EvaluatorConflict {
  return { relationshipId: r.id, evaluatorId: r.evaluator_id, organisationId: r.organisation_id, kind: r.kind, startedOn: r.started_on, endedOn: r.ended_on };
}

function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/**
 * The expert pool: profiles (expertise, employer), and declared relationships with
 * organisations, which make an evaluator conflicted for three years after they end.
 * Later modules draw evaluators with `listActiveEvaluators` and exclude `conflictsFor`.
 */
@Injectable()
export class EvaluatorsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    private readonly identity: IdentityService,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly dashboards: DashboardRegistry,
  ) {}

  onModuleInit(): void {
    registerModulePartials('evaluators');
    this.dashboards.register((user) => this.dashboardWidgets(user));
  }

  // ---- For other modules -------------------------------------------------------------------

  /**
   * Evaluators who may be drawn: in the pool, with an active evaluator account, and (when
   * `categories` is given) expert in at least one of them. An empty `categories` list matches
   * nobody; leave it out to list the whole pool.
   */
  async listActiveEvaluators(filter: { categories?: string[] } = {}): Promise<EvaluatorView[]> {
    if (filter.categories && filter.categories.length === 0) return [];
    const rows = (await this.dataSource.query(
      `${EVALUATOR_SELECT}
        WHERE p.is_active AND u.is_active AND 'evaluator' = ANY(u.roles)
          AND ($1::text[] IS NULL OR p.expertise && $1::text[])
        ORDER BY u.display_name, p.user_id`,
      [filter.categories ?? null],
    )) as EvaluatorRecord[];
    return rows.map(toView);
  }

  /**
   * Relationships between any of `evaluatorIds` and any of `organisationIds` that overlap the
   * three years before `asOf` (domain/conflicts.ts): each one excludes that evaluator from
   * judging that organisation.
   */
  async conflictsFor(evaluatorIds: string[], organisationIds: string[], asOf: Date): Promise<EvaluatorConflict[]> {
    const evaluators = evaluatorIds.filter(isUuid);
    const organisations = organisationIds.filter(isUuid);
    if (evaluators.length === 0 || organisations.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT id, evaluator_id, organisation_id, kind, started_on::text AS started_on, ended_on::text AS ended_on
         FROM evaluator_relationships
        WHERE evaluator_id = ANY($1::uuid[]) AND organisation_id = ANY($2::uuid[])
          AND (ended_on IS NULL OR ended_on >= $3::date)
        ORDER BY evaluator_id, organisation_id, started_on, id`,
      [evaluators, organisations, conflictWindowStart(asOf)],
    )) as RelationshipRecord[];
    return rows.map(toConflict);
  }

  async getProfile(userId: string): Promise<EvaluatorView> {
    const profile = await this.findProfile(userId);
    if (!profile) throw new EvaluatorNotFoundError();
    return profile;
  }

  // ---- Pages -------------------------------------------------------------------------------

  async findProfile(userId: string): Promise<EvaluatorView | null> {
    if (!isUuid(userId)) return null;
    const [row] = (await this.dataSource.query(`${EVALUATOR_SELECT} WHERE p.user_id = $1`, [userId])) as EvaluatorRecord[];
    return row ? toView(row) : null;
  }

  async listProfiles(filter: EvaluatorFilter): Promise<{ data: EvaluatorListRow[]; meta: { page: number; pageSize: number; total: number } }> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filter.category) {
      params.push(filter.category);
      conditions.push(`$${params.length} = ANY(p.expertise)`);
    }
    if (filter.q) {
      params.push(`%${filter.q.replace(/[\\%_]/g, '\\$&')}%`);
      conditions.push(`(u.display_name ILIKE $${params.length} OR u.email ILIKE $${params.length} OR p.employer ILIKE $${params.length})`);
    }
    if (filter.status === 'active') conditions.push('p.is_active');
    if (filter.status === 'inactive') conditions.push('NOT p.is_active');
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [{ total }] = (await this.dataSource.query(
      `SELECT count(*)::int AS total FROM evaluator_profiles p JOIN users u ON u.id = p.user_id ${where}`,
      params,
    )) as { total: number }[];
    const rows = (await this.dataSource.query(
      `SELECT e.*, (SELECT count(*)::int FROM evaluator_relationships r WHERE r.evaluator_id = e.user_id AND r.ended_on IS NULL) AS open_relationships
         FROM (${EVALUATOR_SELECT} ${where}) e
        ORDER BY e.display_name, e.user_id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.pageSize, (filter.page - 1) * filter.pageSize],
    )) as EvaluatorRecord[];
    return {
      data: rows.map((r) => ({ ...toView(r), openRelationships: r.open_relationships ?? 0 })),
      meta: { page: filter.page, pageSize: filter.pageSize, total },
    };
  }

  /** Accounts with the evaluator role but no profile yet: they cannot be drawn until one is made. */
  async listAccountsWithoutProfile(): Promise<{ userId: string; displayName: string; email: string }[]> {
    const rows = (await this.dataSource.query(
      `SELECT u.id, u.display_name, u.email FROM users u
        WHERE u.is_active AND 'evaluator' = ANY(u.roles)
          AND NOT EXISTS (SELECT 1 FROM evaluator_profiles p WHERE p.user_id = u.id)
        ORDER BY u.display_name, u.id LIMIT 100`,
    )) as { id: string; display_name: string; email: string }[];
    return rows.map((r) => ({ userId: r.id, displayName: r.display_name, email: r.email }));
  }

  /** An evaluator account (any state), for the page that makes its missing profile. */
  async findEvaluatorAccount(userId: string): Promise<{ userId: string; displayName: string; email: string; isActive: boolean } | null> {
    if (!isUuid(userId)) return null;
    const [row] = (await this.dataSource.query(
      `SELECT id, display_name, email, is_active FROM users WHERE id = $1 AND 'evaluator' = ANY(roles)`,
      [userId],
    )) as { id: string; display_name: string; email: string; is_active: boolean }[];
    return row ? { userId: row.id, displayName: row.display_name, email: row.email, isActive: row.is_active } : null;
  }

  /** Relationships of one evaluator, open ones first, newest first. */
  async listRelationships(evaluatorId: string): Promise<RelationshipView[]> {
    if (!isUuid(evaluatorId)) return [];
    const rows = (await this.dataSource.query(
      `SELECT r.id, r.evaluator_id, r.organisation_id, r.kind, r.started_on::text AS started_on, r.ended_on::text AS ended_on,
              r.note, r.declared_by, d.display_name AS declared_by_name, r.created_at,
              o.name_zh AS organisation_name, o.credit_code
         FROM evaluator_relationships r
         JOIN organisations o ON o.id = r.organisation_id
         LEFT JOIN users d ON d.id = r.declared_by
        WHERE r.evaluator_id = $1
        ORDER BY (r.ended_on IS NULL) DESC, r.started_on DESC, r.created_at DESC`,
      [evaluatorId],
    )) as (RelationshipRecord & { note: string | null; declared_by: string | null; declared_by_name: string | null; created_at: Date; organisation_name: string; credit_code: string })[];
    return rows.map((r) => ({
      ...toConflict(r),
      organisationName: r.organisation_name,
      creditCode: r.credit_code,
      note: r.note,
      declaredBy: r.declared_by,
      declaredByName: r.declared_by_name,
      createdAt: r.created_at,
    }));
  }

  /**
   * The organisations a relationship can be declared with, by name: every one that has applied
   * and is not refused (it may bid, or may come to). Drafts stay private to their organisation.
   */
  async organisationOptions(): Promise<OrganisationOption[]> {
    return this.organisations.find({
      select: { id: true, nameZh: true, creditCode: true },
      where: { status: Not(In(HIDDEN_ORGANISATION_STATUSES)) },
      order: { nameZh: 'ASC', creditCode: 'ASC' },
    });
  }

  /** The database clock, which decides "today" for relationships and conflicts. */
  async now(): Promise<Date> {
    return this.clock.now(this.dataSource.manager);
  }

  // ---- Use cases ---------------------------------------------------------------------------

  /**
   * Creates the evaluator's account (role `evaluator`, no usable password) and profile in one
   * transaction, then issues the one-time set-password link for the admin to hand over.
   */
  async createEvaluator(actor: Actor, input: NewEvaluator): Promise<OneTimeLink> {
    const known = await this.catalogue.activeCategoryCodes();
    const user = await this.dataSource.transaction(async (manager) => {
      const created = await this.identity.createUser(manager, actor, {
        email: input.email,
        displayName: input.displayName,
        password: unusablePassword(input.email),
        roles: ['evaluator'],
        mustChangePassword: true,
      });
      // Refused expertise rolls the account back with it.
      await this.insertProfile(manager, actor, created.id, this.profileValues(input, known));
      return created;
    });
    const { token, expiresAt } = await this.identity.issueResetToken(actor, user.id);
    return { userId: user.id, email: user.email, displayName: user.displayName, token, expiresAt };
  }

  /**
   * Saves an evaluator's profile: changes the fields that differ, or creates the profile of an
   * evaluator account that has none yet (one given the role on the account pages).
   */
  async saveProfile(actor: Actor, userId: string, input: ProfileInput): Promise<void> {
    const known = await this.catalogue.activeCategoryCodes();
    const next = this.profileValues(input, known);
    if (!isUuid(userId)) throw new EvaluatorNotFoundError();
    await this.dataSource.transaction(async (manager) => {
      // The account row is locked first, so two admins creating the same profile take turns.
      const [account] = (await manager.query(`SELECT roles FROM users WHERE id = $1 FOR UPDATE`, [userId])) as { roles: string[] }[];
      const profile = await manager.findOne(EvaluatorProfile, { where: { userId }, lock: { mode: 'pessimistic_write' } });
      if (!profile) {
        if (!account?.roles.includes('evaluator')) throw new EvaluatorNotFoundError();
        await this.insertProfile(manager, actor, userId, next);
        return;
      }
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      for (const field of PROFILE_FIELDS) {
        if (JSON.stringify(profile[field]) !== JSON.stringify(next[field])) {
          before[field] = profile[field];
          after[field] = next[field];
        }
      }
      if (Object.keys(after).length === 0) return;
      await manager.update(EvaluatorProfile, { userId: profile.userId }, { ...after, updatedAt: await this.clock.now(manager) });
      await this.audit.record(manager, actor, { action: 'evaluator_profile.updated', entityType: 'evaluator_profile', entityId: profile.userId, before, after });
    });
  }

  /** Takes the evaluator out of the pool (or back in); their account is not touched. */
  async setProfileActive(actor: Actor, userId: string, isActive: boolean): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const profile = await this.lockProfile(manager, userId);
      if (profile.isActive === isActive) return;
      await manager.update(EvaluatorProfile, { userId: profile.userId }, { isActive, updatedAt: await this.clock.now(manager) });
      await this.audit.record(manager, actor, {
        action: isActive ? 'evaluator_profile.reactivated' : 'evaluator_profile.deactivated',
        entityType: 'evaluator_profile',
        entityId: profile.userId,
        before: { isActive: !isActive },
        after: { isActive },
      });
    });
  }

  /** An admin records a relationship an evaluator has with an organisation. */
  async addRelationship(actor: Actor, evaluatorId: string, input: RelationshipInput): Promise<EvaluatorConflict> {
    return this.declare(actor, evaluatorId, input);
  }

  /** The signed-in evaluator declares a relationship of their own. */
  async declareOwnRelationship(actor: Actor, input: RelationshipInput): Promise<EvaluatorConflict> {
    if (!actor.userId) throw new EvaluatorNotFoundError();
    return this.declare(actor, actor.userId, input);
  }

  /** Ends an open relationship on `endedOn` (not before it started, not after today). */
  async endRelationship(actor: Actor, evaluatorId: string, relationshipId: string, endedOn: string): Promise<void> {
    if (!isUuid(evaluatorId) || !isUuid(relationshipId)) throw new RelationshipNotFoundError();
    await this.dataSource.transaction(async (manager) => {
      const relationship = await manager.findOne(EvaluatorRelationship, {
        where: { id: relationshipId, evaluatorId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!relationship) throw new RelationshipNotFoundError();
      if (relationship.endedOn) throw new RelationshipAlreadyEndedError();
      const today = calendarDate(await this.clock.now(manager));
      const problems = endingProblems(relationship, endedOn, today);
      if (Object.keys(problems).length) throw new EvaluatorInputError(problems);
      await manager.update(EvaluatorRelationship, { id: relationship.id }, { endedOn });
      await this.audit.record(manager, actor, {
        action: 'evaluator_relationship.ended',
        entityType: 'evaluator_relationship',
        entityId: relationship.id,
        before: { endedOn: null },
        after: { endedOn },
        details: { evaluatorId, organisationId: relationship.organisationId },
      });
    });
  }

  // ---- Internals ---------------------------------------------------------------------------

  private profileValues(input: ProfileInput, known: string[]): ProfileValues {
    const { expertise, unknown } = normaliseExpertise(input.expertise ?? [], known);
    if (unknown.length) throw new UnknownCategoriesError(unknown);
    if (expertise.length === 0) throw new EvaluatorInputError({ expertise: ['evaluators.validation.expertiseRequired'] });
    return {
      expertise,
      employer: input.employer.trim(),
      title: emptyToNull(input.title),
      phone: emptyToNull(input.phone),
      bio: emptyToNull(input.bio),
    };
  }

  private async insertProfile(manager: EntityManager, actor: Actor, userId: string, values: ProfileValues): Promise<void> {
    const now = await this.clock.now(manager);
    await manager.insert(EvaluatorProfile, { userId, ...values, isActive: true, createdAt: now, updatedAt: now });
    await this.audit.record(manager, actor, {
      action: 'evaluator_profile.created',
      entityType: 'evaluator_profile',
      entityId: userId,
      after: { expertise: values.expertise, employer: values.employer, title: values.title },
    });
  }

  private async lockProfile(manager: EntityManager, userId: string): Promise<EvaluatorProfile> {
    const profile = isUuid(userId)
      ? await manager.findOne(EvaluatorProfile, { where: { userId }, lock: { mode: 'pessimistic_write' } })
      : null;
    if (!profile) throw new EvaluatorNotFoundError();
    return profile;
  }

  private async declare(actor: Actor, evaluatorId: string, input: RelationshipInput): Promise<EvaluatorConflict> {
    const problems = declarationProblems(input);
    if (Object.keys(problems).length) throw new EvaluatorInputError(problems);
    if (!isUuid(input.organisationId)) throw new UnknownOrganisationError();
    const note = emptyToNull(input.note);
    return this.dataSource.transaction(async (manager) => {
      // Shared lock: the profile stays while the relationship is added; declarations of one
      // evaluator are not serialised against each other (the unique index decides duplicates).
      const profile = isUuid(evaluatorId)
        ? await manager.findOne(EvaluatorProfile, { where: { userId: evaluatorId }, lock: { mode: 'pessimistic_read' } })
        : null;
      if (!profile) throw new EvaluatorNotFoundError();
      if (!(await manager.exists(Organisation, { where: { id: input.organisationId, status: Not(In(HIDDEN_ORGANISATION_STATUSES)) } }))) {
        throw new UnknownOrganisationError();
      }
      const [row] = (await manager.query(
        `INSERT INTO evaluator_relationships (evaluator_id, organisation_id, kind, started_on, note, declared_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (evaluator_id, organisation_id, kind) WHERE ended_on IS NULL DO NOTHING
         RETURNING id`,
        [evaluatorId, input.organisationId, input.kind, input.startedOn, note, actor.userId],
      )) as { id: string }[];
      if (!row) throw new RelationshipAlreadyDeclaredError();
      const declared: EvaluatorConflict = {
        relationshipId: row.id,
        evaluatorId,
        organisationId: input.organisationId,
        kind: input.kind as RelationshipKind,
        startedOn: input.startedOn,
        endedOn: null,
      };
      await this.audit.record(manager, actor, {
        action: 'evaluator_relationship.declared',
        entityType: 'evaluator_relationship',
        entityId: row.id,
        after: { evaluatorId, organisationId: input.organisationId, kind: input.kind, startedOn: input.startedOn, note },
        details: { declaredBy: actor.userId, selfDeclared: actor.userId === evaluatorId },
      });
      return declared;
    });
  }

  private async dashboardWidgets(user: DashboardUser): Promise<DashboardWidget[]> {
    if (!user.roles.includes('evaluator')) return [];
    const profile = await this.findProfile(user.id);
    if (!profile) return [{ titleKey: 'evaluators.dashboard.title', partial: 'evaluators/dashboard-widget', data: { hasProfile: false }, order: 20 }];
    const [categories, [{ open }]] = await Promise.all([
      this.catalogue.listCategories(),
      this.dataSource.query(`SELECT count(*)::int AS open FROM evaluator_relationships WHERE evaluator_id = $1 AND ended_on IS NULL`, [user.id]) as Promise<{ open: number }[]>,
    ]);
    return [
      {
        titleKey: 'evaluators.dashboard.title',
        partial: 'evaluators/dashboard-widget',
        data: {
          hasProfile: true,
          isActive: profile.isActive,
          expertise: categories.filter((c) => profile.expertise.includes(c.code)),
          openRelationships: open,
        },
        order: 20,
      },
    ];
  }
}

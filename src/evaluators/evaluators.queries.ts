import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Not, Repository } from 'typeorm';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Clock } from '../common/clock/clock';
import { DashboardUser, DashboardWidget } from '../common/views/dashboard.registry';
import { isUuid } from '../common/validation/uuid';
import { Organisation } from '../organisations/organisation.entity';
import { EvaluatorsService, HIDDEN_ORGANISATION_STATUSES, OrganisationOption, RelationshipRecord, RelationshipView, toConflict } from './evaluators.service';

/** Page data of the expert pool: accounts without a profile, relationships, organisation options, the dashboard widget. */
@Injectable()
export class EvaluatorsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organisation) private readonly organisations: Repository<Organisation>,
    private readonly evaluators: EvaluatorsService,
    private readonly catalogue: CatalogueService,
    private readonly clock: Clock,
  ) {}

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
    const [row] = (await this.dataSource.query(`SELECT id, display_name, email, is_active FROM users WHERE id = $1 AND 'evaluator' = ANY(roles)`, [userId])) as {
      id: string;
      display_name: string;
      email: string;
      is_active: boolean;
    }[];
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
         JOIN organisation_labels o ON o.id = r.organisation_id
         LEFT JOIN user_names d ON d.id = r.declared_by
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

  async dashboardWidgets(user: DashboardUser): Promise<DashboardWidget[]> {
    if (!user.roles.includes('evaluator')) return [];
    const profile = await this.evaluators.findProfile(user.id);
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

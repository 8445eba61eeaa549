import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/validation/uuid';
import { OrganisationStatus } from '../organisations/organisation.entity';
import { IsoDate, conflictWindowStart } from './domain/conflicts';
import { RelationshipKind } from './domain/relationships';
import { EvaluatorNotFoundError } from './evaluators.errors';

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
export const HIDDEN_ORGANISATION_STATUSES: OrganisationStatus[] = ['draft', 'rejected'];

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

export interface RelationshipRecord {
  id: string;
  evaluator_id: string;
  organisation_id: string;
  kind: RelationshipKind;
  started_on: string;
  ended_on: string | null;
}

export function toConflict(r: RelationshipRecord): EvaluatorConflict {
  return { relationshipId: r.id, evaluatorId: r.evaluator_id, organisationId: r.organisation_id, kind: r.kind, startedOn: r.started_on, endedOn: r.ended_on };
}

export function emptyToNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value.trim();
}

/**
 * The expert pool as other modules and the pool's pages read it: profiles (expertise, employer)
 * and declared relationships with organisations, which make an evaluator conflicted for three
 * years after they end. Later modules draw evaluators with `listActiveEvaluators` and exclude
 * `conflictsFor`. Profiles change in EvaluatorProfilesService, relationships in
 * EvaluatorRelationshipsService.
 */
@Injectable()
export class EvaluatorsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM evaluator_profiles p JOIN users u ON u.id = p.user_id ${where}`, params)) as { total: number }[];
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
}

import { EntityManager } from 'typeorm';
import type { EligibilityOrganisation } from './domain/eligibility';
import { isUuid } from '../common/validation/uuid';

export interface OrganisationFacts extends EligibilityOrganisation {
  nameZh: string;
}

/**
 * The registry facts eligibility needs (status, categories, social workers, grade), read from
 * the organisations table. Read-only: the registry itself belongs to the organisations module.
 * With `lock`, the row is share-locked until the caller commits, so a suspension cannot slip in
 * between the check and what depends on it.
 */
export async function loadOrganisationFacts(manager: EntityManager, id: string, lock = false): Promise<OrganisationFacts | null> {
  if (!isUuid(id)) return null;
  const rows = (await manager.query(`SELECT id, name_zh, status, service_categories, social_worker_count, evaluation_grade FROM organisations WHERE id = $1${lock ? ' FOR SHARE' : ''}`, [
    id,
  ])) as Array<{ id: string; name_zh: string; status: string; service_categories: string[]; social_worker_count: number; evaluation_grade: string }>;
  const r = rows[0];
  return r ? { id: r.id, nameZh: r.name_zh, status: r.status, serviceCategories: r.service_categories, socialWorkerCount: r.social_worker_count, evaluationGrade: r.evaluation_grade } : null;
}

/** Approved organisations, for the single-source invitation. */
export async function listApprovedOrganisations(manager: EntityManager): Promise<Array<{ id: string; nameZh: string }>> {
  const rows = (await manager.query(`SELECT id, name_zh FROM organisations WHERE status = 'approved' ORDER BY name_zh`)) as Array<{ id: string; name_zh: string }>;
  return rows.map((r) => ({ id: r.id, nameZh: r.name_zh }));
}

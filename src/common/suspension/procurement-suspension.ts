import { EntityManager } from 'typeorm';
import { DomainError } from '../errors/domain.error';
import { formatDateTime } from '../views/view-helpers';
import { raisedHint } from '../errors/pg-error';

/**
 * A procurement suspended by the finance department while it handles a complaint (财政部令第94号
 * 第二十八条; the complaints module orders and lifts it). While in force, no award, no contract or
 * contract confirmation, no approval or payment of a disbursement of the project. The database
 * refuses each of them (triggers from migration CreateComplaintsAndSuspensions); services check
 * first, under their own row locks, so people get this message rather than a refused COMMIT.
 */
export class ProcurementSuspendedError extends DomainError {
  constructor(until?: Date | null) {
    super('PROCUREMENT.SUSPENDED', 'The finance department has suspended this procurement', 'rule', undefined, 'complaints.errors.suspended', {
      until: until ? formatDateTime(until) : '',
    });
  }
}

/** Refuses when a suspension of the project is in force on the database clock. */
export async function assertNotSuspended(manager: EntityManager, projectId: string): Promise<void> {
  const [row] = (await manager.query(`SELECT max(ends_at) AS until FROM procurement_suspensions WHERE project_id = $1 AND lifted_at IS NULL AND app_now() < ends_at`, [projectId])) as Array<{
    until: Date | null;
  }>;
  if (row?.until) throw new ProcurementSuspendedError(row.until);
}

/** The database's refusal (SQLSTATE P0001, HINT PROCUREMENT.SUSPENDED), e.g. when a suspension is ordered mid-request. */
export function isSuspendedAtDatabase(error: unknown): boolean {
  return raisedHint(error) === 'PROCUREMENT.SUSPENDED';
}

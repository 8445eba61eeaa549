import { EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor';
import { Organisation } from './organisation.entity';
import { OrganisationNotFoundError } from './organisations.errors';
import { isUuid } from '../common/validation/uuid';

/** Shared by this module's services; not exported from the module. */

export const OWNER_TYPE = 'organisation';

/** The organisation row, locked FOR UPDATE until the transaction ends; not found for a malformed id. */
export async function lockOrganisation(manager: EntityManager, id: string): Promise<Organisation> {
  const organisation = isUuid(id) ? await manager.findOne(Organisation, { where: { id }, lock: { mode: 'pessimistic_write' } }) : null;
  if (!organisation) throw new OrganisationNotFoundError();
  return organisation;
}

/** The organisation the actor acts for; others' ids never come from the request. */
export function ownOrganisationId(actor: Actor): string {
  if (!actor.organisationId) throw new OrganisationNotFoundError();
  return actor.organisationId;
}

/** The fields an audit event shows for a change: those whose value differs, before and after. */
export function changedFields<T extends object>(before: T, after: Partial<T>): { before: Partial<T>; after: Partial<T> } | null {
  const was: Partial<T> = {};
  const now: Partial<T> = {};
  for (const key of Object.keys(after) as Array<keyof T>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      was[key] = before[key];
      now[key] = after[key];
    }
  }
  return Object.keys(now).length ? { before: was, after: now } : null;
}

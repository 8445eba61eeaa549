import { Actor } from '../audit/actor';
import { ChairOnlyError, DeclarationRequiredError, NotOnCommitteeError } from './evaluation.errors';
import { MemberRecord } from './evaluation.records';

/**
 * Who may see and do what in an evaluation (ownership is checked here, roles by the guard):
 * bureau staff and auditors read everything (with organisation names); committee members read
 * only once they have declared, and only the anonymised bids; everyone else nothing.
 */
export const STAFF_READERS = ['bureau_officer', 'bureau_approver', 'auditor'] as const;
export const MEMBER_ROLES = ['evaluator', 'bureau_officer', 'bureau_approver'] as const;

export function isStaffReader(roles: readonly string[]): boolean {
  return roles.some((r) => (STAFF_READERS as readonly string[]).includes(r));
}

export function isOfficer(roles: readonly string[]): boolean {
  return roles.includes('bureau_officer');
}

/** The actor's seat, or null (recused members no longer sit). */
export function seatOf(members: readonly MemberRecord[], userId: string | null): MemberRecord | null {
  const me = members.find((m) => m.userId === userId);
  return me && me.status !== 'recused' ? me : null;
}

/** A sitting member (declared or not). */
export function requireSeat(members: readonly MemberRecord[], actor: Pick<Actor, 'userId'>): MemberRecord {
  const me = seatOf(members, actor.userId);
  if (!me) throw new NotOnCommitteeError();
  return me;
}

/** A sitting member who has signed the declaration: the only members who see bids. */
export function requireDeclaredSeat(members: readonly MemberRecord[], actor: Pick<Actor, 'userId'>): MemberRecord {
  const me = requireSeat(members, actor);
  if (me.status !== 'declared') throw new DeclarationRequiredError();
  return me;
}

/** The officer running the evaluation, or a declared member (qualification review, low-price decisions when `chairOnly`). */
export function requireOfficerOrMember(members: readonly MemberRecord[], actor: Actor, options: { chairOnly?: boolean } = {}): { asOfficer: boolean; seat: MemberRecord | null } {
  const seat = seatOf(members, actor.userId);
  if (seat) {
    if (seat.status !== 'declared') throw new DeclarationRequiredError();
    if (!options.chairOnly || seat.isChair) return { asOfficer: false, seat };
  }
  if (isOfficer(actor.roles)) return { asOfficer: true, seat };
  if (seat) throw new ChairOnlyError();
  throw new NotOnCommitteeError();
}

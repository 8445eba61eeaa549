import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { IdentityService } from '../identity/identity.service';
import { passwordProblems } from '../identity/domain/password-policy';
import { User } from '../identity/user.entity';
import { OWNER_TYPE, lockOrganisation, ownOrganisationId } from './organisation.records';
import { CannotDeactivateSelfError, LastOrgAdminError, MemberInactiveError, MemberNotFoundError } from './organisations.errors';
import { isUuid } from '../common/validation/uuid';

export interface AddedMember {
  member: User;
  /** The one-time set-password token (/password-reset/<token>); shown once, only its hash is kept. */
  token: string;
  expiresAt: Date;
}

/**
 * A password nobody knows: the colleague sets their own through the one-time link. It still
 * satisfies the policy (IdentityService checks it like any other).
 */
export function unusablePassword(email: string): string {
  for (;;) {
    const candidate = `${randomBytes(24).toString('base64url')}-Aa1`;
    if (passwordProblems(candidate, email).length === 0) return candidate;
  }
}

/**
 * The organisation's colleagues, managed by its administrator (org_admin). Member changes of one
 * organisation are serialised by a lock on its row, so two administrators cannot deactivate each
 * other at the same moment.
 */
@Injectable()
export class MembersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly identity: IdentityService,
  ) {}

  /** Creates a colleague's account (org_member, must set a password) and a one-time link to set it. */
  async addMember(actor: Actor, input: { displayName: string; email: string }): Promise<AddedMember> {
    const organisationId = ownOrganisationId(actor);
    const member = await this.dataSource.transaction(async (manager) => {
      await lockOrganisation(manager, organisationId);
      const user = await this.identity.createUser(manager, actor, {
        email: input.email,
        displayName: input.displayName,
        password: unusablePassword(input.email),
        roles: ['org_member'],
        organisationId,
        mustChangePassword: true,
      });
      await this.audit.record(manager, actor, {
        action: 'organisation.member_added',
        entityType: OWNER_TYPE,
        entityId: organisationId,
        details: { userId: user.id, email: user.email, roles: user.roles },
      });
      return user;
    });
    const link = await this.identity.issueResetToken(actor, member.id);
    return { member, ...link };
  }

  /** A new one-time link for a colleague who has not set a password yet (the first expired or was lost). */
  async reissueLink(actor: Actor, userId: string): Promise<AddedMember> {
    const member = await this.colleague(actor, userId);
    if (member.id === actor.userId || !member.mustChangePassword) throw new MemberNotFoundError();
    if (!member.isActive) throw new MemberInactiveError();
    const link = await this.identity.issueResetToken(actor, member.id);
    return { member, ...link };
  }

  /** Deactivates a colleague (their sessions end); never oneself, never the last active org_admin. */
  async deactivateMember(actor: Actor, userId: string): Promise<void> {
    const organisationId = ownOrganisationId(actor);
    await this.dataSource.transaction(async (manager) => {
      await lockOrganisation(manager, organisationId);
      const member = await this.colleague(actor, userId);
      if (member.id === actor.userId) throw new CannotDeactivateSelfError();
      if (!member.isActive) return;
      if (member.roles.includes('org_admin')) {
        const others = (await this.identity.listUsers({ organisationId })).filter((u) => u.isActive && u.roles.includes('org_admin') && u.id !== member.id);
        if (others.length === 0) throw new LastOrgAdminError();
      }
      // IdentityService deactivates in its own transaction (and records user.deactivated); this
      // one keeps the organisation locked until it has, then records the organisation's side.
      await this.identity.setActive(actor, member.id, false);
      await this.audit.record(manager, actor, {
        action: 'organisation.member_deactivated',
        entityType: OWNER_TYPE,
        entityId: organisationId,
        details: { userId: member.id, email: member.email },
      });
    });
  }

  /** A user of the actor's organisation; anyone else is not found. */
  private async colleague(actor: Actor, userId: string): Promise<User> {
    const organisationId = ownOrganisationId(actor);
    const user = isUuid(userId) ? await this.identity.findById(userId) : null;
    if (!user || user.organisationId !== organisationId) throw new MemberNotFoundError();
    return user;
  }
}

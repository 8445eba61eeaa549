import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { CatalogueService } from '../catalogue/catalogue.service';
import { Clock } from '../common/clock/clock';
import { isUuid } from '../common/validation/uuid';
import { OneTimeLink, unusablePassword } from '../identity/admin-users.service';
import { IdentityService } from '../identity/identity.service';
import { normaliseExpertise } from './domain/expertise';
import { EvaluatorProfile } from './evaluator-profile.entity';
import { EvaluatorInputError, EvaluatorNotFoundError, UnknownCategoriesError } from './evaluators.errors';
import { NewEvaluator, ProfileInput, emptyToNull } from './evaluators.service';

const PROFILE_FIELDS = ['expertise', 'employer', 'title', 'phone', 'bio'] as const;

type ProfileValues = Pick<EvaluatorProfile, (typeof PROFILE_FIELDS)[number]>;

/** Evaluator profiles: creating an evaluator (account and profile), editing the profile, taking them out of the pool and back. */
@Injectable()
export class EvaluatorProfilesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly identity: IdentityService,
    private readonly catalogue: CatalogueService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

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
    const profile = isUuid(userId) ? await manager.findOne(EvaluatorProfile, { where: { userId }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!profile) throw new EvaluatorNotFoundError();
    return profile;
  }
}

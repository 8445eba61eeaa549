import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { AwardsService } from '../awards/awards.service';
import { checkApproverEligibility } from '../awards/domain/award-rules';
import { workingDayPeriod } from '../awards/domain/working-day-period';
import { periodEndText } from '../awards/period.presenter';
import { translate } from '../i18n/i18n';
import { NotificationsService } from '../notifications/notifications.service';
import { localDateOf } from '../procurement/domain/local-time';
import { FundsService } from '../procurement/funds.service';
import { ProcurementRulesService } from '../procurement/procurement-rules.service';
import { ProjectsService } from '../procurement/projects.service';
import { Contract, ContractItem, ContractMilestone, ContractParties } from './contract.entity';
import { describePaymentTerms } from '../procurement/payment-terms.presenter';
import { renderContractText } from './contract-text';
import { CONTRACTS_CONFIG, ContractsConfig } from './contracts.config';
import {
  AlreadyConfirmedError,
  ChallengePeriodNotOverError,
  ConfirmationNotAllowedError,
  ContractAlreadyExistsError,
  ContractNotAwaitingConfirmationError,
  ContractNotFoundError,
  MilestonePlanError,
  OpenChallengeError,
  ProjectNotAwardedError,
} from './contracts.errors';
import { ContractTermsError, contractReference, milestoneTerms } from './domain/contract-terms';
import { assertNotSuspended } from '../common/suspension/procurement-suspension';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export type ConfirmingParty = 'organisation' | 'approver';

/** What the payments module needs of a contract, under its row lock. */
export interface ContractForPayment {
  contract: Contract;
  /** In position order; amounts sum to contract.amountMinor. */
  milestones: ContractMilestone[];
  fundId: string;
  projectId: string;
}

/**
 * Contracts from awards: generation once the challenge period is over with no challenge open,
 * confirmation by the organisation's administrator and a bureau approver, activation (the fund
 * commitment moves from reserved to committed) and publication on the public board. Exported
 * to the payments module: lockContractForPayment, getContract, milestonesOf.
 */
@Injectable()
export class ContractsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly awards: AwardsService,
    private readonly projects: ProjectsService,
    private readonly funds: FundsService,
    private readonly rules: ProcurementRulesService,
    @Inject(CONTRACTS_CONFIG) private readonly config: ContractsConfig,
  ) {}

  /**
   * Generates the contract of an award: refused before the challenge period has ended and while
   * a challenge awaits its answer (the award row lock keeps a late filing from slipping in).
   */
  async generateContract(actor: Actor, awardId: string): Promise<Contract> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { award, openChallenges, periodEnded, now } = await this.awards.lockAwardForContract(m, awardId);
        if (!periodEnded) throw new ChallengePeriodNotOverError(award.challengePeriodEndsAt);
        if (openChallenges > 0) throw new OpenChallengeError(openChallenges);
        await assertNotSuspended(m, award.projectId);
        if (await m.findOneBy(Contract, { awardId: award.id })) throw new ContractAlreadyExistsError();
        const project = await this.projects.lockProject(m, award.projectId, 'update');
        if (project.status !== 'awarded') throw new ProjectNotAwardedError(project.status);
        const children = await this.projects.loadChildren(m, project.id);

        let milestones;
        try {
          milestones = milestoneTerms(award.priceMinor, children.milestones);
        } catch (error) {
          if (error instanceof ContractTermsError) throw new MilestonePlanError(error.message);
          throw error;
        }
        const items = await this.itemsOf(
          m,
          children.items.map((i) => ({ position: i.position, itemCode: i.itemCode, quantity: i.quantity, notes: i.notes })),
        );
        const parties = await this.partiesOf(m, project.purchaserName, project.purchaserLevel, award.organisationId);
        const deliveryPlan = await this.deliveryPlanOf(m, award.bidId);
        const [{ n }] = (await m.query(`SELECT nextval('contract_reference_seq')::int AS n`)) as Array<{ n: number }>;
        const reference = contractReference(localDateOf(now).slice(0, 4), n);
        const settlementMethod = translate('zh-CN', 'contracts.document.settlementMethod');
        const { text, sha256 } = renderContractText({
          reference,
          project: {
            reference: project.reference,
            title: project.title,
            methodName: translate('zh-CN', `procurement.methods.${project.method}`),
            serviceArea: project.serviceArea.join('、'),
          },
          award: { awardedAt: award.awardedAt, challengePeriodEndText: periodEndText(award.challengePeriodExplanation) },
          parties,
          items,
          serviceStart: project.serviceStart,
          serviceEnd: project.serviceEnd,
          amountMinor: award.priceMinor,
          milestones,
          settlementMethod,
          paymentTerms: describePaymentTerms(project.paymentTerms, 'zh-CN'),
          deliveryPlan,
        });
        const [{ id }] = (await m.query(
          `INSERT INTO contracts (reference, project_id, award_id, organisation_id, fund_id, amount_minor, currency, service_start, service_end,
             items, parties, settlement_method, terms, terms_sha256, status, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, 'awaiting_confirmation', $15) RETURNING id`,
          [
            reference,
            project.id,
            award.id,
            award.organisationId,
            project.fundId,
            award.priceMinor,
            project.currency,
            project.serviceStart,
            project.serviceEnd,
            JSON.stringify(items),
            JSON.stringify(parties),
            settlementMethod,
            text,
            sha256,
            now,
          ],
        )) as Array<{ id: string }>;
        for (const ms of milestones) {
          await m.query(
            `INSERT INTO contract_milestones (contract_id, position, name, due_date, deliverables, share_bp, amount_minor, indicators)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
            [id, ms.position, ms.name, ms.dueDate, ms.deliverables, ms.paymentShareBp, ms.amountMinor, JSON.stringify(ms.indicators)],
          );
        }
        await this.notifications.notify(m, {
          recipients: { organisationIds: [award.organisationId] },
          kind: 'contract.to_confirm',
          titleKey: 'contracts.notifications.toConfirmOrganisation',
          params: { reference, title: project.title },
          link: `/organisation/contracts/${id}`,
        });
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_approver'] },
          kind: 'contract.to_confirm',
          titleKey: 'contracts.notifications.toConfirmApprover',
          params: { reference, title: project.title },
          link: `/staff/contracts/${id}`,
        });
        await this.audit.record(m, actor, {
          action: 'contract.generated',
          entityType: 'contract',
          entityId: id,
          after: {
            status: 'awaiting_confirmation',
            reference,
            amountMinor: award.priceMinor,
            servicePeriod: `${project.serviceStart}..${project.serviceEnd}`,
            milestones: milestones.map((x) => ({ position: x.position, dueDate: x.dueDate, shareBp: x.paymentShareBp, amountMinor: x.amountMinor })),
          },
          details: { awardId: award.id, projectId: project.id, organisationId: award.organisationId, fundId: project.fundId, termsSha256: sha256 },
        });
        return m.findOneByOrFail(Contract, { id });
      });
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23505' && (constraint === 'contracts_award_id_key' || constraint === 'contracts_one_per_project')) throw new ContractAlreadyExistsError();
      throw error;
    }
  }

  /**
   * One side confirms. The second confirmation activates the contract: the fund's reservation
   * for the project becomes the commitment of the contract amount (the rest is released), and
   * the contract is published on the board at once (due within the publication period).
   */
  async confirmContract(actor: Actor, contractId: string, party: ConfirmingParty): Promise<Contract> {
    return this.dataSource.transaction(async (m) => {
      const contract = await this.lockContract(m, contractId);
      const { now } = await this.assertConfirmable(m, actor, contract, party);

      await m.query(
        party === 'organisation'
          ? `UPDATE contracts SET organisation_confirmed_at = $2, organisation_confirmed_by = $3 WHERE id = $1`
          : `UPDATE contracts SET approver_confirmed_at = $2, approver_confirmed_by = $3 WHERE id = $1`,
        [contract.id, now, actor.userId],
      );
      await this.audit.record(m, actor, {
        action: party === 'organisation' ? 'contract.confirmed_by_organisation' : 'contract.confirmed_by_approver',
        entityType: 'contract',
        entityId: contract.id,
        after: { [party === 'organisation' ? 'organisationConfirmedAt' : 'approverConfirmedAt']: now.toISOString() },
        details: { reference: contract.reference, termsSha256: contract.termsSha256.trim(), amountMinor: contract.amountMinor },
      });
      const otherConfirmed = party === 'organisation' ? contract.approverConfirmedAt !== null : contract.organisationConfirmedAt !== null;
      if (otherConfirmed) await this.activate(m, actor, contract, now);
      return m.findOneByOrFail(Contract, { id: contract.id });
    });
  }

  /**
   * Every refusal a confirmation would meet, checked before its confirmation step is shown: nobody
   * confirms and is only then told it was never allowed. The short transaction takes the same
   * locks as `confirmContract`, which checks again.
   */
  async checkConfirmation(actor: Actor, contractId: string, party: ConfirmingParty): Promise<Contract> {
    return this.dataSource.transaction(async (m) => {
      const contract = await this.lockContract(m, contractId);
      await this.assertConfirmable(m, actor, contract, party);
      return contract;
    });
  }

  private async assertConfirmable(m: EntityManager, actor: Actor, contract: Contract, party: ConfirmingParty): Promise<{ now: Date }> {
    await this.assertMayConfirm(m, actor, contract, party);
    if (contract.status !== 'awaiting_confirmation') throw new ContractNotAwaitingConfirmationError(contract.status);
    if ((party === 'organisation' ? contract.organisationConfirmedAt : contract.approverConfirmedAt) !== null) throw new AlreadyConfirmedError();
    // Signing is refused before the challenge period is over or with a challenge open (re-checked here).
    const { award, openChallenges, periodEnded, now } = await this.awards.lockAwardForContract(m, contract.awardId);
    if (!periodEnded) throw new ChallengePeriodNotOverError(award.challengePeriodEndsAt);
    if (openChallenges > 0) throw new OpenChallengeError(openChallenges);
    await assertNotSuspended(m, contract.projectId);
    return { now };
  }

  /**
   * Who may confirm for a party: the organisation's administrator (another organisation's
   * contract does not exist for its members), or an approver who took no part in the procurement.
   * Checked again under the row lock when confirming, and before the confirmation step is shown.
   */
  async assertMayConfirm(m: EntityManager, actor: Actor, contract: Contract, party: ConfirmingParty): Promise<void> {
    if (party === 'organisation') {
      if (!actor.organisationId || actor.organisationId !== contract.organisationId) throw new ContractNotFoundError();
      if (!actor.roles.includes('org_admin')) throw new ConfirmationNotAllowedError('org_admin_required');
    } else {
      const eligibility = checkApproverEligibility(actor, await this.awards.participationOf(m, contract.projectId, actor.userId));
      if (!eligibility.ok) throw new ConfirmationNotAllowedError(eligibility.reason === 'not_approver' ? 'approver_required' : 'approver_took_part');
    }
  }

  private async activate(m: EntityManager, actor: Actor, contract: Contract, now: Date): Promise<void> {
    const project = await this.projects.lockProject(m, contract.projectId, 'update');
    await this.funds.commitForContract(m, actor, contract.fundId, project.id, project.reservedMinor, contract.amountMinor);
    const calendar = await this.rules.loadCalendar(m, localDateOf(now));
    const due = workingDayPeriod(now, this.config.publicationWorkingDays, calendar, 'contract_publication');
    await m.query(`UPDATE contracts SET status = 'active', activated_at = $2, publish_due_at = $3, publish_due_explanation = $4::jsonb, published_at = $2 WHERE id = $1`, [
      contract.id,
      now,
      due.endsAt,
      JSON.stringify(due.explanation),
    ]);
    await this.notifications.notify(m, {
      recipients: { organisationIds: [contract.organisationId], roles: ['bureau_officer'] },
      kind: 'contract.activated',
      titleKey: 'contracts.notifications.activated',
      params: { reference: contract.reference, title: project.title },
      link: `/notices/contracts/${contract.reference}`,
    });
    await this.audit.record(m, actor, {
      action: 'contract.activated',
      entityType: 'contract',
      entityId: contract.id,
      before: { status: 'awaiting_confirmation' },
      after: { status: 'active', activatedAt: now.toISOString(), publishedAt: now.toISOString(), publishDueAt: due.endsAt.toISOString() },
      details: { fundId: contract.fundId, committedMinor: contract.amountMinor, reservationMinor: project.reservedMinor, releasedMinor: project.reservedMinor - contract.amountMinor },
    });
  }

  // ── Reads (also for the payments module) ────────────────────────────────────────────────────

  async lockContract(m: EntityManager, contractId: string): Promise<Contract> {
    const contract = isUuid(contractId) ? await m.findOne(Contract, { where: { id: contractId }, lock: { mode: 'pessimistic_write' } }) : null;
    if (!contract) throw new ContractNotFoundError();
    return contract;
  }

  /** One milestone locked FOR UPDATE in the caller's transaction (service evaluation), or null. */
  async lockMilestone(manager: EntityManager, contractId: string, position: number): Promise<ContractMilestone | null> {
    return manager.findOne(ContractMilestone, { where: { contractId, position }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The contract and its milestones locked FOR UPDATE in the caller's transaction, for a
   * disbursement: what is due per milestone, and the fund to pay it from.
   */
  async lockContractForPayment(manager: EntityManager, contractId: string): Promise<ContractForPayment> {
    const contract = await this.lockContract(manager, contractId);
    const milestones = await manager.find(ContractMilestone, { where: { contractId: contract.id }, order: { position: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    return { contract, milestones, fundId: contract.fundId, projectId: contract.projectId };
  }

  async getContract(contractId: string, manager: EntityManager = this.dataSource.manager): Promise<Contract> {
    const contract = isUuid(contractId) ? await manager.findOneBy(Contract, { id: contractId }) : null;
    if (!contract) throw new ContractNotFoundError();
    return contract;
  }

  async findByAward(awardId: string): Promise<Contract | null> {
    return isUuid(awardId) ? this.dataSource.manager.findOneBy(Contract, { awardId }) : null;
  }

  /** Milestones in position order, with amounts that sum to the contract amount. */
  async milestonesOf(contractId: string, manager: EntityManager = this.dataSource.manager): Promise<ContractMilestone[]> {
    return manager.find(ContractMilestone, { where: { contractId }, order: { position: 'ASC' } });
  }

  private async itemsOf(m: EntityManager, rows: Array<{ position: number; itemCode: string; quantity: number; notes: string | null }>): Promise<ContractItem[]> {
    const catalogue = (await m.query(`SELECT code, name_zh, name_en, unit_zh, unit_en FROM catalogue_items WHERE code = ANY($1::text[])`, [rows.map((r) => r.itemCode)])) as Array<{
      code: string;
      name_zh: string;
      name_en: string;
      unit_zh: string;
      unit_en: string;
    }>;
    const byCode = new Map(catalogue.map((c) => [c.code, c]));
    return rows.map((r) => {
      const c = byCode.get(r.itemCode);
      return {
        position: r.position,
        itemCode: r.itemCode,
        nameZh: c?.name_zh ?? r.itemCode,
        nameEn: c?.name_en ?? r.itemCode,
        quantity: r.quantity,
        unitZh: c?.unit_zh ?? '',
        unitEn: c?.unit_en ?? '',
        notes: r.notes,
      };
    });
  }

  private async partiesOf(m: EntityManager, purchaserName: string, purchaserLevel: string, organisationId: string): Promise<ContractParties> {
    const [o] = (await m.query(`SELECT id, name_zh, credit_code, legal_representative, sub_district, community, street_address FROM organisations WHERE id = $1`, [organisationId])) as Array<{
      id: string;
      name_zh: string;
      credit_code: string;
      legal_representative: string;
      sub_district: string;
      community: string;
      street_address: string;
    }>;
    return {
      purchaser: { name: purchaserName, level: purchaserLevel },
      provider: { organisationId: o.id, name: o.name_zh, creditCode: o.credit_code, legalRepresentative: o.legal_representative, address: `${o.sub_district}${o.community}${o.street_address}` },
    };
  }

  /** The delivery plan the winning bid promised, per milestone (annex of the contract). */
  private async deliveryPlanOf(m: EntityManager, bidId: string): Promise<Array<{ milestone: number; milestoneName: string; plan: string }>> {
    const [row] = (await m.query(`SELECT content FROM opened_bids WHERE bid_id = $1`, [bidId])) as Array<{ content: { deliveryPlan?: unknown } | null }>;
    const plan = row?.content?.deliveryPlan;
    if (!Array.isArray(plan)) return [];
    return (plan as unknown[])
      .filter((p): p is { milestone: number; milestoneName?: string; plan: string } => !!p && typeof p === 'object' && typeof (p as { plan?: unknown }).plan === 'string')
      .map((p) => ({ milestone: Number(p.milestone), milestoneName: String(p.milestoneName ?? ''), plan: p.plan }));
  }
}

import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { AwardsService } from '../awards/awards.service';
import { STAFF_READERS } from '../awards/awards.queries';
import { hasEnded } from '../awards/domain/working-day-period';
import { periodEndText } from '../awards/period.presenter';
import { Clock } from '../common/clock/clock';
import { ConfirmationPage } from '../common/http/confirmation';
import { FormContextProvider } from '../common/http/form-context.registry';
import { Locale } from '../i18n/i18n';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { Contract, ContractVariation } from './contract.entity';
import { presentContract, presentLimits, presentVariation } from './contract.presenter';
import { ContractNotFoundError } from './contracts.errors';
import { ContractsService } from './contracts.service';
import { CONTRACT_REFERENCE } from './domain/contract-terms';
import { VARIATION_KINDS, isUnpaid } from './domain/variations';
import { VariationsService } from './variations.service';
import { forRoles } from '../identity/form-contexts';

/** Page contexts of this module's templates, for the GET handlers and for re-rendered forms. */
@Injectable()
export class ContractsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly contracts: ContractsService,
    private readonly variations: VariationsService,
    private readonly awards: AwardsService,
    private readonly clock: Clock,
  ) {}

  private async names(ids: Array<string | null>): Promise<Map<string, string>> {
    const list = [...new Set(ids.filter((x): x is string => Boolean(x)))];
    if (!list.length) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, display_name FROM user_names WHERE id = ANY($1::uuid[])`, [list])) as Array<{ id: string; display_name: string }>;
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private async full(contract: Contract, locale: Locale, forPublic: boolean) {
    const [milestones, variations] = await Promise.all([this.contracts.milestonesOf(contract.id), this.variations.variationsOf(contract.id)]);
    const names = await this.names([contract.organisationConfirmedBy, contract.approverConfirmedBy, ...variations.flatMap((v) => [v.proposedBy, v.decidedBy])]);
    const shown = forPublic ? variations.filter((v) => v.status === 'approved') : variations;
    const [project] = (await this.dataSource.query(`SELECT reference, title FROM project_labels WHERE id = $1`, [contract.projectId])) as Array<{ reference: string; title: string }>;
    return {
      contract: {
        ...presentContract(contract, milestones, locale),
        organisationConfirmedBy: forPublic ? null : (names.get(contract.organisationConfirmedBy ?? '') ?? null),
        approverConfirmedBy: forPublic ? null : (names.get(contract.approverConfirmedBy ?? '') ?? null),
      },
      project,
      variations: shown.map((v) => presentVariation(v, names, forPublic)),
      milestones,
    };
  }

  // ── Staff ───────────────────────────────────────────────────────────────────────────────────

  async staffListPage() {
    const [ready, rows] = await Promise.all([this.readyForContract(), this.dataSource.getRepository(Contract).find({ order: { createdAt: 'DESC' }, take: 200 })]);
    return {
      titleKey: 'contracts.staff.title',
      ready,
      contracts: rows.map((c) => ({
        id: c.id,
        reference: c.reference,
        provider: c.parties.provider.name,
        amountMinor: c.amountMinor,
        status: c.status,
        statusKey: `contracts.status.${c.status}`,
        createdAt: c.createdAt,
        publishedAt: c.publishedAt,
      })),
    };
  }

  /** Awards past their challenge period, none open, without a contract yet. */
  async readyForContract() {
    const ready = await this.awards.listReadyForContract();
    if (!ready.length) return [];
    const existing = await this.dataSource.getRepository(Contract).find({ where: ready.map((r) => ({ awardId: r.awardId })) });
    const done = new Set(existing.map((c) => c.awardId));
    return ready.filter((r) => !done.has(r.awardId));
  }

  /** Before generation: is the award ready (period over, no open challenge)? */
  async generatePage(awardId: string, locale: Locale) {
    const award = await this.awards.getAward(awardId);
    const now = await this.clock.now(this.dataSource.manager);
    const challenges = await this.awards.challengesOf(award.id);
    const open = challenges.filter((c) => c.status === 'open').length;
    const periodEnded = hasEnded(now, award.challengePeriodEndsAt);
    return {
      titleKey: 'contracts.generate.title',
      award: {
        id: award.id,
        status: award.status,
        statusKey: `awards.status.${award.status}`,
        project: award.notice.project,
        winnerName: award.notice.winner.organisationName,
        priceMinor: award.priceMinor,
        challengePeriodEndsAt: award.challengePeriodEndsAt,
        challengePeriodEndText: periodEndText(award.challengePeriodExplanation),
      },
      periodEnded,
      openChallenges: open,
      canGenerate: award.status === 'active' && periodEnded && open === 0,
      locale,
    };
  }

  /** The confirmation step before one side confirms: the amount that becomes binding and committed. */
  async confirmContractConfirmation(actor: Actor, contractId: string, party: 'organisation' | 'approver'): Promise<ConfirmationPage> {
    // The step is shown only to someone who may take it now: a refusal comes before, not after, it.
    const contract = await this.contracts.checkConfirmation(actor, contractId, party);
    const otherConfirmed = party === 'organisation' ? contract.approverConfirmedAt !== null : contract.organisationConfirmedAt !== null;
    return {
      titleKey: 'contracts.confirm.title',
      consequenceKey: otherConfirmed ? 'contracts.confirm.consequenceActivates' : 'contracts.confirm.consequenceFirst',
      params: { reference: contract.reference },
      amountMinor: contract.amountMinor,
      amountLabelKey: 'contracts.confirm.amount',
      facts: [
        { labelKey: 'contracts.confirm.reference', value: contract.reference },
        { labelKey: 'contracts.confirm.purchaser', value: contract.parties.purchaser.name, lang: 'zh-CN' },
        { labelKey: 'contracts.confirm.provider', value: contract.parties.provider.name, lang: 'zh-CN' },
      ],
      confirmKey: 'contracts.confirm.submit',
      backUrl: party === 'organisation' ? `/organisation/contracts/${contract.id}` : `/staff/contracts/${contract.id}`,
    };
  }

  async staffContractPage(contractId: string, actor: Actor, locale: Locale) {
    const contract = await this.contracts.getContract(contractId);
    const page = await this.full(contract, locale, false);
    const open = page.variations.find((v) => v.isProposed) ?? null;
    const eligibility = await this.awards.canAward(actor, contract.projectId);
    return {
      title: { nameZh: contract.reference, nameEn: contract.reference },
      ...page,
      canConfirm: contract.status === 'awaiting_confirmation' && contract.approverConfirmedAt === null && eligibility.ok,
      tookPart: !eligibility.ok && eligibility.reason === 'took_part' && actor.roles.includes('bureau_approver'),
      canPropose: contract.status === 'active' && !open && actor.roles.includes('bureau_officer'),
      canDecide: Boolean(open) && actor.roles.includes('bureau_approver') && open?.proposedById !== actor.userId,
      isOwnProposal: Boolean(open) && open?.proposedById === actor.userId,
      openVariation: open,
      values: { decision: '' },
    };
  }

  async variationFormPage(contractId: string, posted?: Record<string, unknown>) {
    const contract = await this.contracts.getContract(contractId);
    const [milestones, award, increased] = await Promise.all([
      this.contracts.milestonesOf(contract.id),
      this.awards.getAward(contract.awardId),
      this.variations.increasedSoFar(this.dataSource.manager, contract.id),
    ]);
    const postedRows = (value: unknown): Array<Record<string, unknown>> =>
      (Array.isArray(value) ? value : value && typeof value === 'object' ? Object.values(value) : []) as Array<Record<string, unknown>>;
    const postedMilestones = postedRows(posted?.milestones);
    const postedItems = postedRows(posted?.items);
    return {
      titleKey: 'contracts.variation.newTitle',
      contract: { id: contract.id, reference: contract.reference, amountMinor: contract.amountMinor, serviceStart: contract.serviceStart, serviceEnd: contract.serviceEnd },
      kinds: VARIATION_KINDS.map((code) => ({ code, labelKey: `contracts.variation.kinds.${code}` })),
      limits: presentLimits(award.priceMinor, contract.amountMinor, increased),
      milestoneRows: milestones.map((m, index) => ({
        index,
        position: m.position,
        name: m.name,
        dueDate: String(postedMilestones[index]?.dueDate ?? m.dueDate),
        locked: !isUnpaid(m.status),
      })),
      itemRows: contract.items.map((i, index) => ({ index, position: i.position, name: i.nameZh, unit: i.unitZh, quantity: String(postedItems[index]?.quantity ?? i.quantity) })),
      values: { kind: 'dates', serviceStart: contract.serviceStart, serviceEnd: contract.serviceEnd, amount: '', reductionReason: '' },
    };
  }

  // ── Organisations ───────────────────────────────────────────────────────────────────────────

  async organisationListPage(actor: Actor) {
    const rows = actor.organisationId ? await this.dataSource.getRepository(Contract).find({ where: { organisationId: actor.organisationId }, order: { createdAt: 'DESC' } }) : [];
    return {
      titleKey: 'contracts.org.title',
      contracts: rows.map((c) => ({
        id: c.id,
        reference: c.reference,
        purchaser: c.parties.purchaser.name,
        amountMinor: c.amountMinor,
        status: c.status,
        statusKey: `contracts.status.${c.status}`,
        toConfirm: c.status === 'awaiting_confirmation' && c.organisationConfirmedAt === null,
      })),
    };
  }

  async organisationContractPage(actor: Actor, contractId: string, locale: Locale) {
    const contract = await this.contracts.getContract(contractId);
    if (!actor.organisationId || contract.organisationId !== actor.organisationId) throw new ContractNotFoundError();
    const page = await this.full(contract, locale, false);
    return {
      title: { nameZh: contract.reference, nameEn: contract.reference },
      ...page,
      variations: page.variations.filter((v) => v.status === 'approved'),
      canConfirm: contract.status === 'awaiting_confirmation' && contract.organisationConfirmedAt === null && actor.roles.includes('org_admin'),
      needsAdmin: contract.status === 'awaiting_confirmation' && contract.organisationConfirmedAt === null && !actor.roles.includes('org_admin'),
    };
  }

  // ── Printable contract (HTML + PDF) ─────────────────────────────────────────────────────────

  /**
   * The printable contract for the purchasing side's staff: once published the same as the public
   * board's, before that a draft (marked 草稿 / DRAFT on the page and the PDF) only they and the
   * contracted organisation see.
   */
  async staffPrintPage(contractId: string, locale: Locale) {
    return this.printPage(await this.contracts.getContract(contractId), locale, `/staff/contracts/${contractId}`);
  }

  /** The printable contract for the contracted organisation's members; another organisation's does not exist. */
  async organisationPrintPage(actor: Actor, contractId: string, locale: Locale) {
    const contract = await this.contracts.getContract(contractId);
    if (!actor.organisationId || contract.organisationId !== actor.organisationId) throw new ContractNotFoundError();
    return this.printPage(contract, locale, `/organisation/contracts/${contractId}`);
  }

  /** The public printable contract: published contracts only, as on the board. */
  async publicPrintPage(reference: string, locale: Locale) {
    const page = await this.noticePage(reference, locale);
    const base = `/notices/contracts/${page.contract.reference}`;
    return { ...page, isDraft: false, backUrl: base, pdfUrl: `${base}/contract.pdf`, textUrl: `${base}/text` };
  }

  private async printPage(contract: Contract, locale: Locale, backUrl: string) {
    const page = await this.full(contract, locale, false);
    const isDraft = contract.publishedAt === null;
    return {
      title: { nameZh: contract.reference, nameEn: contract.reference },
      ...page,
      isDraft,
      backUrl,
      pdfUrl: `${backUrl}/contract.pdf`,
      textUrl: isDraft ? null : `/notices/contracts/${contract.reference}/text`,
    };
  }

  // ── Public board ────────────────────────────────────────────────────────────────────────────

  async noticePage(reference: string, locale: Locale) {
    const contract = CONTRACT_REFERENCE.test(reference) ? await this.dataSource.getRepository(Contract).findOneBy({ reference }) : null;
    if (!contract || contract.publishedAt === null) throw new ContractNotFoundError();
    const page = await this.full(contract, locale, true);
    return { title: { nameZh: contract.reference, nameEn: contract.reference }, ...page };
  }

  async noticesIndexPage() {
    const rows = await this.dataSource.getRepository(Contract).createQueryBuilder('c').where('c.published_at IS NOT NULL').orderBy('c.published_at', 'DESC').take(200).getMany();
    return {
      titleKey: 'contracts.notices.title',
      contracts: rows.map((c) => ({
        reference: c.reference,
        purchaser: c.parties.purchaser.name,
        provider: c.parties.provider.name,
        amountMinor: c.amountMinor,
        publishedAt: c.publishedAt,
        statusKey: `contracts.status.${c.status}`,
      })),
    };
  }

  // ── Dashboard data ──────────────────────────────────────────────────────────────────────────

  async approverQueue(actor: Pick<Actor, 'userId' | 'roles'>) {
    const rows = await this.dataSource.getRepository(Contract).find({ where: { status: 'awaiting_confirmation' }, order: { createdAt: 'ASC' } });
    const toConfirm = rows
      .filter((c) => c.approverConfirmedAt === null)
      .map((c) => ({ id: c.id, reference: c.reference, provider: c.parties.provider.name, amountMinor: c.amountMinor, organisationConfirmed: c.organisationConfirmedAt !== null }));
    const open = await this.dataSource.getRepository(ContractVariation).find({ where: { status: 'proposed' }, order: { proposedAt: 'ASC' } });
    const contracts = open.length ? await this.dataSource.getRepository(Contract).find({ where: open.map((v) => ({ id: v.contractId })) }) : [];
    const refs = new Map(contracts.map((c) => [c.id, c.reference]));
    const variations = open.map((v) => ({
      contractId: v.contractId,
      reference: refs.get(v.contractId) ?? '',
      sequence: v.sequence,
      kindKey: `contracts.variation.kinds.${v.kind}`,
      isOwn: v.proposedBy === actor.userId,
    }));
    return { toConfirm, variations };
  }

  async organisationQueue(organisationId: string) {
    const rows = await this.dataSource.getRepository(Contract).find({ where: { organisationId, status: 'awaiting_confirmation' }, order: { createdAt: 'ASC' } });
    return rows.filter((c) => c.organisationConfirmedAt === null).map((c) => ({ id: c.id, reference: c.reference, purchaser: c.parties.purchaser.name, amountMinor: c.amountMinor }));
  }

  /** Providers for the error filter: forms re-rendered with their page, for readers allowed to see it. */
  formContexts(): Record<string, FormContextProvider> {
    const id = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'contracts/generate': forRoles(STAFF_READERS, (req) => this.generatePage(id(req, 'awardId'), req.locale)),
      'contracts/staff-contract': forRoles(STAFF_READERS, (req) => this.staffContractPage(id(req, 'id'), actorFromRequest(req), req.locale)),
      'contracts/variation-form': forRoles(STAFF_READERS, (req) => this.variationFormPage(id(req, 'id'), (req.body ?? {}) as Record<string, unknown>)),
      'contracts/org-contract': forRoles(['org_member', 'org_admin'], (req) => this.organisationContractPage(actorFromRequest(req), id(req, 'id'), req.locale)),
    };
  }
}

import { Injectable } from '@nestjs/common';
import { ConfirmationPage } from '../common/http/confirmation';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { csvDocument } from '../common/export/export-format';
import { FormContextProvider } from '../common/http/form-context.registry';
import { formatMinor } from '../common/money/money';
import { ContractsService } from '../contracts/contracts.service';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { hasAnyRole } from '../identity/domain/roles';
import { STAFF_READERS } from '../awards/awards.queries';
import { FundsService } from '../procurement/funds.service';
import { Disbursement, DisbursementsService } from './disbursements.service';
import { LedgerQueries } from '../ledger/ledger.queries';
import { renderExplanation } from './explanation.presenter';
import { Locale } from '../i18n/i18n';
import { StripeQueries } from './stripe/stripe.queries';
import { forRoles } from '../identity/form-contexts';

interface QueueRow {
  id: string;
  contract_id: string;
  reference: string;
  provider: string;
  milestone_position: number;
  milestone_name: string;
  amount_minor: string;
  rail: string;
  status: string;
  proposed_at: Date;
  decided_at: Date | null;
  paid_at: Date | null;
  voucher_no: string | null;
}

const QUEUE_SQL = `
  SELECT d.id, d.contract_id, c.reference, c.parties->'provider'->>'name' AS provider, d.milestone_position, m.name AS milestone_name,
         d.amount_minor::text AS amount_minor, d.rail, d.status, d.proposed_at, d.decided_at, d.paid_at, tp.voucher_no
    FROM disbursements d
    JOIN contracts c ON c.id = d.contract_id
    JOIN contract_milestones m ON m.contract_id = d.contract_id AND m.position = d.milestone_position
    LEFT JOIN treasury_payments tp ON tp.disbursement_id = d.id`;

function row(r: QueueRow) {
  return {
    id: r.id,
    contractId: r.contract_id,
    reference: r.reference,
    provider: r.provider,
    position: r.milestone_position,
    milestoneName: r.milestone_name,
    amountMinor: Number(r.amount_minor),
    rail: r.rail,
    railKey: `payments.rail.${r.rail}`,
    status: r.status,
    statusKey: `payments.status.${r.status}`,
    proposedAt: r.proposed_at,
    decidedAt: r.decided_at,
    paidAt: r.paid_at,
    voucherNo: r.voucher_no,
  };
}

/** Page data for the payments module (no business rules: what to show and which actions apply). */
@Injectable()
export class PaymentsQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly disbursements: DisbursementsService,
    private readonly contracts: ContractsService,
    private readonly ledger: LedgerQueries,
    private readonly funds: FundsService,
    private readonly stripeQueries: StripeQueries,
  ) {}

  async queuePage() {
    const rows = ((await this.dataSource.query(`${QUEUE_SQL} WHERE d.status IN ('proposed', 'approved', 'sending') ORDER BY d.proposed_at`)) as QueueRow[]).map(row);
    return {
      titleKey: 'payments.queue.title',
      proposed: rows.filter((r) => r.status === 'proposed'),
      // Awaiting payment: a voucher to record, or a Stripe transfer on its way (sending until Stripe confirms).
      approved: rows.filter((r) => r.status === 'approved' || r.status === 'sending'),
    };
  }

  async exportCsv(): Promise<string> {
    const rows = ((await this.dataSource.query(`${QUEUE_SQL} ORDER BY d.proposed_at`)) as QueueRow[]).map(row);
    const header = ['disbursement_id', 'contract_reference', 'provider', 'milestone', 'milestone_name', 'amount_yuan', 'rail', 'status', 'proposed_at', 'decided_at', 'paid_at', 'voucher_no'];
    return csvDocument(
      header,
      rows.map((r) => [r.id, r.reference, r.provider, r.position, r.milestoneName, formatMinor(r.amountMinor, { plain: true }), r.rail, r.status, r.proposedAt, r.decidedAt, r.paidAt, r.voucherNo]),
    );
  }

  async disbursementPage(id: string, actor: Actor, locale: Locale = 'zh-CN') {
    const d = await this.disbursements.get(id);
    const contract = await this.contracts.getContract(d.contractId);
    const [voucher] = (await this.dataSource.query(`SELECT voucher_no, paid_on, payer_account, payee_account, amount_minor::text AS amount_minor FROM treasury_payments WHERE disbursement_id = $1`, [
      d.id,
    ])) as Array<Record<string, string>>;
    const isOwnProposal = d.proposedBy === actor.userId;
    return {
      titleKey: 'payments.disbursement.title',
      disbursement: this.present(d),
      explanation: renderExplanation(d.computation.explanation, locale),
      contract: { id: contract.id, reference: contract.reference, provider: contract.parties.provider.name, amountMinor: contract.amountMinor },
      voucher: voucher ? { ...voucher, amountMinor: Number(voucher.amount_minor) } : null,
      stripe: await this.stripeQueries.disbursementStripe(d.id, actor),
      canDecide: d.status === 'proposed' && hasAnyRole(actor.roles, ['bureau_approver']) && !isOwnProposal,
      isOwnProposal: d.status === 'proposed' && isOwnProposal,
      canRecordVoucher: d.status === 'approved' && d.rail === 'treasury' && hasAnyRole(actor.roles, ['bureau_officer']),
    };
  }

  /** The confirmation step before an approver decides a disbursement: what is paid (or not), to whom, how much. */
  async decisionConfirmation(actor: Actor, id: string, decision: 'approve' | 'reject', reason?: string): Promise<ConfirmationPage> {
    // A refusal (not pending, one's own proposal, no reason) comes before the step, not after it.
    const d = await this.disbursements.checkDecision(actor, id, decision, reason);
    const contract = await this.contracts.getContract(d.contractId);
    return {
      titleKey: decision === 'approve' ? 'payments.confirm.approveTitle' : 'payments.confirm.rejectTitle',
      consequenceKey: decision === 'approve' ? `payments.confirm.approveConsequence.${d.rail}` : 'payments.confirm.rejectConsequence',
      params: { provider: contract.parties.provider.name, position: d.milestonePosition },
      amountMinor: d.amountMinor,
      amountLabelKey: 'payments.confirm.amount',
      facts: [
        { labelKey: 'payments.confirm.contract', value: contract.reference },
        { labelKey: 'payments.confirm.provider', value: contract.parties.provider.name, lang: 'zh-CN' },
        { labelKey: 'payments.confirm.milestone', value: String(d.milestonePosition) },
      ],
      confirmKey: decision === 'approve' ? 'payments.confirm.approve' : 'payments.confirm.reject',
      backUrl: `/staff/disbursements/${d.id}`,
      isDanger: decision === 'reject',
    };
  }

  async contractPaymentsPage(contractId: string, actor: Actor) {
    const contract = await this.contracts.getContract(contractId);
    const [milestones, list, results] = await Promise.all([
      this.contracts.milestonesOf(contract.id),
      this.disbursements.ofContract(contract.id),
      this.dataSource.query(`SELECT DISTINCT ON (position) position, score_centi, grade FROM milestone_results WHERE contract_id = $1 ORDER BY position, round DESC`, [contract.id]) as Promise<
        Array<{ position: number; score_centi: number; grade: string }>
      >,
    ]);
    const live = new Set(list.filter((d) => !['rejected', 'failed', 'reversed'].includes(d.status)).map((d) => d.milestonePosition));
    const isOfficer = hasAnyRole(actor.roles, ['bureau_officer']);
    const [balances] = (await this.dataSource.query(`SELECT approved_minor::text AS approved, paid_minor::text AS paid FROM contracts WHERE id = $1`, [contract.id])) as Array<{
      approved: string;
      paid: string;
    }>;
    return {
      titleKey: 'payments.contract.title',
      contract: {
        id: contract.id,
        reference: contract.reference,
        provider: contract.parties.provider.name,
        amountMinor: contract.amountMinor,
        approvedMinor: Number(balances.approved),
        paidMinor: Number(balances.paid),
      },
      milestones: milestones.map((m) => {
        const result = results.find((r) => r.position === m.position);
        return {
          position: m.position,
          name: m.name,
          amountMinor: m.amountMinor,
          status: m.status,
          statusKey: `contracts.milestoneStatus.${m.status}`,
          score: result ? (result.score_centi / 100).toFixed(2) : null,
          gradeKey: result ? `payments.grade.${result.grade}` : null,
          canPropose: isOfficer && m.status === 'passed' && !live.has(m.position),
        };
      }),
      disbursements: list.map((d) => this.present(d)),
    };
  }

  async organisationPaymentsPage(actor: Actor) {
    const rows = (
      (await this.dataSource.query(`${QUEUE_SQL} WHERE c.organisation_id = $1 AND d.status IN ('approved', 'sending', 'paid') ORDER BY d.proposed_at DESC`, [actor.organisationId])) as QueueRow[]
    ).map(row);
    return { titleKey: 'payments.organisation.title', payments: rows, paidMinor: rows.filter((r) => r.status === 'paid').reduce((s, r) => s + r.amountMinor, 0) };
  }

  async fundPaymentsPage(fundId: string) {
    const fund = await this.funds.get(fundId);
    const [row] = (await this.dataSource.query(`SELECT payable_minor::text AS payable, paid_minor::text AS paid FROM funds WHERE id = $1`, [fund.id])) as Array<{ payable: string; paid: string }>;
    const journal = await this.ledger.fundBalances(fund.id);
    return {
      titleKey: 'payments.fund.title',
      fund: { id: fund.id, name: fund.name, totalMinor: fund.totalMinor, committedMinor: fund.committedMinor, payableMinor: Number(row.payable), paidMinor: Number(row.paid) },
      journal,
    };
  }

  private present(d: Disbursement) {
    return { ...d, statusKey: `payments.status.${d.status}`, railKey: `payments.rail.${d.rail}`, kindKey: `payments.kind.${d.kind}`, gradeKey: `payments.grade.${d.computation.grade}` };
  }

  formContexts(): Record<string, FormContextProvider> {
    const id = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'payments/disbursement': forRoles(STAFF_READERS, (req) => this.disbursementPage(id(req, 'id'), actorFromRequest(req), req.locale)),
      'payments/contract': forRoles(STAFF_READERS, (req) => this.contractPaymentsPage(id(req, 'id'), actorFromRequest(req))),
    };
  }
}

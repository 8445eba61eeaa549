import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LedgerQueries } from '../ledger/ledger.queries';
import { breakdown } from './domain/breakdown';

/** budget, reserved, committed, payable, paid — whole fen. */
export interface MoneyRow {
  key: string;
  label: string;
  labelEn: string;
  budgetMinor: number;
  reservedMinor: number;
  committedMinor: number;
  payableMinor: number;
  paidMinor: number;
}

export interface AttentionMilestone {
  contractId: string;
  reference: string;
  provider: string;
  position: number;
  name: string;
  dueDate: string;
  status: string;
  isOverdue: boolean;
}

export interface PendingDisbursement {
  id: string;
  contractId: string;
  reference: string;
  provider: string;
  position: number;
  kind: string;
  amountMinor: number;
  proposedAt: Date;
}

export interface ReportFilter {
  fundId?: string;
  /** Inclusive local dates (Asia/Shanghai), YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Only this organisation's rows (organisation users' exports). */
  organisationId?: string;
}

export interface DisbursementExportRow {
  id: string;
  reference: string;
  provider: string;
  fundName: string;
  position: number;
  milestoneName: string;
  kind: string;
  amountMinor: number;
  rail: string;
  status: string;
  proposedAt: Date;
  decidedAt: Date | null;
  paidAt: Date | null;
  voucherNo: string | null;
}

export interface ScoreExportRow {
  reference: string;
  provider: string;
  fundName: string;
  position: number;
  milestoneName: string;
  round: number;
  scoreCenti: number;
  grade: string;
  recordedAt: Date;
}

const PROJECT_LIVE = `p.status NOT IN ('draft', 'cancelled')`;
const num = (v: unknown) => Number(v ?? 0);

/** Milestone statuses of trouble: failed evaluation or in rectification (整改). */
const TROUBLE = ['failed', 'rectification'];

/**
 * Read models for the dashboards and exports. Money by fund comes from the funds' running
 * columns (the trial balance keeps them equal to the journal); by community and by catalogue
 * category from the journal lines of each project, spread over its communities and categories
 * with largest-remainder allocation, so the three views add up to the same totals.
 */
@Injectable()
export class ReportingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerQueries,
  ) {}

  async byFund(): Promise<MoneyRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, name, fiscal_year, total_minor, reserved_minor, committed_minor, payable_minor, paid_minor FROM funds WHERE is_active ORDER BY fiscal_year DESC, name`,
    )) as Array<Record<string, string>>;
    return rows.map((r) => ({
      key: r.id,
      label: `${r.name}（${r.fiscal_year}）`,
      labelEn: `${r.name} (${r.fiscal_year})`,
      budgetMinor: num(r.total_minor),
      reservedMinor: num(r.reserved_minor),
      committedMinor: num(r.committed_minor),
      payableMinor: num(r.payable_minor),
      paidMinor: num(r.paid_minor),
    }));
  }

  /** Per project: its budget ceiling and its journal balances (from the ledger). */
  private async projectFigures(): Promise<Array<{ id: string; serviceArea: string[]; figures: number[] }>> {
    const rows = (await this.dataSource.query(`SELECT p.id, p.service_area, p.budget_ceiling_minor::text AS budget FROM projects p WHERE ${PROJECT_LIVE} ORDER BY p.id`)) as Array<{
      id: string;
      service_area: string[];
      budget: string;
    }>;
    const balances = await this.ledger.projectBalances();
    return rows.map((r) => {
      const b = balances.get(r.id);
      return { id: r.id, serviceArea: r.service_area, figures: [num(r.budget), b?.reservedMinor ?? 0, b?.committedMinor ?? 0, b?.payableMinor ?? 0, b?.paidMinor ?? 0] };
    });
  }

  async byCommunity(): Promise<MoneyRow[]> {
    const projects = await this.projectFigures();
    const m = breakdown(
      projects.map((p) => ({ projectId: p.id, weights: [...new Set(p.serviceArea)].map((key) => ({ key, weight: 1 })), figures: p.figures })),
      5,
    );
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b, 'zh-CN')).map(([key, f]) => toRow(key, key, key, f));
  }

  async byCategory(): Promise<MoneyRow[]> {
    const projects = await this.projectFigures();
    const weights = (await this.dataSource.query(
      `SELECT pi.project_id, ci.category_code, sum(pi.quantity::bigint * (ci.ref_price_min_minor + ci.ref_price_max_minor))::text AS weight
         FROM project_items pi JOIN catalogue_items ci ON ci.code = pi.item_code
         JOIN projects p ON p.id = pi.project_id WHERE ${PROJECT_LIVE}
        GROUP BY pi.project_id, ci.category_code`,
    )) as Array<{ project_id: string; category_code: string; weight: string }>;
    const categories = (await this.dataSource.query(`SELECT code, name_zh, name_en FROM catalogue_categories ORDER BY sort_order`)) as Array<{ code: string; name_zh: string; name_en: string }>;
    const m = breakdown(
      projects.map((p) => ({
        projectId: p.id,
        weights: weights.filter((w) => w.project_id === p.id).map((w) => ({ key: w.category_code, weight: Math.min(Number(w.weight), Number.MAX_SAFE_INTEGER) })),
        figures: p.figures,
      })),
      5,
    );
    return categories.filter((c) => m.has(c.code)).map((c) => toRow(c.code, `${c.code} ${c.name_zh}`, `${c.code} ${c.name_en}`, m.get(c.code)!));
  }

  /** Milestones of active contracts past their due date and not delivered, or failed / in rectification. */
  async milestonesNeedingAttention(organisationId?: string): Promise<AttentionMilestone[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.id AS contract_id, c.reference, c.parties->'provider'->>'name' AS provider, m.position, m.name, m.due_date::text AS due_date, m.status,
              (m.status = 'pending' AND m.due_date < (app_now() AT TIME ZONE 'Asia/Shanghai')::date) AS is_overdue
         FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
        WHERE c.status IN ('active', 'terminating')
          AND ((m.status = 'pending' AND m.due_date < (app_now() AT TIME ZONE 'Asia/Shanghai')::date) OR m.status = ANY($1::text[]))
          AND ($2::uuid IS NULL OR c.organisation_id = $2)
        ORDER BY m.due_date, c.reference, m.position`,
      [TROUBLE, organisationId ?? null],
    )) as Array<{ contract_id: string; reference: string; provider: string; position: number; name: string; due_date: string; status: string; is_overdue: boolean }>;
    return rows.map((r) => ({
      contractId: r.contract_id,
      reference: r.reference,
      provider: r.provider,
      position: r.position,
      name: r.name,
      dueDate: r.due_date,
      status: r.status,
      isOverdue: r.is_overdue,
    }));
  }

  async disbursementsAwaitingApproval(): Promise<PendingDisbursement[]> {
    const rows = (await this.dataSource.query(
      `SELECT d.id, d.contract_id, c.reference, c.parties->'provider'->>'name' AS provider, d.milestone_position, d.kind, d.amount_minor::text AS amount_minor, d.proposed_at
         FROM disbursements d JOIN contracts c ON c.id = d.contract_id WHERE d.status = 'proposed' ORDER BY d.proposed_at`,
    )) as Array<{ id: string; contract_id: string; reference: string; provider: string; milestone_position: number; kind: string; amount_minor: string; proposed_at: Date }>;
    return rows.map((r) => ({
      id: r.id,
      contractId: r.contract_id,
      reference: r.reference,
      provider: r.provider,
      position: r.milestone_position,
      kind: r.kind,
      amountMinor: num(r.amount_minor),
      proposedAt: r.proposed_at,
    }));
  }

  // ── The organisation's own figures ─────────────────────────────────────────────────────────

  async organisationContracts(organisationId: string) {
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.reference, p.title, c.status, c.amount_minor::text AS amount, c.approved_minor::text AS approved, c.paid_minor::text AS paid, c.service_start::text AS service_start, c.service_end::text AS service_end
         FROM contracts c JOIN project_labels p ON p.id = c.project_id WHERE c.organisation_id = $1 AND c.status <> 'awaiting_confirmation' ORDER BY c.created_at DESC`,
      [organisationId],
    )) as Array<Record<string, string>>;
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      title: r.title,
      status: r.status,
      amountMinor: num(r.amount),
      approvedMinor: num(r.approved),
      paidMinor: num(r.paid),
      serviceStart: r.service_start,
      serviceEnd: r.service_end,
    }));
  }

  async organisationMilestones(organisationId: string) {
    const rows = (await this.dataSource.query(
      `SELECT c.id AS contract_id, c.reference, m.position, m.name, m.due_date::text AS due_date, m.status, m.amount_minor::text AS amount,
              r.score_centi, r.grade, r.round,
              (m.status = 'pending' AND m.due_date < (app_now() AT TIME ZONE 'Asia/Shanghai')::date) AS is_overdue
         FROM contracts c JOIN contract_milestones m ON m.contract_id = c.id
         LEFT JOIN LATERAL (SELECT score_centi, grade, round FROM milestone_results x WHERE x.contract_id = m.contract_id AND x.position = m.position ORDER BY round DESC LIMIT 1) r ON true
        WHERE c.organisation_id = $1 AND c.status <> 'awaiting_confirmation'
        ORDER BY c.reference, m.position`,
      [organisationId],
    )) as Array<{
      contract_id: string;
      reference: string;
      position: number;
      name: string;
      due_date: string;
      status: string;
      amount: string;
      score_centi: number | null;
      grade: string | null;
      round: number | null;
      is_overdue: boolean;
    }>;
    return rows.map((r) => ({
      contractId: r.contract_id,
      reference: r.reference,
      position: r.position,
      name: r.name,
      dueDate: r.due_date,
      status: r.status,
      amountMinor: num(r.amount),
      scoreCenti: r.score_centi,
      grade: r.grade,
      round: r.round,
      isOverdue: r.is_overdue,
    }));
  }

  // ── Export rows (the filter decides the scope; an organisation's filter is always its own) ──

  async disbursementRows(filter: ReportFilter, statuses?: string[]): Promise<DisbursementExportRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT d.id, c.reference, c.parties->'provider'->>'name' AS provider, f.name AS fund_name, d.milestone_position, m.name AS milestone_name,
              d.kind, d.amount_minor::text AS amount_minor, d.rail, d.status, d.proposed_at, d.decided_at, d.paid_at, tp.voucher_no
         FROM disbursements d
         JOIN contracts c ON c.id = d.contract_id
         JOIN funds f ON f.id = c.fund_id
         JOIN contract_milestones m ON m.contract_id = d.contract_id AND m.position = d.milestone_position
         LEFT JOIN treasury_payments tp ON tp.disbursement_id = d.id
        WHERE ($1::uuid IS NULL OR c.fund_id = $1)
          AND ($2::date IS NULL OR (d.proposed_at AT TIME ZONE 'Asia/Shanghai')::date >= $2)
          AND ($3::date IS NULL OR (d.proposed_at AT TIME ZONE 'Asia/Shanghai')::date <= $3)
          AND ($4::uuid IS NULL OR c.organisation_id = $4)
          AND ($5::text[] IS NULL OR d.status = ANY($5::text[]))
        ORDER BY d.proposed_at, d.id`,
      [filter.fundId ?? null, filter.from ?? null, filter.to ?? null, filter.organisationId ?? null, statuses ?? null],
    )) as Array<Record<string, string & Date>>;
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      provider: r.provider,
      fundName: r.fund_name,
      position: Number(r.milestone_position),
      milestoneName: r.milestone_name,
      kind: r.kind,
      amountMinor: num(r.amount_minor),
      rail: r.rail,
      status: r.status,
      proposedAt: r.proposed_at,
      decidedAt: r.decided_at ?? null,
      paidAt: r.paid_at ?? null,
      voucherNo: r.voucher_no ?? null,
    }));
  }

  async scoreRows(filter: ReportFilter): Promise<ScoreExportRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.reference, c.parties->'provider'->>'name' AS provider, f.name AS fund_name, r.position, m.name AS milestone_name, r.round, r.score_centi, r.grade, r.recorded_at
         FROM milestone_results r
         JOIN contracts c ON c.id = r.contract_id
         JOIN funds f ON f.id = c.fund_id
         JOIN contract_milestones m ON m.contract_id = r.contract_id AND m.position = r.position
        WHERE ($1::uuid IS NULL OR c.fund_id = $1)
          AND ($2::date IS NULL OR (r.recorded_at AT TIME ZONE 'Asia/Shanghai')::date >= $2)
          AND ($3::date IS NULL OR (r.recorded_at AT TIME ZONE 'Asia/Shanghai')::date <= $3)
          AND ($4::uuid IS NULL OR c.organisation_id = $4)
        ORDER BY c.reference, r.position, r.round`,
      [filter.fundId ?? null, filter.from ?? null, filter.to ?? null, filter.organisationId ?? null],
    )) as Array<Record<string, string & Date & number>>;
    return rows.map((r) => ({
      reference: r.reference,
      provider: r.provider,
      fundName: r.fund_name,
      position: Number(r.position),
      milestoneName: r.milestone_name,
      round: Number(r.round),
      scoreCenti: Number(r.score_centi),
      grade: r.grade,
      recordedAt: r.recorded_at,
    }));
  }

  async fundOptions(): Promise<Array<{ id: string; name: string }>> {
    const rows = (await this.dataSource.query(`SELECT id, name, fiscal_year FROM funds ORDER BY fiscal_year DESC, name`)) as Array<{ id: string; name: string; fiscal_year: number }>;
    return rows.map((r) => ({ id: r.id, name: `${r.name}（${r.fiscal_year}）` }));
  }

  /** Funds of the organisation's own contracts (for its export filter). */
  async organisationFundOptions(organisationId: string): Promise<Array<{ id: string; name: string }>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT f.id, f.name, f.fiscal_year FROM funds f JOIN contracts c ON c.fund_id = f.id WHERE c.organisation_id = $1 ORDER BY f.fiscal_year DESC, f.name`,
      [organisationId],
    )) as Array<{ id: string; name: string; fiscal_year: number }>;
    return rows.map((r) => ({ id: r.id, name: `${r.name}（${r.fiscal_year}）` }));
  }
}

function toRow(key: string, label: string, labelEn: string, f: number[]): MoneyRow {
  return { key, label, labelEn, budgetMinor: f[0], reservedMinor: f[1], committedMinor: f[2], payableMinor: f[3], paidMinor: f[4] };
}

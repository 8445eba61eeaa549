import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { Actor } from '../audit/actor';
import { FormContextProvider } from '../common/http/form-context.registry';
import { forRoles } from '../identity/form-contexts';
import { Contract } from '../contracts/contract.entity';
import { actorFromRequest } from '../identity/current-actor.decorator';
import { ATTACHMENTS_MAX, DeliveryDetail, DeliveryService, MilestoneWithDeliveries, NARRATIVE_MAX, NARRATIVE_MIN } from './delivery.service';
import { DeliveryMilestoneNotFoundError } from './delivery.errors';
import { formatHoursCenti } from './domain/delivery-rules';
import { RawRecord, STANDARD_HEADERS, SERVICE_COLUMNS } from './domain/service-log';

/** Neutralises spreadsheet formulas and quotes every CSV field. */
function csvField(value: string): string {
  const s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${s.replace(/"/g, '""')}"`;
}

type Mode = 'organisation' | 'staff';
const ROW_COLUMNS = ['date', 'sessions', 'personVisits', 'households', 'hours', 'note'] as const;

/** Page data for deliveries (what to show and which actions apply; the rules live in the service). */
@Injectable()
export class DeliveryQueries {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryService,
  ) {}

  private contractHeader(contract: Contract) {
    return {
      id: contract.id,
      reference: contract.reference,
      status: contract.status,
      statusKey: `contracts.status.${contract.status}`,
      provider: contract.parties.provider.name,
      purchaser: contract.parties.purchaser.name,
      serviceStart: contract.serviceStart,
      serviceEnd: contract.serviceEnd,
      items: contract.items,
    };
  }

  private milestoneRow(m: MilestoneWithDeliveries, contract: Contract, mode: Mode) {
    const base = mode === 'organisation' ? `/organisation/contracts/${contract.id}` : `/staff/contracts/${contract.id}`;
    return {
      ...m,
      statusKey: `contracts.milestoneStatus.${m.status}`,
      canDeliver: mode === 'organisation' && contract.status === 'active' && m.openRound !== null,
      deliverLink: `/organisation/contracts/${contract.id}/milestones/${m.position}/deliver`,
      deliveries: m.deliveries.map((d) => ({ ...d, link: `${base}/milestones/${m.position}/deliveries/${d.round}`, roundKey: `delivery.round.${d.round}` })),
    };
  }

  async organisationOverviewPage(actor: Actor) {
    const contracts = (await this.dataSource.query(
      `SELECT c.id, c.reference, c.status, c.parties->'purchaser'->>'name' AS purchaser,
              count(m.*)::int AS milestones,
              count(m.*) FILTER (WHERE m.status IN ('pending', 'rectification') AND app_now() > ((m.due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))::int AS overdue,
              min(m.due_date) FILTER (WHERE m.status IN ('pending', 'rectification'))::text AS next_due,
              (SELECT count(*)::int FROM milestone_deliveries d WHERE d.contract_id = c.id AND d.late) AS late
         FROM contracts c JOIN contract_milestones m ON m.contract_id = c.id
        WHERE c.organisation_id = $1 AND c.status IN ('active', 'terminating', 'completed')
        GROUP BY c.id ORDER BY c.created_at DESC`,
      [actor.organisationId],
    )) as Array<{ id: string; reference: string; status: string; purchaser: string; milestones: number; overdue: number; next_due: string | null; late: number }>;
    return {
      titleKey: 'delivery.org.overviewTitle',
      contracts: contracts.map((c) => ({ ...c, nextDue: c.next_due, statusKey: `contracts.status.${c.status}` })),
    };
  }

  async milestonesPage(actor: Actor, contractId: string, mode: Mode) {
    const contract = await this.deliveries.readableContract(actor, contractId, { ownOnly: mode === 'organisation' });
    const milestones = await this.deliveries.milestonesWithDeliveries(contract.id);
    return {
      titleKey: 'delivery.milestones.title',
      mode,
      isOrganisation: mode === 'organisation',
      contract: this.contractHeader(contract),
      milestones: milestones.map((m) => this.milestoneRow(m, contract, mode)),
      backLink: mode === 'organisation' ? `/organisation/contracts/${contract.id}` : `/staff/contracts/${contract.id}`,
    };
  }

  /** The delivery form: one row per contract item; `body` (a re-rendered submission) keeps what was typed. */
  async deliverPage(actor: Actor, contractId: string, position: number, body: Record<string, unknown> = {}) {
    const contract = await this.deliveries.readableContract(actor, contractId, { ownOnly: true });
    const milestones = await this.deliveries.milestonesWithDeliveries(contract.id);
    const milestone = milestones.find((m) => m.position === position);
    if (!milestone) throw new DeliveryMilestoneNotFoundError();
    const submitted = Array.isArray(body.records) ? (body.records as unknown[]) : [];
    const rows = contract.items.map((item, index) => {
      const entered = (submitted[index] && typeof submitted[index] === 'object' ? submitted[index] : {}) as Record<string, unknown>;
      const values = Object.fromEntries(ROW_COLUMNS.map((c) => [c, typeof entered[c] === 'string' ? entered[c] : ''])) as Record<(typeof ROW_COLUMNS)[number], string>;
      return {
        index,
        item,
        values,
        names: Object.fromEntries(['itemCode', ...ROW_COLUMNS].map((c) => [c, `records.${index}.${c}`])),
        inputNames: Object.fromEntries(['itemCode', ...ROW_COLUMNS].map((c) => [c, `records[${index}][${c}]`])),
      };
    });
    return {
      titleKey: 'delivery.deliver.title',
      contract: this.contractHeader(contract),
      milestone: { ...milestone, statusKey: `contracts.milestoneStatus.${milestone.status}` },
      canDeliver: contract.status === 'active' && milestone.openRound !== null,
      roundKey: milestone.openRound ? `delivery.round.${milestone.openRound}` : null,
      rows,
      narrativeMin: NARRATIVE_MIN,
      narrativeMax: NARRATIVE_MAX,
      attachmentsMax: ATTACHMENTS_MAX,
      headers: SERVICE_COLUMNS.map((c) => STANDARD_HEADERS[c]),
      formAction: `/organisation/contracts/${contract.id}/milestones/${milestone.position}/deliveries`,
      templateLink: `/organisation/contracts/${contract.id}/service-log-template.csv`,
    };
  }

  async deliveryPage(actor: Actor, contractId: string, position: number, round: number, mode: Mode) {
    const { contract, delivery } = await this.deliveries.getReadableDelivery(actor, contractId, position, round, { ownOnly: mode === 'organisation' });
    const milestones = await this.deliveries.milestonesWithDeliveries(contract.id);
    const milestone = milestones.find((m) => m.position === position)!;
    const base = mode === 'organisation' ? `/organisation/contracts/${contract.id}` : `/staff/contracts/${contract.id}`;
    return {
      titleKey: 'delivery.detail.title',
      mode,
      contract: this.contractHeader(contract),
      milestone: { ...milestone, statusKey: `contracts.milestoneStatus.${milestone.status}` },
      delivery: this.presentDelivery(delivery, contract, `${base}/milestones/${position}/deliveries/${round}`),
      milestonesLink: mode === 'organisation' ? `${base}/milestones` : `${base}/deliveries`,
    };
  }

  presentDelivery(d: DeliveryDetail, contract: Contract, link: string) {
    const itemByCode = new Map(contract.items.map((i) => [i.itemCode, i]));
    return {
      ...d,
      roundKey: `delivery.round.${d.round}`,
      sourceKey: `delivery.source.${d.recordsSource}`,
      records: d.records.map((r) => ({ ...r, item: itemByCode.get(r.itemCode) ?? null, hours: formatHoursCenti(r.hoursCenti) })),
      totals: { ...d.totals, hours: formatHoursCenti(d.totals.hoursCenti) },
      totalsByItem: d.totalsByItem.map((t) => ({ ...t, item: itemByCode.get(t.itemCode) ?? null, hours: formatHoursCenti(t.hoursCenti) })),
      attachments: d.attachments.map((a) => ({ ...a, kindKey: `delivery.attachmentKind.${a.kind}`, link: `${link}/attachments/${a.documentId}` })),
    };
  }

  /** Bureau: recent deliveries (late first flagged) and milestones overdue on active contracts. */
  async staffOverviewPage() {
    const recent = (await this.dataSource.query(
      `SELECT d.contract_id, c.reference, c.parties->'provider'->>'name' AS provider, d.milestone_position, m.name, d.round, d.submitted_at, d.late, m.status
         FROM milestone_deliveries d JOIN contracts c ON c.id = d.contract_id
         JOIN contract_milestones m ON m.contract_id = d.contract_id AND m.position = d.milestone_position
        ORDER BY d.submitted_at DESC LIMIT 100`,
    )) as Array<{ contract_id: string; reference: string; provider: string; milestone_position: number; name: string; round: number; submitted_at: Date; late: boolean; status: string }>;
    return {
      titleKey: 'delivery.staff.overviewTitle',
      recent: recent.map((r) => ({
        ...r,
        contractId: r.contract_id,
        position: r.milestone_position,
        submittedAt: r.submitted_at,
        statusKey: `contracts.milestoneStatus.${r.status}`,
        roundKey: `delivery.round.${r.round}`,
        link: `/staff/contracts/${r.contract_id}/milestones/${r.milestone_position}/deliveries/${r.round}`,
      })),
      overdue: await this.overdueMilestones(),
    };
  }

  /** Pending milestones of active contracts past their due date (database clock), oldest first. */
  async overdueMilestones(organisationId?: string) {
    const rows = (await this.dataSource.query(
      `SELECT c.id AS contract_id, c.reference, c.parties->'provider'->>'name' AS provider, m.position, m.name, m.due_date::text AS due_date, m.status,
              (app_now() AT TIME ZONE 'Asia/Shanghai')::date - m.due_date AS days_overdue
         FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
        WHERE c.status = 'active' AND m.status = 'pending' AND app_now() > ((m.due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND ($1::uuid IS NULL OR c.organisation_id = $1)
        ORDER BY m.due_date, c.reference, m.position LIMIT 200`,
      [organisationId ?? null],
    )) as Array<{ contract_id: string; reference: string; provider: string; position: number; name: string; due_date: string; status: string; days_overdue: number }>;
    return rows.map((r) => ({ contractId: r.contract_id, reference: r.reference, provider: r.provider, position: r.position, name: r.name, dueDate: r.due_date, daysOverdue: r.days_overdue }));
  }

  /** Pending milestones of the organisation's active contracts due within `days` days (not yet overdue). */
  async dueSoonMilestones(organisationId: string, days: number) {
    const rows = (await this.dataSource.query(
      `SELECT c.id AS contract_id, c.reference, m.position, m.name, m.due_date::text AS due_date,
              m.due_date - (app_now() AT TIME ZONE 'Asia/Shanghai')::date AS days_left
         FROM contract_milestones m JOIN contracts c ON c.id = m.contract_id
        WHERE c.status = 'active' AND c.organisation_id = $1 AND m.status = 'pending'
          AND app_now() <= ((m.due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
          AND m.due_date - (app_now() AT TIME ZONE 'Asia/Shanghai')::date <= $2
        ORDER BY m.due_date, c.reference, m.position`,
      [organisationId, days],
    )) as Array<{ contract_id: string; reference: string; position: number; name: string; due_date: string; days_left: number }>;
    return rows.map((r) => ({ contractId: r.contract_id, reference: r.reference, position: r.position, name: r.name, dueDate: r.due_date, daysLeft: r.days_left }));
  }

  /** Late deliveries of the last 90 days (database clock), for one organisation or all. */
  async lateDeliveries(organisationId?: string) {
    const rows = (await this.dataSource.query(
      `SELECT d.contract_id, c.reference, c.parties->'provider'->>'name' AS provider, d.milestone_position, m.name, d.round, d.submitted_at, d.deadline_at
         FROM milestone_deliveries d JOIN contracts c ON c.id = d.contract_id
         JOIN contract_milestones m ON m.contract_id = d.contract_id AND m.position = d.milestone_position
        WHERE d.late AND d.submitted_at > app_now() - interval '90 days' AND ($1::uuid IS NULL OR d.organisation_id = $1)
        ORDER BY d.submitted_at DESC LIMIT 100`,
      [organisationId ?? null],
    )) as Array<{ contract_id: string; reference: string; provider: string; milestone_position: number; name: string; round: number; submitted_at: Date; deadline_at: Date }>;
    return rows.map((r) => ({
      contractId: r.contract_id,
      reference: r.reference,
      provider: r.provider,
      position: r.milestone_position,
      name: r.name,
      round: r.round,
      submittedAt: r.submitted_at,
      deadlineAt: r.deadline_at,
    }));
  }

  /** A CSV the organisation fills in: the standard headings and one line per contract item. */
  async serviceLogTemplate(actor: Actor, contractId: string): Promise<string> {
    const contract = await this.deliveries.readableContract(actor, contractId, { ownOnly: true });
    const header = SERVICE_COLUMNS.map((c) => csvField(STANDARD_HEADERS[c])).join(',');
    const lines = contract.items.map((i) => SERVICE_COLUMNS.map((c) => csvField(c === 'itemCode' ? i.itemCode : '')).join(','));
    return `\uFEFF${[header, ...lines].join('\r\n')}\r\n`;
  }

  formContexts(): Record<string, FormContextProvider> {
    const id = (req: Request, name: string) => String(req.params?.[name] ?? '');
    return {
      'delivery/deliver': forRoles(['org_member', 'org_admin'], (req) =>
        this.deliverPage(actorFromRequest(req), id(req, 'id'), Number.parseInt(id(req, 'position'), 10), (req.body ?? {}) as Record<string, unknown>),
      ),
    };
  }
}

/** Form rows as posted (multipart `records[i][column]` or JSON `records: [{…}]`) → raw strings. */
export function formRowsOf(records: unknown): RawRecord[] {
  if (!Array.isArray(records)) return [];
  return records.map((r) => {
    if (!r || typeof r !== 'object') return {};
    const o = r as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
    return Object.fromEntries(SERVICE_COLUMNS.map((c) => [c, text(o[c])])) as RawRecord;
  });
}

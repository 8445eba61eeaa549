import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { STAFF_READERS } from '../awards/awards.queries';
import { Clock } from '../common/clock/clock';
import { FieldErrors, ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { Contract, ContractMilestone } from '../contracts/contract.entity';
import { ContractStatesService } from '../contracts/contract-states.service';
import { ContractsService } from '../contracts/contracts.service';
import { DocumentsService, LoadedDocument } from '../documents/documents.service';
import { hasAnyRole } from '../identity/domain/roles';
import { NotificationsService } from '../notifications/notifications.service';
import { localDateOf } from '../procurement/domain/local-time';
import { ATTACHMENT_KINDS, AttachmentKind, DeliveryRound, RecordsSource } from './delivery.entities';
import {
  AlreadyDeliveredError,
  ContractNotActiveError,
  DeliveryAttachmentNotFoundError,
  DeliveryContractNotFoundError,
  DeliveryMilestoneNotFoundError,
  DeliveryNotFoundError,
  MilestoneNotOpenError,
} from './delivery.errors';
import { roundFor } from './domain/delivery-rules';
import { RawRecord, ServiceLogContext, ServiceLogProblem, ServiceRecordDraft, validateFormRows, validateServiceLog } from './domain/service-log';
import { readServiceLog } from './service-log.reader';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export const DELIVERY_DOCUMENT_OWNER = 'milestone_delivery';
export const NARRATIVE_MIN = 10;
export const NARRATIVE_MAX = 20_000;
export const ATTACHMENTS_MAX = 20;
/** Problems listed one by one in the refusal of a service log; beyond, a count. */
export const PROBLEMS_LISTED_MAX = 500;
const ORG_ROLES = ['org_member', 'org_admin'];

export interface UploadedFileInput {
  originalName: string;
  buffer: Buffer;
}

export interface SubmitDeliveryInput {
  narrative: string;
  /** Rows of the delivery form (raw strings); ignored rows are the ones left empty. */
  formRows?: RawRecord[];
  /** An uploaded service log (CSV or XLSX) instead of form rows. */
  serviceLog?: UploadedFileInput | null;
  attachments?: Array<UploadedFileInput & { kind: AttachmentKind }>;
}

export interface DeliveryRecordView {
  line: number;
  itemCode: string;
  serviceDate: string | null;
  sessions: number;
  personVisits: number;
  households: number;
  hoursCenti: number;
  note: string | null;
}

export interface DeliveryAttachmentView {
  documentId: string;
  kind: AttachmentKind;
  position: number;
  originalName: string;
  sha256: string;
  uploadedAt: Date;
  contentType: string;
  sizeBytes: number;
}

export interface ServiceTotals {
  sessions: number;
  personVisits: number;
  households: number;
  hoursCenti: number;
}

/** A delivery as the evaluators, the bureau and the organisation read it. */
export interface DeliveryDetail {
  id: string;
  contractId: string;
  organisationId: string;
  milestonePosition: number;
  round: DeliveryRound;
  narrative: string;
  submittedBy: string;
  submitterName: string;
  submittedAt: Date;
  deadlineAt: Date;
  late: boolean;
  recordsSource: RecordsSource;
  serviceLog: { name: string; sha256: string } | null;
  records: DeliveryRecordView[];
  totals: ServiceTotals;
  /** Totals per catalogue item code, in the contract's item order where known. */
  totalsByItem: Array<ServiceTotals & { itemCode: string }>;
  attachments: DeliveryAttachmentView[];
}

export interface DeliverySummary {
  id: string;
  milestonePosition: number;
  round: DeliveryRound;
  submittedAt: Date;
  deadlineAt: Date;
  late: boolean;
}

export interface MilestoneWithDeliveries {
  position: number;
  name: string;
  dueDate: string;
  deliverables: string;
  status: ContractMilestone['status'];
  /** Pending (or in rectification) past its deadline by the database clock. */
  isOverdue: boolean;
  /** The round a delivery now would be, or null when the milestone accepts none. */
  openRound: DeliveryRound | null;
  deadlineAt: Date;
  deliveries: DeliverySummary[];
}

interface DeliveryRow {
  id: string;
  contract_id: string;
  organisation_id: string;
  milestone_position: number;
  round: DeliveryRound;
  narrative: string;
  submitted_by: string;
  submitter_name: string;
  submitted_at: Date;
  deadline_at: Date;
  late: boolean;
  records_source: RecordsSource;
  service_log_name: string | null;
  service_log_sha256: string | null;
}

/** Field messages for a rejected service log: a summary, then one sentence per problem (line, column, what is wrong). */
export function serviceLogFieldErrors(problems: ServiceLogProblem[]): FieldErrors {
  const listed = problems
    .slice(0, PROBLEMS_LISTED_MAX)
    .map((p) =>
      fieldMessage(p.line === null ? `delivery.log.file.${p.code}` : `delivery.log.line.${p.code}`, { line: p.line ?? '', column: p.header ?? '', value: p.value ?? '', ...(p.params ?? {}) }),
    );
  const more = problems.length - listed.length;
  return {
    serviceLog: [fieldMessage('delivery.log.rejected', { count: problems.length }), ...listed, ...(more > 0 ? [fieldMessage('delivery.log.more', { more })] : [])],
  };
}

/** Field messages for form rows: `records.<row index>.<column>`. */
export function formRowFieldErrors(problems: ServiceLogProblem[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const p of problems) {
    const name = p.line === null || p.column === null ? 'records' : `records.${p.line - 1}.${p.column}`;
    (fields[name] ??= []).push(fieldMessage(`delivery.cell.${p.code}`, { value: p.value ?? '', ...(p.params ?? {}) }));
  }
  return fields;
}

function totalsOf(records: ReadonlyArray<ServiceTotals>): ServiceTotals {
  return records.reduce(
    (t, r) => ({ sessions: t.sessions + r.sessions, personVisits: t.personVisits + r.personVisits, households: t.households + r.households, hoursCenti: t.hoursCenti + r.hoursCenti }),
    { sessions: 0, personVisits: 0, households: 0, hoursCenti: 0 },
  );
}

/** SQL: the end of a due date's day in Asia/Shanghai (a milestone due 2026-11-30 is late from 2026-12-01 00:00 CST). */
const END_OF_DUE_DAY = `((m.due_date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')`;

/**
 * Milestone deliveries: the organisation submits, for a milestone of its own active contract,
 * a narrative, service records (form or service log, all or nothing) and attachments; the
 * milestone moves to `delivered` under its row lock, once per round. Exported for the service
 * evaluation: getDelivery, deliveriesOf, milestonesWithDeliveries.
 */
@Injectable()
export class DeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly contracts: ContractsService,
    private readonly contractStates: ContractStatesService,
    private readonly documents: DocumentsService,
    private readonly clock: Clock,
  ) {}

  async submitDelivery(actor: Actor, contractId: string, position: number, input: SubmitDeliveryInput): Promise<DeliveryDetail> {
    const contract = await this.readableContract(actor, contractId, { ownOnly: true });
    const today = localDateOf(await this.clock.now(this.dataSource.manager));
    const { records, source, serviceLog } = await this.checkInput(contract, today, input);
    const attachments = input.attachments ?? [];

    let deliveryId: string;
    try {
      deliveryId = await this.dataSource.transaction(async (m) => {
        const locked = await this.contracts.lockContract(m, contract.id);
        if (locked.organisationId !== actor.organisationId) throw new DeliveryContractNotFoundError();
        if (locked.status !== 'active') throw new ContractNotActiveError(locked.status);
        const [milestone] = (await m.query(
          `SELECT m.position, m.name, m.status, m.due_date::text AS due_date, ${END_OF_DUE_DAY} AS due_deadline
             FROM contract_milestones m WHERE m.contract_id = $1 AND m.position = $2 FOR UPDATE`,
          [contract.id, Number.isSafeInteger(position) ? position : -1],
        )) as Array<{ position: number; name: string; status: string; due_date: string; due_deadline: Date }>;
        if (!milestone) throw new DeliveryMilestoneNotFoundError();
        const round = roundFor(milestone.status);
        if (!round) throw new MilestoneNotOpenError(milestone.status);
        const deadlineAt = round === 2 ? ((await this.rectificationDeadline(m, contract.id, milestone.position)) ?? milestone.due_deadline) : milestone.due_deadline;

        // The database clock, read once: submitted_at and late agree (the table checks it too).
        const [row] = (await m.query(
          `INSERT INTO milestone_deliveries (contract_id, milestone_position, round, narrative, submitted_by, submitted_at, late, organisation_id,
             deadline_at, records_source, service_log_name, service_log_sha256)
           SELECT $1, $2, $3, $4, $5, n.now, n.now > $6::timestamptz, $7, $6::timestamptz, $8, $9, $10 FROM (SELECT app_now() AS now) n
           RETURNING id, submitted_at, late`,
          [contract.id, milestone.position, round, input.narrative.trim(), actor.userId, deadlineAt, contract.organisationId, source, serviceLog?.name ?? null, serviceLog?.sha256 ?? null],
        )) as Array<{ id: string; submitted_at: Date; late: boolean }>;
        if (!(await this.contractStates.markMilestoneDelivered(m, contract.id, milestone.position))) throw new AlreadyDeliveredError();

        await this.insertRecords(m, row.id, records);
        const stored = await this.storeAttachments(m, actor, row.id, attachments);

        const totals = totalsOf(records);
        await this.audit.record(m, actor, {
          action: 'delivery.submitted',
          entityType: 'milestone_delivery',
          entityId: row.id,
          before: { milestoneStatus: milestone.status },
          after: { milestoneStatus: 'delivered', round, late: row.late, submittedAt: row.submitted_at.toISOString() },
          details: {
            contractId: contract.id,
            reference: contract.reference,
            position: milestone.position,
            deadlineAt: new Date(deadlineAt).toISOString(),
            recordsSource: source,
            serviceLogSha256: serviceLog?.sha256 ?? null,
            records: records.length,
            totals,
            attachments: stored.map((a) => ({ documentId: a.documentId, kind: a.kind, sha256: a.sha256 })),
          },
        });
        await this.notifications.notify(m, {
          recipients: { roles: ['bureau_officer'] },
          kind: row.late ? 'delivery.submitted_late' : 'delivery.submitted',
          titleKey: row.late ? 'delivery.notifications.submittedLate' : 'delivery.notifications.submitted',
          params: { reference: contract.reference, position: milestone.position, name: milestone.name, provider: contract.parties.provider.name, round },
          link: `/staff/contracts/${contract.id}/milestones/${milestone.position}/deliveries/${round}`,
        });
        return row.id;
      });
    } catch (error) {
      const { code, constraint } = pgError(error);
      if (code === '23505' && constraint === 'milestone_deliveries_contract_id_milestone_position_round_key') throw new AlreadyDeliveredError();
      throw error;
    }
    return this.getDeliveryById(deliveryId);
  }

  /** Validates everything that needs no lock, all messages at once; nothing is written when anything is wrong. */
  private async checkInput(
    contract: Contract,
    today: string,
    input: SubmitDeliveryInput,
  ): Promise<{ records: ServiceRecordDraft[]; source: RecordsSource; serviceLog: { name: string; sha256: string } | null }> {
    const fields: FieldErrors = {};
    const narrative = (input.narrative ?? '').trim();
    if (narrative.length < NARRATIVE_MIN || narrative.length > NARRATIVE_MAX) fields.narrative = [fieldMessage('delivery.validation.narrativeLength', { min: NARRATIVE_MIN, max: NARRATIVE_MAX })];
    const attachments = input.attachments ?? [];
    if (attachments.length > ATTACHMENTS_MAX) fields.attachments = [fieldMessage('delivery.validation.tooManyAttachments', { max: ATTACHMENTS_MAX })];
    if (attachments.some((a) => !ATTACHMENT_KINDS.includes(a.kind))) fields.attachments = [fieldMessage('delivery.validation.attachmentKind')];

    const ctx: ServiceLogContext = { itemCodes: contract.items.map((i) => i.itemCode), periodStart: contract.serviceStart, periodEnd: contract.serviceEnd, today };
    const formRows = input.formRows ?? [];
    const formUsed = formRows.some((r) => ['date', 'sessions', 'personVisits', 'households', 'hours', 'note'].some((c) => String(r[c as keyof RawRecord] ?? '').trim() !== ''));
    let records: ServiceRecordDraft[] = [];
    let source: RecordsSource = 'form';
    let serviceLog: { name: string; sha256: string } | null = null;

    if (input.serviceLog && input.serviceLog.buffer?.length) {
      if (formUsed) {
        fields.serviceLog = [fieldMessage('delivery.validation.logOrForm')];
      } else {
        const read = await readServiceLog(input.serviceLog.buffer);
        if (!read.ok) {
          fields.serviceLog = [fieldMessage(`delivery.log.read.${read.reason}`)];
        } else {
          const result = validateServiceLog(read.table, ctx);
          if (!result.ok) Object.assign(fields, serviceLogFieldErrors(result.problems));
          else records = result.records;
          source = read.kind;
          serviceLog = { name: (input.serviceLog.originalName || `service-log.${read.kind}`).replace(/^.*[\\/]/, '').slice(0, 255) || `service-log.${read.kind}`, sha256: read.sha256 };
        }
      }
    } else {
      const result = validateFormRows(formRows, ctx);
      if (!result.ok) {
        const rowFields = formRowFieldErrors(result.problems);
        if (rowFields.records) rowFields.records = [fieldMessage('delivery.validation.noRecords')];
        Object.assign(fields, rowFields);
      } else records = result.records;
    }
    if (Object.keys(fields).length) {
      throw new ValidationFailedError(
        fields,
        fields.serviceLog && serviceLog ? 'The service log was rejected; nothing was imported' : 'The delivery has problems',
        fields.serviceLog ? 'DELIVERY.SERVICE_LOG_REJECTED' : 'DELIVERY.INVALID',
      );
    }
    return { records, source, serviceLog };
  }

  private async insertRecords(m: EntityManager, deliveryId: string, records: ServiceRecordDraft[]): Promise<void> {
    // One statement for the whole log (up to thousands of lines).
    await m.query(
      `INSERT INTO delivery_service_records (delivery_id, line, item_code, service_date, sessions, person_visits, households, hours_centi, note)
       SELECT $1, r.line, r.item_code, r.service_date, r.sessions, r.person_visits, r.households, r.hours_centi, r.note
         FROM unnest($2::int[], $3::text[], $4::date[], $5::int[], $6::int[], $7::int[], $8::int[], $9::text[])
           AS r(line, item_code, service_date, sessions, person_visits, households, hours_centi, note)`,
      [
        deliveryId,
        records.map((r) => r.line),
        records.map((r) => r.itemCode),
        records.map((r) => r.serviceDate),
        records.map((r) => r.sessions),
        records.map((r) => r.personVisits),
        records.map((r) => r.households),
        records.map((r) => r.hoursCenti),
        records.map((r) => r.note),
      ],
    );
  }

  private async storeAttachments(m: EntityManager, actor: Actor, deliveryId: string, attachments: NonNullable<SubmitDeliveryInput['attachments']>) {
    const stored: Array<{ documentId: string; kind: AttachmentKind; sha256: string }> = [];
    let position = 0;
    for (const a of attachments) {
      const field = a.kind === 'photo' ? 'photos' : a.kind === 'sign_in_sheet' ? 'signInSheets' : 'otherAttachments';
      const doc = await this.documents.store(m, {
        ownerType: DELIVERY_DOCUMENT_OWNER,
        ownerId: deliveryId,
        kind: `delivery_${a.kind}`,
        originalName: a.originalName,
        buffer: a.buffer,
        uploadedBy: actor.userId,
        field,
      });
      if (a.kind === 'photo' && doc.contentType === 'application/pdf') {
        throw new ValidationFailedError({ photos: [fieldMessage('delivery.validation.photoType', { name: doc.originalName })] }, 'A photo must be a JPEG or PNG image', 'DELIVERY.INVALID');
      }
      await m.query(`INSERT INTO delivery_attachments (delivery_id, document_id, kind, position, original_name, sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        deliveryId,
        doc.id,
        a.kind,
        ++position,
        doc.originalName,
        doc.sha256,
        doc.uploadedAt,
      ]);
      stored.push({ documentId: doc.id, kind: a.kind, sha256: doc.sha256 });
    }
    return stored;
  }

  /** The rectification deadline set by the service evaluation, when its table exists and has one for this milestone. */
  private async rectificationDeadline(m: EntityManager, contractId: string, position: number): Promise<Date | null> {
    const [{ exists }] = (await m.query(`SELECT to_regclass('public.milestone_rectifications') IS NOT NULL AS exists`)) as Array<{ exists: boolean }>;
    if (!exists) return null;
    const [row] = (await m.query(`SELECT deadline FROM milestone_rectifications WHERE contract_id = $1 AND milestone_position = $2 AND deadline IS NOT NULL ORDER BY deadline DESC LIMIT 1`, [
      contractId,
      position,
    ])) as Array<{ deadline: Date }>;
    return row?.deadline ?? null;
  }

  // ── Reads ──────────────────────────────────────────────────────────────────────────────────

  /**
   * The contract if the actor may read its deliveries: bureau staff any, an organisation its own
   * (anyone else: 404). `ownOnly` is for acting as the organisation.
   */
  async readableContract(actor: Actor, contractId: string, options: { ownOnly?: boolean } = {}): Promise<Contract> {
    if (!isUuid(contractId)) throw new DeliveryContractNotFoundError();
    const contract = await this.contracts.getContract(contractId).catch(() => null);
    if (!contract) throw new DeliveryContractNotFoundError();
    const isStaff = !options.ownOnly && hasAnyRole(actor.roles, STAFF_READERS);
    const isOwner = hasAnyRole(actor.roles, ORG_ROLES) && actor.organisationId !== null && actor.organisationId === contract.organisationId;
    if (!isStaff && !isOwner) throw new DeliveryContractNotFoundError();
    return contract;
  }

  /** One delivery with its records and attachments (for the service evaluation). DeliveryNotFoundError when there is none. */
  async getDelivery(contractId: string, position: number, round: number, manager: EntityManager = this.dataSource.manager): Promise<DeliveryDetail> {
    if (!isUuid(contractId) || !Number.isSafeInteger(position) || !Number.isSafeInteger(round)) throw new DeliveryNotFoundError();
    const [row] = (await manager.query(`${DELIVERY_SQL} WHERE d.contract_id = $1 AND d.milestone_position = $2 AND d.round = $3`, [contractId, position, round])) as DeliveryRow[];
    if (!row) throw new DeliveryNotFoundError();
    return this.detailOf(manager, row);
  }

  /** The latest delivery of a milestone (round 2 after rectification), or null. */
  async latestDelivery(contractId: string, position: number, manager: EntityManager = this.dataSource.manager): Promise<DeliveryDetail | null> {
    if (!isUuid(contractId) || !Number.isSafeInteger(position)) return null;
    const [row] = (await manager.query(`${DELIVERY_SQL} WHERE d.contract_id = $1 AND d.milestone_position = $2 ORDER BY d.round DESC LIMIT 1`, [contractId, position])) as DeliveryRow[];
    return row ? this.detailOf(manager, row) : null;
  }

  async getDeliveryById(id: string): Promise<DeliveryDetail> {
    const [row] = isUuid(id) ? ((await this.dataSource.query(`${DELIVERY_SQL} WHERE d.id = $1`, [id])) as DeliveryRow[]) : [];
    if (!row) throw new DeliveryNotFoundError();
    return this.detailOf(this.dataSource.manager, row);
  }

  /** A delivery the actor may read (staff, or the organisation its own). */
  async getReadableDelivery(actor: Actor, contractId: string, position: number, round: number, options: { ownOnly?: boolean } = {}): Promise<{ contract: Contract; delivery: DeliveryDetail }> {
    const contract = await this.readableContract(actor, contractId, options);
    return { contract, delivery: await this.getDelivery(contract.id, position, round) };
  }

  /** An attachment of a delivery the actor may read: the bytes, with their sha256 and upload time. */
  async loadAttachment(actor: Actor, contractId: string, position: number, round: number, documentId: string, options: { ownOnly?: boolean } = {}): Promise<LoadedDocument> {
    const { delivery } = await this.getReadableDelivery(actor, contractId, position, round, options);
    if (!delivery.attachments.some((a) => a.documentId === documentId)) throw new DeliveryAttachmentNotFoundError();
    return this.documents.load(documentId);
  }

  /** Every delivery of a contract, by milestone and round. */
  async deliveriesOf(contractId: string, manager: EntityManager = this.dataSource.manager): Promise<DeliverySummary[]> {
    if (!isUuid(contractId)) return [];
    const rows = (await manager.query(`SELECT id, milestone_position, round, submitted_at, deadline_at, late FROM milestone_deliveries WHERE contract_id = $1 ORDER BY milestone_position, round`, [
      contractId,
    ])) as Array<{ id: string; milestone_position: number; round: DeliveryRound; submitted_at: Date; deadline_at: Date; late: boolean }>;
    return rows.map((r) => ({ id: r.id, milestonePosition: r.milestone_position, round: r.round, submittedAt: r.submitted_at, deadlineAt: r.deadline_at, late: r.late }));
  }

  /** The milestones of a contract with their deliveries, overdue by the database clock. */
  async milestonesWithDeliveries(contractId: string, manager: EntityManager = this.dataSource.manager): Promise<MilestoneWithDeliveries[]> {
    const rows = (await manager.query(
      `SELECT m.position, m.name, m.due_date::text AS due_date, m.deliverables, m.status, ${END_OF_DUE_DAY} AS deadline_at,
              (m.status IN ('pending', 'rectification') AND app_now() > ${END_OF_DUE_DAY}) AS overdue
         FROM contract_milestones m WHERE m.contract_id = $1 ORDER BY m.position`,
      [contractId],
    )) as Array<{ position: number; name: string; due_date: string; deliverables: string; status: ContractMilestone['status']; deadline_at: Date; overdue: boolean }>;
    const deliveries = await this.deliveriesOf(contractId, manager);
    const rectification = rows.some((r) => r.status === 'rectification');
    const deadlines = new Map<number, Date>();
    if (rectification) {
      for (const r of rows.filter((x) => x.status === 'rectification')) {
        const d = await this.rectificationDeadline(manager, contractId, r.position);
        if (d) deadlines.set(r.position, d);
      }
    }
    const [{ now }] = (await manager.query(`SELECT app_now() AS now`)) as Array<{ now: Date }>;
    return rows.map((r) => {
      const deadlineAt = deadlines.get(r.position) ?? r.deadline_at;
      const isOverdue = r.status === 'rectification' ? now > deadlineAt : r.overdue;
      return {
        position: r.position,
        name: r.name,
        dueDate: r.due_date,
        deliverables: r.deliverables,
        status: r.status,
        isOverdue,
        openRound: roundFor(r.status),
        deadlineAt,
        deliveries: deliveries.filter((d) => d.milestonePosition === r.position),
      };
    });
  }

  private async detailOf(manager: EntityManager, row: DeliveryRow): Promise<DeliveryDetail> {
    const records = (
      (await manager.query(
        `SELECT line, item_code, service_date::text AS service_date, sessions, person_visits, households, hours_centi, note FROM delivery_service_records WHERE delivery_id = $1 ORDER BY line`,
        [row.id],
      )) as Array<{ line: number; item_code: string; service_date: string | null; sessions: number; person_visits: number; households: number; hours_centi: number; note: string | null }>
    ).map((r) => ({
      line: r.line,
      itemCode: r.item_code,
      serviceDate: r.service_date,
      sessions: r.sessions,
      personVisits: r.person_visits,
      households: r.households,
      hoursCenti: r.hours_centi,
      note: r.note,
    }));
    const attachments = (
      (await manager.query(
        `SELECT a.document_id, a.kind, a.position, a.original_name, a.sha256, a.uploaded_at, d.content_type, d.size_bytes
           FROM delivery_attachments a JOIN documents d ON d.id = a.document_id WHERE a.delivery_id = $1 ORDER BY a.position`,
        [row.id],
      )) as Array<{ document_id: string; kind: AttachmentKind; position: number; original_name: string; sha256: string; uploaded_at: Date; content_type: string; size_bytes: number }>
    ).map((a) => ({
      documentId: a.document_id,
      kind: a.kind,
      position: a.position,
      originalName: a.original_name,
      sha256: a.sha256.trim(),
      uploadedAt: a.uploaded_at,
      contentType: a.content_type,
      sizeBytes: a.size_bytes,
    }));
    const codes = [...new Set(records.map((r) => r.itemCode))];
    return {
      id: row.id,
      contractId: row.contract_id,
      organisationId: row.organisation_id,
      milestonePosition: row.milestone_position,
      round: row.round,
      narrative: row.narrative,
      submittedBy: row.submitted_by,
      submitterName: row.submitter_name,
      submittedAt: row.submitted_at,
      deadlineAt: row.deadline_at,
      late: row.late,
      recordsSource: row.records_source,
      serviceLog: row.service_log_sha256 && row.service_log_name ? { name: row.service_log_name, sha256: row.service_log_sha256.trim() } : null,
      records,
      totals: totalsOf(records),
      totalsByItem: codes.map((itemCode) => ({ itemCode, ...totalsOf(records.filter((r) => r.itemCode === itemCode)) })),
      attachments,
    };
  }
}

const DELIVERY_SQL = `
  SELECT d.id, d.contract_id, d.organisation_id, d.milestone_position, d.round, d.narrative, d.submitted_by, u.display_name AS submitter_name,
         d.submitted_at, d.deadline_at, d.late, d.records_source, d.service_log_name, d.service_log_sha256
    FROM milestone_deliveries d JOIN user_names u ON u.id = d.submitted_by`;

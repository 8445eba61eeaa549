import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../../audit/actor';
import { AuditService } from '../../audit/audit.service';
import { Clock } from '../../common/clock/clock';
import { parseMinor } from '../../common/money/money';
import { NotificationsService } from '../../notifications/notifications.service';
import { AlreadyOpenedError, NotOpenableError, NotYetDueError, OpeningNotFoundError } from '../bidding.errors';
import { BidContent, isDueForOpening, parseBidContent } from '../domain/bid-content';
import { BiddingProject, ProjectsService } from '../../procurement/projects.service';
import { canonicalJson, receiptHash } from '../sealing/sealing';
import { SealingService } from '../sealing/sealing.service';
import { APP_LOGGER } from '../../common/logging/logger';

export type OpeningTrigger = 'job' | 'staff';

export interface OpeningOutcome {
  opened: boolean;
  /** Why nothing was done (job only): not yet due, already opened, not open for bids. */
  skipped?: 'not_due' | 'already_opened' | 'not_openable';
  bidCount?: number;
  decryptedCount?: number;
  failed?: boolean;
}

export interface OpenedBidRecord {
  bidId: string;
  organisationId: string;
  organisationName: string;
  version: number;
  submittedAt: Date;
  receiptSha256: string;
  decrypted: boolean;
  decryptError: string | null;
  priceMinor: number | null;
}

export interface OpeningRecord {
  project: { id: string; reference: string; title: string; purchaserName: string; status: string; failedReason: string | null; bidDeadlineAt: Date | null };
  openedAt: Date;
  trigger: OpeningTrigger;
  bidCount: number;
  bids: OpenedBidRecord[];
}

export type ReceiptCheck =
  | { status: 'verified'; bid: OpenedBidRecord }
  | { status: 'mismatch'; bid: OpenedBidRecord }
  | { status: 'undecryptable'; bid: OpenedBidRecord }
  | { status: 'superseded'; version: number; kind: string }
  | { status: 'unknown' };

interface SealedRow {
  bid_id: string;
  organisation_id: string;
  version: number;
  submitted_at: Date;
  receipt_sha256: string;
  sealed_content: Buffer;
  iv: Buffer;
  auth_tag: Buffer;
}

/** Decrypts one sealed version and checks it against its receipt; the problem when it cannot. */
export function openSealed(
  unseal: () => string,
  row: { receipt_sha256: string },
  ref: { projectId: string; bidId: string; version: number },
): { content: BidContent; plaintext: string } | { problem: string } {
  let plaintext: string;
  try {
    plaintext = unseal();
  } catch (error) {
    return { problem: `decryption failed: ${(error as Error).message}` };
  }
  if (receiptHash(plaintext) !== row.receipt_sha256.trim()) return { problem: 'the decrypted content does not match its receipt hash' };
  const parsed = parseBidContent(plaintext, ref);
  if ('problem' in parsed) return parsed;
  if (canonicalJson(parsed.content) !== plaintext) return { problem: 'the decrypted content is not canonical' };
  return { content: parsed.content, plaintext };
}

/**
 * The opening (开标): once, after the deadline, by the job or an officer. One transaction locks
 * the project row FOR UPDATE, so it waits for every submission still holding its share lock and
 * sees exactly the bids acknowledged before the deadline.
 */
@Injectable()
export class OpeningService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly sealing: SealingService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Opens the project's bids if it is due. The job calls it as often as it likes (a project not
   * due, or already opened, is skipped); an officer gets a clear refusal instead.
   */
  async openProject(actor: Actor, projectId: string, trigger: OpeningTrigger): Promise<OpeningOutcome> {
    return this.dataSource.transaction(async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'update' });
      const now = await this.clock.now(m);
      if (!isDueForOpening(project, now)) {
        const [{ opened }] = (await m.query(`SELECT EXISTS (SELECT 1 FROM bid_openings WHERE project_id = $1) AS opened`, [project.id])) as Array<{ opened: boolean }>;
        const skipped = opened ? 'already_opened' : project.status === 'published' ? 'not_due' : 'not_openable';
        if (trigger === 'job') return { opened: false, skipped };
        if (skipped === 'already_opened') throw new AlreadyOpenedError();
        if (skipped === 'not_due') throw new NotYetDueError(project.bidDeadlineAt);
        throw new NotOpenableError();
      }
      return this.open(m, actor, project, now, trigger);
    });
  }

  private async open(m: EntityManager, actor: Actor, project: BiddingProject, now: Date, trigger: OpeningTrigger): Promise<OpeningOutcome> {
    await this.projects.markClosed(m, project.id, now);
    // A wrong master key throws here and rolls everything back: bids are never recorded as
    // undecryptable because this instance holds the wrong key; the job retries.
    const dataKey = await this.sealing.dataKey(m, project.id);
    const rows = (await m.query(
      `SELECT b.id AS bid_id, b.organisation_id, v.version, v.submitted_at, v.receipt_sha256, v.sealed_content, v.iv, v.auth_tag
         FROM bids b JOIN bid_versions v ON v.bid_id = b.id AND v.version = b.current_version
        WHERE b.project_id = $1 AND b.status = 'submitted' AND v.kind <> 'withdrawal'
        ORDER BY v.submitted_at, b.id`,
      [project.id],
    )) as SealedRow[];
    await m.query(`INSERT INTO bid_openings (project_id, opened_at, opened_by, trigger, bid_count) VALUES ($1, $2, $3, $4, $5)`, [project.id, now, actor.userId, trigger, rows.length]);
    let decryptedCount = 0;
    for (const row of rows) {
      const ref = { projectId: project.id, bidId: row.bid_id, version: row.version };
      const result = dataKey
        ? openSealed(() => this.sealing.unseal(dataKey, { ciphertext: row.sealed_content, iv: row.iv, authTag: row.auth_tag }, ref), row, ref)
        : { problem: 'the project has no data key' };
      if ('content' in result) decryptedCount++;
      else this.logger.warn({ projectId: project.id, bidId: row.bid_id, problem: result.problem }, 'bid could not be opened');
      await m.query(
        `INSERT INTO opened_bids (bid_id, project_id, organisation_id, version, submitted_at, receipt_sha256, decrypted, decrypt_error, price_minor, content)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
        [
          row.bid_id,
          project.id,
          row.organisation_id,
          row.version,
          row.submitted_at,
          row.receipt_sha256,
          'content' in result,
          'problem' in result ? result.problem : null,
          'content' in result ? result.content.priceMinor : null,
          'content' in result ? result.plaintext : null,
        ],
      );
    }
    await this.projects.markOpened(m, project.id, now);
    await this.audit.record(m, actor, {
      action: 'project.bids_opened',
      entityType: 'project',
      entityId: project.id,
      before: { status: 'published' },
      after: { status: 'opened' },
      details: { trigger, bidCount: rows.length, decryptedCount, undecryptable: rows.length - decryptedCount },
    });
    const bidders = (await m.query(`SELECT DISTINCT organisation_id FROM bids WHERE project_id = $1`, [project.id])) as Array<{ organisation_id: string }>;
    const link = `/notices/projects/${encodeURIComponent(project.reference)}/opening`;
    await this.notifications.notify(m, {
      recipients: { organisationIds: bidders.map((b) => b.organisation_id), roles: ['bureau_officer'] },
      kind: 'project.bids_opened',
      titleKey: 'bidding.notifications.opened',
      params: { reference: project.reference, title: project.title, count: rows.length },
      link,
    });
    const minimum = this.projects.minValidBids(project);
    const failed = decryptedCount < minimum;
    if (failed) {
      // 流标: procurement releases the reservation, records why and tells the bidders.
      await this.projects.markFailed(m, actor, project.id, `开标有效投标 ${decryptedCount} 家，少于要求的 ${minimum} 家（流标）`);
    }
    this.logger.info({ projectId: project.id, trigger, bidCount: rows.length, decryptedCount, failed }, 'bids opened');
    return { opened: true, bidCount: rows.length, decryptedCount, failed };
  }

  /** The public opening record (开标记录) by project reference. */
  async getOpeningRecord(reference: string): Promise<OpeningRecord> {
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.reference, p.title, p.purchaser_name, p.status, p.failed_reason, p.bid_deadline_at, o.opened_at, o.trigger, o.bid_count
         FROM projects p JOIN bid_openings o ON o.project_id = p.id WHERE p.reference = $1`,
      [reference],
    )) as Array<{
      id: string;
      reference: string;
      title: string;
      purchaser_name: string;
      status: string;
      failed_reason: string | null;
      bid_deadline_at: Date | null;
      opened_at: Date;
      trigger: OpeningTrigger;
      bid_count: number;
    }>;
    const o = rows[0];
    if (!o) throw new OpeningNotFoundError();
    return {
      project: { id: o.id, reference: o.reference, title: o.title, purchaserName: o.purchaser_name, status: o.status, failedReason: o.failed_reason, bidDeadlineAt: o.bid_deadline_at },
      openedAt: o.opened_at,
      trigger: o.trigger,
      bidCount: o.bid_count,
      bids: await this.openedBids(this.dataSource.manager, o.id),
    };
  }

  /** Checks a receipt hash against the opening record: recomputes it from the opened content. */
  async verifyReceipt(reference: string, receipt: string): Promise<{ record: OpeningRecord; check: ReceiptCheck }> {
    const record = await this.getOpeningRecord(reference);
    const hash = receipt.trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) return { record, check: { status: 'unknown' } };
    const bid = record.bids.find((b) => b.receiptSha256 === hash);
    if (bid) {
      if (!bid.decrypted) return { record, check: { status: 'undecryptable', bid } };
      const [row] = (await this.dataSource.query(`SELECT content FROM opened_bids WHERE bid_id = $1`, [bid.bidId])) as Array<{ content: unknown }>;
      return { record, check: { status: receiptHash(canonicalJson(row.content)) === hash ? 'verified' : 'mismatch', bid } };
    }
    const older = (await this.dataSource.query(`SELECT version, kind FROM bid_versions WHERE project_id = $1 AND receipt_sha256 = $2`, [record.project.id, hash])) as Array<{
      version: number;
      kind: string;
    }>;
    if (older[0]) return { record, check: { status: 'superseded', version: older[0].version, kind: older[0].kind } };
    return { record, check: { status: 'unknown' } };
  }

  /** Opened bids with their decrypted content, for staff after the opening. */
  async getOpenedBidsForStaff(projectId: string): Promise<Array<OpenedBidRecord & { content: BidContent | null }>> {
    const opened = await this.openedBids(this.dataSource.manager, projectId);
    const contents = (await this.dataSource.query(`SELECT bid_id, content FROM opened_bids WHERE project_id = $1`, [projectId])) as Array<{ bid_id: string; content: BidContent | null }>;
    const byId = new Map(contents.map((c) => [c.bid_id, c.content]));
    return opened.map((b) => ({ ...b, content: byId.get(b.bidId) ?? null }));
  }

  async isOpened(projectId: string): Promise<boolean> {
    const [{ opened }] = (await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM bid_openings WHERE project_id = $1) AS opened`, [projectId])) as Array<{ opened: boolean }>;
    return opened;
  }

  private async openedBids(m: EntityManager, projectId: string): Promise<OpenedBidRecord[]> {
    const rows = (await m.query(
      `SELECT ob.bid_id, ob.organisation_id, org.name_zh, ob.version, ob.submitted_at, ob.receipt_sha256, ob.decrypted, ob.decrypt_error, ob.price_minor
         FROM opened_bids ob JOIN organisation_labels org ON org.id = ob.organisation_id
        WHERE ob.project_id = $1 ORDER BY ob.submitted_at, ob.bid_id`,
      [projectId],
    )) as Array<{
      bid_id: string;
      organisation_id: string;
      name_zh: string;
      version: number;
      submitted_at: Date;
      receipt_sha256: string;
      decrypted: boolean;
      decrypt_error: string | null;
      price_minor: string | null;
    }>;
    return rows.map((r) => ({
      bidId: r.bid_id,
      organisationId: r.organisation_id,
      organisationName: r.name_zh,
      version: r.version,
      submittedAt: r.submitted_at,
      receiptSha256: r.receipt_sha256.trim(),
      decrypted: r.decrypted,
      decryptError: r.decrypt_error,
      priceMinor: parseMinor(r.price_minor),
    }));
  }
}

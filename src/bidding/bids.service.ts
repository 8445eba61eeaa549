import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../audit/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { DocumentsService, LoadedDocument } from '../documents/documents.service';
import { UploadedDocumentFile } from '../documents/upload';
import { translate } from '../i18n/i18n';
import { BidAlreadyWithdrawnError, BidConflictError, BidNotFoundError, BidWindowClosedError, NotEligibleError, OrganisationRequiredError, isBidWindowClosedAtCommit } from './bidding.errors';
import { BIDDING_CONFIG, BiddingConfig } from './bidding.config';
import { BidAttachment, BidContent, BidInput, LIMITS, buildBidContent, isBiddingOpen, parseBidContent } from './domain/bid-content';
import { OpeningJobs } from './opening/opening.jobs';
import { EligibilityOrganisation, EligibilityProblem, eligibilityProblems } from '../procurement/domain/eligibility';
import { BiddingProject, ProjectsService } from '../procurement/projects.service';
import { canonicalJson, newNonce, receiptHash, sealAttachment, unsealAttachment } from './sealing/sealing';
import { ProjectKeyRow, SealingService } from './sealing/sealing.service';
import { SubmissionGate } from './submission-gate';
import { pgError } from '../common/errors/pg-error';
import { isUuid } from '../common/validation/uuid';

export type BidVersionKind = 'submission' | 'amendment' | 'withdrawal';

/** What a submission, amendment or withdrawal returns, and what the receipt file says. */
export interface BidReceipt {
  projectId: string;
  projectReference: string;
  bidId: string;
  organisationId: string;
  version: number;
  kind: BidVersionKind;
  /** Database time of the submission (the clock that decides the deadline). */
  submittedAt: Date;
  /** sha256 of the sealed plaintext; null for a withdrawal. */
  receiptSha256: string | null;
}

export interface BidVersionSummary {
  version: number;
  kind: BidVersionKind;
  submittedAt: Date;
  receiptSha256: string | null;
}

export interface OwnBid {
  id: string;
  status: 'submitted' | 'withdrawn';
  currentVersion: number;
  firstSubmittedAt: Date;
  lastChangedAt: Date;
  versions: BidVersionSummary[];
  /** The latest sealed content, decrypted for its own organisation; null when withdrawn. */
  content: BidContent | null;
  /**
   * When withdrawn: the content of the version that was withdrawn (this organisation's own, the
   * latest sealed one), offered to pre-fill a new bid; null otherwise.
   */
  withdrawnContent: BidContent | null;
}

export interface BidPage {
  project: BiddingProject;
  now: Date;
  isOpen: boolean;
  problems: EligibilityProblem[];
  bid: OwnBid | null;
  isOpened: boolean;
}

export interface MyBidRow {
  bidId: string;
  projectId: string;
  projectReference: string;
  projectTitle: string;
  projectStatus: string;
  bidDeadlineAt: Date | null;
  status: 'submitted' | 'withdrawn';
  currentVersion: number;
  lastChangedAt: Date;
  isOpened: boolean;
  /** The current version has a receipt (a sealed submission or amendment, not a withdrawal). */
  hasReceipt: boolean;
}

export interface SubmitBidInput extends BidInput {
  /** Attachments of the current version to carry over (document ids). */
  keepAttachmentIds?: string[];
}

interface BidRow {
  id: string;
  status: 'submitted' | 'withdrawn';
  current_version: number;
}

/** How long refuseIfClosed trusts what it last read of a project's bidding window. */
const OPEN_WINDOW_TTL_MS = 1000;
/** Closer than this to the deadline (by the database clock, as estimated), it always asks. */
const OPEN_WINDOW_MARGIN_MS = 2000;

/**
 * Sealed bids of organisations: one bid per organisation and project, each change a new
 * version (the latest counts), contents sealed before they reach the database. Only the bidding
 * organisation reads its bid before the opening.
 */
@Injectable()
export class BidsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly projects: ProjectsService,
    private readonly sealing: SealingService,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: OpeningJobs,
    @Inject(BIDDING_CONFIG) config: BiddingConfig,
  ) {
    this.gate = new SubmissionGate(config.submissionConcurrency);
  }

  private readonly gate: SubmissionGate;
  /** Projects recently seen open by refuseIfClosed: deadline, database clock minus ours, valid until. */
  private readonly openWindows = new Map<string, { deadlineMs: number; skewMs: number; until: number }>();

  /**
   * Submits the organisation's bid, or amends it when one exists (a new version). The project
   * row is share-locked, so the opening (which locks it for update) waits for this transaction;
   * the deferred trigger re-checks the deadline at COMMIT.
   */
  /**
   * An amendment changed what bidders submit (procurement calls this in its transaction): every
   * submitted bid of the project must be looked at again. Returns the organisations flagged.
   */
  async flagForReview(manager: EntityManager, projectId: string): Promise<string[]> {
    const result = (await manager.query(`UPDATE bids SET needs_review = true WHERE project_id = $1 AND status = 'submitted' RETURNING organisation_id`, [projectId])) as unknown[];
    return ((Array.isArray(result[0]) ? result[0] : result) as Array<{ organisation_id: string }>).map((r) => r.organisation_id);
  }

  async submitBid(actor: Actor, projectId: string, input: SubmitBidInput, uploaded: UploadedDocumentFile[] = []): Promise<BidReceipt> {
    const organisationId = requireOrganisation(actor);
    // A browser sends an empty, nameless part for a file input left empty.
    const files = uploaded.filter((f) => f.size > 0 || f.originalname);
    await this.refuseIfClosed(projectId);
    if (files.length > LIMITS.attachmentsMax) {
      throw new ValidationFailedError({ attachments: [fieldMessage('validation.bidTooManyAttachments', { max: LIMITS.attachmentsMax })] }, 'Too many attachments', 'BIDDING.INVALID_BID');
    }
    return this.commit(async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'share' });
      const context = await this.lockBidContext(m, project.id, organisationId);
      const now = context.now;
      this.assertOpen(project, now);
      const problems = eligibilityProblems(context.organisation, project);
      if (problems.length) throw new NotEligibleError(problems.map((p) => translate('zh-CN', p)));
      const { dataKey, created } = await this.sealing.dataKeyForSealing(m, project.id, context.key);
      if (created) await this.jobs.scheduleOpening(m, project);

      let bid = context.bid;
      let isNew = false;
      if (!bid) {
        const id = randomUUID();
        const inserted = (await m.query(
          `INSERT INTO bids (id, project_id, organisation_id, status, current_version, first_submitted_at, last_changed_at)
           VALUES ($1, $2, $3, 'submitted', 1, $4, $4)
           ON CONFLICT (project_id, organisation_id) DO NOTHING RETURNING id`,
          [id, project.id, organisationId, now],
        )) as unknown[];
        if (inserted.length) {
          bid = { id, status: 'submitted', current_version: 0 };
          isNew = true;
        } else {
          // A first submission of the same organisation committed meanwhile: this one amends it.
          bid = await this.lockBid(m, project.id, organisationId);
          if (!bid) throw new BidConflictError();
        }
      }
      const version = bid.current_version + 1;
      const kind: BidVersionKind = isNew || bid.status === 'withdrawn' ? 'submission' : 'amendment';

      const attachments = await this.collectAttachments(m, actor, { projectId: project.id, bidId: bid.id, dataKey }, input.keepAttachmentIds ?? [], files);
      const content = buildBidContent(input, {
        project,
        organisationId,
        bidId: bid.id,
        version,
        attachments,
        declarationText: translate('zh-CN', 'bidding.declaration.text'),
        nonce: newNonce(),
      });
      const plaintext = canonicalJson(content);
      const hash = receiptHash(plaintext);
      const sealed = this.sealing.seal(dataKey, plaintext, { projectId: project.id, bidId: bid.id, version });
      // The version and the bid's pointer to it in one statement (the bid row is locked or new).
      await m.query(
        `WITH v AS (
           INSERT INTO bid_versions (bid_id, version, project_id, kind, sealed_content, iv, auth_tag, receipt_sha256, submitted_at, submitted_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING bid_id)
         UPDATE bids SET status = 'submitted', current_version = $2, last_changed_at = $9 WHERE id = (SELECT bid_id FROM v)`,
        [bid.id, version, project.id, kind, sealed.ciphertext, sealed.iv, sealed.authTag, hash, now, actor.userId],
      );
      await this.audit.record(m, actor, {
        action: kind === 'amendment' ? 'bid.amended' : 'bid.submitted',
        entityType: 'bid',
        entityId: bid.id,
        after: { status: 'submitted', version },
        // Never the price or the proposal: only what the receipt shows.
        details: { projectId: project.id, kind, receiptSha256: hash, attachments: attachments.length },
      });
      return { projectId: project.id, projectReference: project.reference, bidId: bid.id, organisationId, version, kind, submittedAt: now, receiptSha256: hash };
    });
  }

  /** Withdraws the bid before the deadline (a withdrawal version; the organisation may submit again). */
  async withdrawBid(actor: Actor, projectId: string): Promise<BidReceipt> {
    const organisationId = requireOrganisation(actor);
    await this.refuseIfClosed(projectId);
    return this.commit(async (m) => {
      const { project, now } = await this.openProjectForChange(m, projectId);
      const bid = await this.lockBid(m, project.id, organisationId);
      if (!bid) throw new BidNotFoundError();
      if (bid.status === 'withdrawn') throw new BidAlreadyWithdrawnError();
      const version = bid.current_version + 1;
      await m.query(`INSERT INTO bid_versions (bid_id, version, project_id, kind, submitted_at, submitted_by) VALUES ($1, $2, $3, 'withdrawal', $4, $5)`, [
        bid.id,
        version,
        project.id,
        now,
        actor.userId,
      ]);
      await m.query(`UPDATE bids SET status = 'withdrawn', current_version = $2, last_changed_at = $3 WHERE id = $1`, [bid.id, version, now]);
      await this.audit.record(m, actor, {
        action: 'bid.withdrawn',
        entityType: 'bid',
        entityId: bid.id,
        before: { status: 'submitted', version: bid.current_version },
        after: { status: 'withdrawn', version },
        details: { projectId: project.id },
      });
      return { projectId: project.id, projectReference: project.reference, bidId: bid.id, organisationId, version, kind: 'withdrawal', submittedAt: now, receiptSha256: null };
    });
  }

  /**
   * The withdrawal's preconditions, checked before its confirmation step is shown (bidding still
   * open, a bid to withdraw): nobody confirms and is only then told it was never allowed.
   * `withdrawBid` checks them again under its locks.
   */
  async checkWithdrawal(actor: Actor, projectId: string): Promise<BidPage> {
    const page = await this.getBidPage(actor, projectId);
    this.assertOpen(page.project, page.now);
    if (!page.bid) throw new BidNotFoundError();
    if (page.bid.status === 'withdrawn') throw new BidAlreadyWithdrawnError();
    return page;
  }

  /** The bid page: the project, whether bidding is open and the organisation may bid, and its own bid decrypted. */
  async getBidPage(actor: Actor, projectId: string): Promise<BidPage> {
    const organisationId = requireOrganisation(actor);
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'share' });
      const now = await this.clock.now(m);
      const organisation = await this.readOrganisation(m, organisationId);
      const bid = await this.readOwnBid(m, project.id, organisationId);
      const [{ opened }] = (await m.query(`SELECT EXISTS (SELECT 1 FROM bid_openings WHERE project_id = $1) AS opened`, [project.id])) as Array<{ opened: boolean }>;
      return { project, now, isOpen: isBiddingOpen(project, now), problems: eligibilityProblems(organisation, project), bid, isOpened: opened };
    });
  }

  /** The organisation's own bid with its latest content decrypted, or null. */
  async getOwnBid(actor: Actor, projectId: string): Promise<{ project: BiddingProject; bid: OwnBid }> {
    const organisationId = requireOrganisation(actor);
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'share' });
      const bid = await this.readOwnBid(m, project.id, organisationId);
      if (!bid) throw new BidNotFoundError();
      return { project, bid };
    });
  }

  async listMyBids(actor: Actor): Promise<MyBidRow[]> {
    const organisationId = requireOrganisation(actor);
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.project_id, p.reference, p.title, p.status AS project_status, p.bid_deadline_at, b.status, b.current_version, b.last_changed_at,
              EXISTS (SELECT 1 FROM bid_openings o WHERE o.project_id = b.project_id) AS is_opened,
              EXISTS (SELECT 1 FROM bid_versions v WHERE v.bid_id = b.id AND v.version = b.current_version AND v.receipt_sha256 IS NOT NULL) AS has_receipt
         FROM bids b JOIN projects p ON p.id = b.project_id
        WHERE b.organisation_id = $1
        ORDER BY p.bid_deadline_at DESC, b.id`,
      [organisationId],
    )) as Array<{
      id: string;
      project_id: string;
      reference: string;
      title: string;
      project_status: string;
      bid_deadline_at: Date | null;
      status: 'submitted' | 'withdrawn';
      current_version: number;
      last_changed_at: Date;
      is_opened: boolean;
      has_receipt: boolean;
    }>;
    return rows.map((r) => ({
      bidId: r.id,
      projectId: r.project_id,
      projectReference: r.reference,
      projectTitle: r.title,
      projectStatus: r.project_status,
      bidDeadlineAt: r.bid_deadline_at,
      status: r.status,
      currentVersion: r.current_version,
      lastChangedAt: r.last_changed_at,
      isOpened: r.is_opened,
      hasReceipt: r.has_receipt,
    }));
  }

  /** One version's receipt, for its own organisation only (another's bid is 404). */
  async getReceipt(actor: Actor, bidId: string, version: number): Promise<BidReceipt> {
    const organisationId = requireOrganisation(actor);
    if (!isUuid(bidId) || !Number.isSafeInteger(version)) throw new BidNotFoundError();
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.project_id, p.reference, b.organisation_id, v.version, v.kind, v.submitted_at, v.receipt_sha256
         FROM bids b JOIN bid_versions v ON v.bid_id = b.id JOIN project_labels p ON p.id = b.project_id
        WHERE b.id = $1 AND v.version = $2 AND b.organisation_id = $3`,
      [bidId, version, organisationId],
    )) as Array<{ id: string; project_id: string; reference: string; organisation_id: string; version: number; kind: BidVersionKind; submitted_at: Date; receipt_sha256: string | null }>;
    const r = rows[0];
    if (!r) throw new BidNotFoundError();
    return {
      projectId: r.project_id,
      projectReference: r.reference,
      bidId: r.id,
      organisationId: r.organisation_id,
      version: r.version,
      kind: r.kind,
      submittedAt: r.submitted_at,
      receiptSha256: r.receipt_sha256,
    };
  }

  /** An attachment of the organisation's own bid (any version). */
  async loadOwnAttachment(actor: Actor, bidId: string, documentId: string): Promise<LoadedDocument> {
    const organisationId = requireOrganisation(actor);
    if (!isUuid(bidId)) throw new BidNotFoundError();
    const owns = (await this.dataSource.query(`SELECT 1 FROM bids WHERE id = $1 AND organisation_id = $2`, [bidId, organisationId])) as unknown[];
    if (!owns.length) throw new BidNotFoundError();
    return this.loadAttachment(bidId, documentId);
  }

  /** A bid attachment, unsealed with its project's data key (callers check who may see it). */
  async loadAttachment(bidId: string, documentId: string): Promise<LoadedDocument> {
    const [bid] = (await this.dataSource.query(`SELECT project_id FROM bids WHERE id = $1`, [bidId])) as Array<{ project_id: string }>;
    if (!bid) throw new BidNotFoundError();
    const dataKey = await this.sealing.dataKey(this.dataSource.manager, bid.project_id);
    const doc = await this.documents.load(documentId, undefined, (stored) => {
      if (!dataKey) throw new BidNotFoundError();
      return unsealAttachment(dataKey, stored, { projectId: bid.project_id, bidId });
    });
    if (doc.ownerType !== 'bid' || doc.ownerId !== bidId) throw new BidNotFoundError();
    return doc;
  }

  /** How many bids the project has (not withdrawn): all staff see before the opening. */
  async countBids(projectId: string): Promise<{ project: BiddingProject; count: number; now: Date }> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'share' });
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM bids WHERE project_id = $1 AND status = 'submitted'`, [project.id])) as Array<{ n: number }>;
      return { project, count: n, now: await this.clock.now(m) };
    });
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs a change in a transaction and turns the deadline trigger's refusal at COMMIT into BidWindowClosedError. */
  private async commit<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(() => this.dataSource.transaction(work));
    } catch (error) {
      if (isBidWindowClosedAtCommit(error)) throw new BidWindowClosedError();
      // Two first submissions of one organisation raced past ON CONFLICT (cannot normally happen): a clean conflict.
      if (pgError(error).code === '23505') throw new BidConflictError();
      throw error;
    }
  }

  private async openProjectForChange(m: EntityManager, projectId: string): Promise<{ project: BiddingProject; now: Date }> {
    const project = await this.projects.getProjectForBidding(m, projectId, { lock: 'share' });
    const now = await this.clock.now(m);
    this.assertOpen(project, now);
    return { project, now };
  }

  /**
   * Refuses at once, without a transaction, a row lock or a place in the submission gate, when
   * the database clock says bidding has closed. After a deadline the late requests keep coming;
   * none of them then holds the project's share lock, so the opening (which waits for an
   * exclusive lock on that row) is not starved by them. The locked check and the deferred
   * trigger still decide for everything that passes.
   */
  private async refuseIfClosed(projectId: string): Promise<void> {
    if (!isUuid(projectId)) return;
    // While a project is well inside its bidding period the answer is known: skip the round trip
    // (about a tenth of a bid's cost in a burst). Near the deadline, and after, always ask.
    const local = Date.now();
    const known = this.openWindows.get(projectId);
    if (known && local < known.until && local + known.skewMs < known.deadlineMs - OPEN_WINDOW_MARGIN_MS) return;
    const [row] = (await this.dataSource.query(`SELECT status, bid_deadline_at, app_now() AS now FROM projects WHERE id = $1 AND status <> 'draft'`, [projectId])) as Array<{
      status: string;
      bid_deadline_at: Date | null;
      now: Date;
    }>;
    if (row && !isBiddingOpen({ status: row.status, bidDeadlineAt: row.bid_deadline_at }, row.now)) {
      this.openWindows.delete(projectId);
      throw new BidWindowClosedError(row.status === 'published' ? row.bid_deadline_at : null);
    }
    if (row?.status === 'published' && row.bid_deadline_at) {
      if (this.openWindows.size > 1000) this.openWindows.clear();
      this.openWindows.set(projectId, { deadlineMs: row.bid_deadline_at.getTime(), skewMs: row.now.getTime() - local, until: local + OPEN_WINDOW_TTL_MS });
    } else this.openWindows.delete(projectId);
  }

  /** The friendly early check (under the share lock); the deferred trigger has the last word at COMMIT. */
  private assertOpen(project: BiddingProject, now: Date): void {
    if (!isBiddingOpen(project, now)) throw new BidWindowClosedError(project.status === 'published' ? project.bidDeadlineAt : null);
  }

  /**
   * Everything a submission reads after the project, in one round trip (bids arrive in bursts
   * before deadlines): the database clock, the organisation share-locked (a suspension waits
   * for this bid or is seen by it), the project's wrapped key and the organisation's bid,
   * locked for update so its versions are numbered one at a time.
   */
  private async lockBidContext(
    m: EntityManager,
    projectId: string,
    organisationId: string,
  ): Promise<{ now: Date; organisation: EligibilityOrganisation; key: ProjectKeyRow | null; bid: BidRow | null }> {
    const [row] = (await m.query(
      `SELECT app_now() AS now,
              (SELECT row_to_json(o) FROM (SELECT id, status, service_categories AS "serviceCategories",
                                                  social_worker_count AS "socialWorkerCount", evaluation_grade AS "evaluationGrade"
                                             FROM organisations WHERE id = $2 FOR SHARE) o) AS organisation,
              (SELECT row_to_json(b) FROM (SELECT id, status, current_version FROM bids
                                            WHERE project_id = $1 AND organisation_id = $2 FOR UPDATE) b) AS bid,
              k.master_key_id, k.wrapped_key, k.wrap_iv, k.wrap_tag
         FROM (SELECT 1) AS one LEFT JOIN project_keys k ON k.project_id = $1`,
      [projectId, organisationId],
    )) as Array<{ now: Date; organisation: EligibilityOrganisation | null; bid: BidRow | null } & { [K in keyof ProjectKeyRow]: ProjectKeyRow[K] | null }>;
    if (!row.organisation) throw new OrganisationRequiredError();
    const key = row.master_key_id ? (row as ProjectKeyRow) : null;
    return { now: row.now, organisation: row.organisation, key, bid: row.bid };
  }

  /** What eligibility looks at, for the bid page (the submission reads it share-locked in lockBidContext). */
  private async readOrganisation(m: EntityManager, organisationId: string): Promise<EligibilityOrganisation> {
    const [o] = (await m.query(
      `SELECT id, status, service_categories AS "serviceCategories", social_worker_count AS "socialWorkerCount", evaluation_grade AS "evaluationGrade"
         FROM organisations WHERE id = $1`,
      [organisationId],
    )) as EligibilityOrganisation[];
    if (!o) throw new OrganisationRequiredError();
    return o;
  }

  private async lockBid(m: EntityManager, projectId: string, organisationId: string): Promise<BidRow | null> {
    const rows = (await m.query(`SELECT id, status, current_version FROM bids WHERE project_id = $1 AND organisation_id = $2 FOR UPDATE`, [projectId, organisationId])) as BidRow[];
    return rows[0] ?? null;
  }

  private async collectAttachments(
    m: EntityManager,
    actor: Actor,
    sealing: { projectId: string; bidId: string; dataKey: Buffer },
    keepIds: string[],
    files: UploadedDocumentFile[],
  ): Promise<BidAttachment[]> {
    const { bidId } = sealing;
    const kept = keepIds.length ? (await this.documents.listFor('bid', bidId, m)).filter((d) => keepIds.includes(d.id)) : [];
    const stored = [];
    for (const [i, file] of files.entries()) {
      stored.push(
        await this.documents.store(m, {
          ownerType: 'bid',
          ownerId: bidId,
          kind: 'bid_attachment',
          originalName: file.originalname,
          buffer: file.buffer,
          uploadedBy: actor.userId,
          field: files.length > 1 ? `attachments.${i}` : 'attachments',
          seal: (bytes) => sealAttachment(sealing.dataKey, bytes, sealing),
        }),
      );
    }
    return [...kept, ...stored].map((d) => ({ documentId: d.id, name: d.originalName, contentType: d.contentType, sizeBytes: d.sizeBytes, sha256: d.sha256 }));
  }

  private async readOwnBid(m: EntityManager, projectId: string, organisationId: string): Promise<OwnBid | null> {
    const bids = (await m.query(`SELECT id, status, current_version, first_submitted_at, last_changed_at FROM bids WHERE project_id = $1 AND organisation_id = $2`, [
      projectId,
      organisationId,
    ])) as Array<{ id: string; status: 'submitted' | 'withdrawn'; current_version: number; first_submitted_at: Date; last_changed_at: Date }>;
    const b = bids[0];
    if (!b) return null;
    const versions = (await m.query(`SELECT version, kind, submitted_at, receipt_sha256, sealed_content, iv, auth_tag FROM bid_versions WHERE bid_id = $1 ORDER BY version DESC`, [b.id])) as Array<{
      version: number;
      kind: BidVersionKind;
      submitted_at: Date;
      receipt_sha256: string | null;
      sealed_content: Buffer | null;
      iv: Buffer | null;
      auth_tag: Buffer | null;
    }>;
    // The latest version with sealed content: the current one, or (withdrawn) the one withdrawn.
    let decrypted: BidContent | null = null;
    const latest = versions[0];
    const sealed = versions.find((v) => v.sealed_content && v.iv && v.auth_tag);
    if (sealed?.sealed_content && sealed.iv && sealed.auth_tag) {
      const dataKey = await this.sealing.dataKey(m, projectId);
      if (dataKey) {
        const ref = { projectId, bidId: b.id, version: sealed.version };
        const parsed = parseBidContent(this.sealing.unseal(dataKey, { ciphertext: sealed.sealed_content, iv: sealed.iv, authTag: sealed.auth_tag }, ref), ref);
        if ('content' in parsed) decrypted = parsed.content;
      }
    }
    const content = sealed && sealed === latest ? decrypted : null;
    const withdrawnContent = b.status === 'withdrawn' && latest?.kind === 'withdrawal' ? decrypted : null;
    return {
      id: b.id,
      status: b.status,
      currentVersion: b.current_version,
      firstSubmittedAt: b.first_submitted_at,
      lastChangedAt: b.last_changed_at,
      versions: versions.map((v) => ({ version: v.version, kind: v.kind, submittedAt: v.submitted_at, receiptSha256: v.receipt_sha256 })),
      content,
      withdrawnContent,
    };
  }
}

export function requireOrganisation(actor: Actor): string {
  if (!actor.organisationId) throw new OrganisationRequiredError();
  return actor.organisationId;
}

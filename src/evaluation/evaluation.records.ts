import { EntityManager } from 'typeorm';
import { parseMinor } from '../common/money/money';
import type { Exclusion } from './domain/committee';
import type { InvalidReason } from './domain/qualification';
import type { EvaluationStatus } from './domain/lifecycle';
import type { Scoring } from '../procurement/domain/method-rules';
import { EvaluationNotFoundError } from './evaluation.errors';
import { isUuid } from '../common/validation/uuid';

/**
 * Loading this module's rows (schema: 1795500000000-CreateEvaluations and
 * 1795501000010-AddEvaluationDecisionDetails), always in the caller's transaction. The tables
 * are read and written with SQL: each use case touches several of them under one row lock on
 * the evaluation, which is what serialises concurrent changes to one evaluation.
 */

export interface EvaluationRecord {
  id: string;
  projectId: string;
  round: number;
  status: EvaluationStatus;
  committeeSize: number;
  requestedBy: string;
  createdAt: Date;
  scoringClosedAt: Date | null;
  signedOffAt: Date | null;
  scoring: Scoring;
  priceWeight: number;
  qualificationClosedAt: Date | null;
  endedAt: Date | null;
  endedReason: string | null;
}

const EVALUATION_COLUMNS = `id, project_id, round, status, committee_size, requested_by, created_at, scoring_closed_at, signed_off_at,
  scoring, price_weight, qualification_closed_at, ended_at, ended_reason`;

function toEvaluation(r: Record<string, any>): EvaluationRecord {
  return {
    id: r.id,
    projectId: r.project_id,
    round: r.round,
    status: r.status,
    committeeSize: r.committee_size,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    scoringClosedAt: r.scoring_closed_at,
    signedOffAt: r.signed_off_at,
    scoring: r.scoring,
    priceWeight: r.price_weight,
    qualificationClosedAt: r.qualification_closed_at,
    endedAt: r.ended_at,
    endedReason: r.ended_reason,
  };
}

/** The evaluation, optionally locked (FOR UPDATE serialises every change to one evaluation). */
export async function loadEvaluation(manager: EntityManager, id: string, lock: 'update' | 'share' | null = null): Promise<EvaluationRecord> {
  if (!isUuid(id)) throw new EvaluationNotFoundError();
  const clause = lock === 'update' ? 'FOR UPDATE' : lock === 'share' ? 'FOR SHARE' : '';
  const [row] = (await manager.query(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE id = $1 ${clause}`, [id])) as Record<string, any>[];
  if (!row) throw new EvaluationNotFoundError();
  return toEvaluation(row);
}

export async function findLiveEvaluation(manager: EntityManager, projectId: string): Promise<EvaluationRecord | null> {
  if (!isUuid(projectId)) return null;
  const [row] = (await manager.query(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE project_id = $1 AND status NOT IN ('superseded', 'failed')`, [projectId])) as Record<string, any>[];
  return row ? toEvaluation(row) : null;
}

export async function listEvaluationsOfProject(manager: EntityManager, projectId: string): Promise<EvaluationRecord[]> {
  if (!isUuid(projectId)) return [];
  const rows = (await manager.query(`SELECT ${EVALUATION_COLUMNS} FROM evaluations WHERE project_id = $1 ORDER BY round`, [projectId])) as Record<string, any>[];
  return rows.map(toEvaluation);
}

export type MemberRole = 'expert' | 'bureau_representative';
export type MemberStatus = 'drawn' | 'declared' | 'recused';

export interface MemberRecord {
  userId: string;
  name: string;
  role: MemberRole;
  drawId: string | null;
  isChair: boolean;
  status: MemberStatus;
  declaredAt: Date | null;
  declarationSha256: string | null;
  declarationText: string | null;
  declarationSigner: string | null;
  recusedAt: Date | null;
  recusalReason: string | null;
  signedOffAt: Date | null;
  /** Order of appointment (draw time, then position in the draw's result). */
  seat: number;
}

export async function loadMembers(manager: EntityManager, evaluationId: string): Promise<MemberRecord[]> {
  const rows = (await manager.query(
    `SELECT m.user_id, u.display_name, m.role, m.draw_id, m.is_chair, m.status, m.declared_at, m.declaration_sha256, m.declaration_text,
            m.declaration_signer, m.recused_at, m.recusal_reason, m.signed_off_at,
            row_number() OVER (ORDER BY m.role = 'bureau_representative', d.drawn_at NULLS LAST,
                               coalesce(array_position(ARRAY(SELECT jsonb_array_elements_text(d.result)), m.user_id::text), 0), m.user_id) AS seat
       FROM committee_members m
       JOIN user_names u ON u.id = m.user_id
       LEFT JOIN committee_draws d ON d.id = m.draw_id
      WHERE m.evaluation_id = $1
      ORDER BY seat`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    userId: r.user_id,
    name: r.display_name,
    role: r.role,
    drawId: r.draw_id,
    isChair: r.is_chair,
    status: r.status,
    declaredAt: r.declared_at,
    declarationSha256: r.declaration_sha256,
    declarationText: r.declaration_text,
    declarationSigner: r.declaration_signer,
    recusedAt: r.recused_at,
    recusalReason: r.recusal_reason,
    signedOffAt: r.signed_off_at,
    seat: Number(r.seat),
  }));
}

export interface DrawRecord {
  id: string;
  kind: 'initial' | 'replacement';
  algorithm: string;
  seed: string;
  pool: string[];
  excluded: Exclusion[];
  wanted: number;
  result: string[];
  drawnAt: Date;
  drawnBy: string;
  drawnByName: string;
}

export async function loadDraws(manager: EntityManager, evaluationId: string): Promise<DrawRecord[]> {
  const rows = (await manager.query(
    `SELECT d.id, d.kind, d.algorithm, d.seed, d.pool, d.excluded, d.wanted, d.result, d.drawn_at, d.drawn_by, u.display_name
       FROM committee_draws d JOIN user_names u ON u.id = d.drawn_by
      WHERE d.evaluation_id = $1 ORDER BY d.drawn_at, d.id`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    algorithm: r.algorithm,
    seed: r.seed,
    pool: r.pool,
    excluded: r.excluded,
    wanted: r.wanted,
    result: r.result,
    drawnAt: r.drawn_at,
    drawnBy: r.drawn_by,
    drawnByName: r.display_name,
  }));
}

/** What the bid said, as far as evaluators may read it (no organisation, no signer). */
export interface BidBody {
  proposal: string;
  team: Array<{ name: string; role: string; qualifications: string }>;
  deliveryPlan: Array<{ milestone: number; milestoneName: string; plan: string }>;
  attachments: Array<{ name: string; sizeBytes: number }>;
}

export interface OpenedBidRecord {
  bidId: string;
  organisationId: string;
  organisationName: string;
  decrypted: boolean;
  decryptError: string | null;
  priceMinor: number | null;
  submittedAt: Date;
  receiptSha256: string;
  body: BidBody | null;
}

function bodyOf(content: any): BidBody | null {
  if (!content || typeof content !== 'object') return null;
  return {
    proposal: typeof content.proposal === 'string' ? content.proposal : '',
    team: Array.isArray(content.team) ? content.team.map((m: any) => ({ name: String(m?.name ?? ''), role: String(m?.role ?? ''), qualifications: String(m?.qualifications ?? '') })) : [],
    deliveryPlan: Array.isArray(content.deliveryPlan)
      ? content.deliveryPlan.map((p: any) => ({ milestone: Number(p?.milestone ?? 0), milestoneName: String(p?.milestoneName ?? ''), plan: String(p?.plan ?? '') }))
      : [],
    attachments: Array.isArray(content.attachments) ? content.attachments.map((a: any) => ({ name: String(a?.name ?? ''), sizeBytes: Number(a?.sizeBytes ?? 0) })) : [],
  };
}

/** The bids read out at the opening (opened_bids), with their decrypted price and content. */
export async function loadOpenedBids(manager: EntityManager, projectId: string): Promise<OpenedBidRecord[]> {
  const rows = (await manager.query(
    `SELECT ob.bid_id, ob.organisation_id, o.name_zh, ob.decrypted, ob.decrypt_error, ob.price_minor, ob.submitted_at, ob.receipt_sha256, ob.content
       FROM opened_bids ob JOIN organisation_labels o ON o.id = ob.organisation_id
      WHERE ob.project_id = $1 ORDER BY ob.bid_id`,
    [projectId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    bidId: r.bid_id,
    organisationId: r.organisation_id,
    organisationName: r.name_zh,
    decrypted: r.decrypted,
    decryptError: r.decrypt_error,
    priceMinor: parseMinor(r.price_minor),
    submittedAt: r.submitted_at,
    receiptSha256: String(r.receipt_sha256).trim(),
    body: bodyOf(r.content),
  }));
}

export interface QualificationRecord {
  bidId: string;
  isValid: boolean;
  reasonCode: InvalidReason | null;
  reason: string | null;
  decidedBy: string;
  decidedByName: string;
  decidedAt: Date;
}

export async function loadQualifications(manager: EntityManager, evaluationId: string): Promise<QualificationRecord[]> {
  const rows = (await manager.query(
    `SELECT q.bid_id, q.is_valid, q.reason_code, q.reason, q.decided_by, u.display_name, q.decided_at
       FROM qualification_reviews q JOIN user_names u ON u.id = q.decided_by WHERE q.evaluation_id = $1 ORDER BY q.bid_id`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    bidId: r.bid_id,
    isValid: r.is_valid,
    reasonCode: r.reason_code,
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedByName: r.display_name,
    decidedAt: r.decided_at,
  }));
}

export interface ThresholdNote {
  priceMinor: number;
  /** Exact fractions of fen, `n/d`. */
  meanMinor: string;
  thresholdMinor: string;
  /** The method rule's percentage of the mean (absent on inquiries opened when it was a constant 80). */
  thresholdPercent?: number;
  validBids: number;
}

export interface InquiryRecord {
  bidId: string;
  threshold: ThresholdNote;
  requestedAt: Date;
  /** The time limit the committee set (null on inquiries opened before limits existed). */
  explanationDueAt: Date | null;
  /** Passed its time unanswered: recorded at sign-off, the bid invalid (财政部令第87号 第六十条). */
  lapsed: boolean;
  explanation: string | null;
  explainedAt: Date | null;
  explainedBy: string | null;
  accepted: boolean | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  decidedByName: string | null;
  decisionNote: string | null;
}

export async function loadInquiries(manager: EntityManager, evaluationId: string): Promise<InquiryRecord[]> {
  const rows = (await manager.query(
    `SELECT i.*, u.display_name AS decided_by_name FROM low_price_inquiries i LEFT JOIN user_names u ON u.id = i.decided_by
      WHERE i.evaluation_id = $1 ORDER BY i.bid_id`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    bidId: r.bid_id,
    threshold: JSON.parse(r.threshold_note) as ThresholdNote,
    requestedAt: r.requested_at,
    explanationDueAt: r.explanation_due_at,
    lapsed: r.lapsed,
    explanation: r.explanation,
    explainedAt: r.explained_at,
    explainedBy: r.explained_by,
    accepted: r.accepted,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by_name,
    decisionNote: r.decision_note,
  }));
}

export interface SheetRecord {
  userId: string;
  bidId: string;
  criterion: number;
  pointsCenti: number;
  comment: string | null;
  updatedAt: Date;
}

export async function loadSheets(manager: EntityManager, evaluationId: string, userId?: string): Promise<SheetRecord[]> {
  const rows = (await manager.query(
    `SELECT user_id, bid_id, criterion, points_centi, comment, updated_at FROM score_sheets
      WHERE evaluation_id = $1 AND ($2::uuid IS NULL OR user_id = $2) ORDER BY user_id, bid_id, criterion`,
    [evaluationId, userId ?? null],
  )) as Record<string, any>[];
  return rows.map((r) => ({ userId: r.user_id, bidId: r.bid_id, criterion: r.criterion, pointsCenti: r.points_centi, comment: r.comment, updatedAt: r.updated_at }));
}

export interface SubmissionRecord {
  userId: string;
  submittedAt: Date;
  revision: number;
}

export async function loadSubmissions(manager: EntityManager, evaluationId: string): Promise<SubmissionRecord[]> {
  const rows = (await manager.query(`SELECT user_id, submitted_at, revision FROM score_submissions WHERE evaluation_id = $1 ORDER BY submitted_at, user_id`, [evaluationId])) as Record<string, any>[];
  return rows.map((r) => ({ userId: r.user_id, submittedAt: r.submitted_at, revision: r.revision }));
}

export interface FlagRecord {
  userId: string;
  bidId: string;
  deviationCenti: number;
  resolution: 'confirmed' | 'revised' | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolvedByName: string | null;
  note: string | null;
}

export async function loadFlags(manager: EntityManager, evaluationId: string): Promise<FlagRecord[]> {
  const rows = (await manager.query(
    `SELECT f.user_id, f.bid_id, f.deviation_centi, f.resolution, f.resolved_at, f.resolved_by, u.display_name, f.note
       FROM score_flags f LEFT JOIN user_names u ON u.id = f.resolved_by WHERE f.evaluation_id = $1 ORDER BY f.bid_id, f.user_id`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    userId: r.user_id,
    bidId: r.bid_id,
    deviationCenti: r.deviation_centi,
    resolution: r.resolution,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolvedByName: r.display_name,
    note: r.note,
  }));
}

export interface ResultRecord {
  bidId: string;
  organisationId: string;
  priceMinor: number;
  priceScore: string;
  technicalScore: string;
  totalScore: string;
  rank: number;
  tieNote: string | null;
}

export async function loadResults(manager: EntityManager, evaluationId: string): Promise<ResultRecord[]> {
  const rows = (await manager.query(
    `SELECT bid_id, organisation_id, price_minor, price_score, technical_score, total_score, rank, tie_note
       FROM evaluation_results WHERE evaluation_id = $1 ORDER BY rank, bid_id`,
    [evaluationId],
  )) as Record<string, any>[];
  return rows.map((r) => ({
    bidId: r.bid_id,
    organisationId: r.organisation_id,
    priceMinor: parseMinor(r.price_minor)!,
    priceScore: r.price_score,
    technicalScore: r.technical_score,
    totalScore: r.total_score,
    rank: r.rank,
    tieNote: r.tie_note,
  }));
}

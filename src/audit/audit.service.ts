import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from './actor';
import { AuditEvent } from './audit-event.entity';
import { rangeBounds } from '../common/validation/date-range';
import { AuditUsageError } from './audit.errors';
import { ACTION_PATTERN, AuditChainRow, AuditEventContent, ChainVerification, ChainVerifier, GENESIS_HASH, canonicalJson, computeEventHash } from './domain/audit-chain';
import { isUuid } from '../common/validation/uuid';

/** Arbitrary constant: the key of the transaction-level advisory lock held by the one chainer at a time. */
export const AUDIT_CHAIN_LOCK_KEY = 728_341_101;

/** Summaries hold snapshots of the changed fields only; anything larger is a caller's mistake. */
export const MAX_SUMMARY_BYTES = 32 * 1024;

/** Rows read per query by verify(). */
export const VERIFY_BATCH_SIZE = 1000;

export interface AuditEventInput {
  /** `<entity>.<past-tense verb>`, e.g. `organisation.approved`. */
  action: string;
  /** snake_case singular, e.g. `organisation`, `catalogue_item`. */
  entityType: string;
  entityId: string | number;
  /** The changed fields before and after, e.g. `{ status: 'submitted' }` → `{ status: 'approved' }`. */
  before?: unknown;
  after?: unknown;
  /** Anything else an auditor needs (a reason, a score, an amount); keep it small. */
  details?: unknown;
}

export interface RecordedAuditEvent {
  id: string;
  occurredAt: Date;
}

/** Events linked per chaining transaction. */
export const CHAIN_BATCH_SIZE = 1000;

export interface AuditListFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** Inclusive whole days in Asia/Shanghai (YYYY-MM-DD, already checked). */
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

/** Who an actor id is, for the auditor's pages (names outlive nothing: a missing user shows its id). */
export interface AuditActorName {
  displayName: string;
  email: string;
}

export interface AuditPage {
  data: AuditEvent[];
  meta: { page: number; pageSize: number; total: number };
}

interface ChainRowRecord {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_roles: string[];
  action: string;
  entity_type: string;
  entity_id: string;
  summary: unknown;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
  chain_seq: string;
}

function toChainContent(r: Omit<ChainRowRecord, 'prev_hash' | 'hash' | 'chain_seq'>): AuditEventContent {
  return {
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRoles: r.actor_roles,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    summary: r.summary,
    requestId: r.request_id,
    ip: r.ip,
  };
}

function toChainRow(r: ChainRowRecord): AuditChainRow {
  return { id: r.id, ...toChainContent(r), prevHash: r.prev_hash, hash: r.hash };
}

/**
 * The tamper-evident audit log. Every module writes through `record()` inside its own
 * transaction; auditors read with `list()` and check the chain with `verify()`.
 */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends one event in the caller's transaction (`manager` must come from
   * `dataSource.transaction(...)`), so the event commits or rolls back with the change it
   * describes. The event takes no lock: it is linked into the hash chain after it commits, by
   * `chainPending()` (run every AUDIT_CHAIN_INTERVAL_MS by each instance's AuditChainer, and
   * before every verification), so audited transactions no longer wait for one another.
   */
  async record(manager: EntityManager, actor: Actor, event: AuditEventInput): Promise<RecordedAuditEvent> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new AuditUsageError(`audit event ${event.action} must be recorded inside the transaction that makes the change`);
    }
    const entityId = String(event.entityId);
    if (!ACTION_PATTERN.test(event.action)) throw new AuditUsageError(`audit action "${event.action}" must look like organisation.approved`);
    if (!event.entityType || !entityId) throw new AuditUsageError(`audit event ${event.action} needs an entity type and id`);
    // What is stored is exactly what will be hashed: the canonical JSON, parsed back by jsonb.
    const summaryJson = canonicalJson({ before: event.before, after: event.after, details: event.details });
    if (Buffer.byteLength(summaryJson, 'utf8') > MAX_SUMMARY_BYTES) {
      throw new AuditUsageError(`audit summary for ${event.action} exceeds ${MAX_SUMMARY_BYTES} bytes: record the changed fields only`);
    }
    // Database clock, truncated to the millisecond so it round-trips through a JS Date.
    const [row] = (await manager.query(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip)
       VALUES (date_trunc('milliseconds', clock_timestamp()), $1, $2::text[], $3, $4, $5, $6::jsonb, $7, $8)
       RETURNING id, occurred_at`,
      [actor.userId ?? null, [...actor.roles], event.action, event.entityType, entityId, summaryJson, actor.requestId ?? null, actor.ip ?? null],
    )) as { id: string; occurred_at: Date }[];
    return { id: row.id, occurredAt: row.occurred_at };
  }

  /**
   * Links the committed, not yet chained events into the hash chain, in id order, after the
   * current head; returns how many it linked. One chainer at a time across all instances (a
   * transaction-level advisory lock): `wait: false` (the background loop) gives up at once when
   * another chainer is busy; `wait: true` (verification) waits for it, then chains what is left.
   * The hash is computed from the row as PostgreSQL stores it (read back, as verify() reads it),
   * so what is verified is exactly what was hashed. An event whose transaction commits after a
   * later-numbered one is simply linked after it: the chain order is chain_seq, not id.
   */
  async chainPending(options: { wait?: boolean; batchSize?: number } = {}): Promise<number> {
    const batchSize = options.batchSize ?? CHAIN_BATCH_SIZE;
    let linked = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (manager) => {
        if (options.wait) {
          await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
        } else {
          const [{ locked }] = (await manager.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [AUDIT_CHAIN_LOCK_KEY])) as { locked: boolean }[];
          if (!locked) return -1;
        }
        // Read after the lock is granted: under READ COMMITTED this sees the last chainer's work.
        const pending = (await manager.query(
          `SELECT id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip
             FROM audit_events WHERE chain_seq IS NULL ORDER BY id LIMIT $1`,
          [batchSize],
        )) as Omit<ChainRowRecord, 'prev_hash' | 'hash' | 'chain_seq'>[];
        if (pending.length === 0) return 0;
        const [head] = (await manager.query(`SELECT chain_seq, hash FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`)) as {
          chain_seq: string;
          hash: string;
        }[];
        let seq = BigInt(head?.chain_seq ?? 0);
        let prevHash = head?.hash ?? GENESIS_HASH;
        const ids: string[] = [];
        const seqs: string[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        for (const r of pending) {
          seq += 1n;
          const hash = computeEventHash(prevHash, toChainContent(r));
          ids.push(r.id);
          seqs.push(seq.toString());
          prevs.push(prevHash);
          hashes.push(hash);
          prevHash = hash;
        }
        await manager.query(
          `UPDATE audit_events a SET chain_seq = v.seq, prev_hash = v.prev, hash = v.hash
             FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(id, seq, prev, hash)
            WHERE a.id = v.id AND a.chain_seq IS NULL`,
          [ids, seqs, prevs, hashes],
        );
        return pending.length;
      });
      if (n <= 0) return linked;
      linked += n;
      if (n < batchSize) return linked;
    }
  }

  /** How many committed events wait to be linked into the chain. */
  async pendingCount(): Promise<number> {
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE chain_seq IS NULL`)) as { n: number }[];
    return n;
  }

  /**
   * The newest link of the chain. Published on the notice board so that anyone can keep a copy:
   * rewriting history would then have to match every head ever published.
   */
  async head(): Promise<{ eventId: string; hash: string; occurredAt: Date; count: number } | null> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS "eventId", hash, occurred_at AS "occurredAt", (SELECT count(*)::int FROM audit_events WHERE chain_seq IS NOT NULL) AS count
         FROM audit_events WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`,
    )) as Array<{ eventId: string; hash: string; occurredAt: Date; count: number }>;
    return rows[0] ?? null;
  }

  /**
   * Links what is pending (waiting for any running chainer), then walks the whole chain in
   * chain order, `batchSize` rows at a time (keyset paging in one read-only REPEATABLE READ
   * transaction, so the count is of one consistent snapshot). Events committed after the
   * chaining step are not yet linked and not counted.
   */
  async verify(options: { batchSize?: number } = {}): Promise<ChainVerification> {
    const batchSize = options.batchSize ?? VERIFY_BATCH_SIZE;
    await this.chainPending({ wait: true });
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const verifier = new ChainVerifier();
      let afterSeq = '0';
      for (;;) {
        const rows = (await manager.query(
          `SELECT id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip, prev_hash, hash, chain_seq
             FROM audit_events WHERE chain_seq > $1 ORDER BY chain_seq LIMIT $2`,
          [afterSeq, batchSize],
        )) as ChainRowRecord[];
        for (const row of rows) if (!verifier.push(toChainRow(row))) return verifier.result();
        if (rows.length < batchSize) return verifier.result();
        afterSeq = rows[rows.length - 1].chain_seq;
      }
    });
  }

  /**
   * Names of the users who acted, read from identity's user_contacts view (read only: the audit log
   * keeps ids, since events outlive accounts; the pages show who that was).
   */
  async actorNames(ids: Array<string | null>): Promise<Map<string, AuditActorName>> {
    const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
    if (!wanted.length) return new Map();
    const rows = (await this.dataSource.query(`SELECT id, display_name, email FROM user_contacts WHERE id = ANY($1::uuid[])`, [wanted])) as Array<{ id: string; display_name: string; email: string }>;
    return new Map(rows.map((r) => [r.id, { displayName: r.display_name, email: r.email }]));
  }

  /**
   * Every event matching the filter, newest first, `batchSize` at a time (keyset on id), for a
   * streamed export: the caller writes each batch before the next is read.
   */
  async *stream(filter: Omit<AuditListFilter, 'page' | 'pageSize'>, batchSize = 1000): AsyncGenerator<AuditEvent[]> {
    if (filter.actorId && !isUuid(filter.actorId)) return;
    let before: string | null = null;
    for (;;) {
      const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
      if (filter.entityType) qb.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
      if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
      if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
      if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
      const { fromAt, beforeAt } = rangeBounds(filter);
      if (fromAt) qb.andWhere('e.occurred_at >= :fromAt::timestamptz', { fromAt });
      if (beforeAt) qb.andWhere('e.occurred_at < :beforeAt::timestamptz', { beforeAt });
      if (before) qb.andWhere('e.id < :before', { before });
      const batch = await qb.orderBy('e.id', 'DESC').take(batchSize).getMany();
      if (batch.length) yield batch;
      if (batch.length < batchSize) return;
      before = batch[batch.length - 1].id;
    }
  }

  /** Events matching every given filter (exact matches), newest first. */
  async list(filter: AuditListFilter): Promise<AuditPage> {
    const empty = { data: [], meta: { page: filter.page, pageSize: filter.pageSize, total: 0 } };
    if (filter.actorId && !isUuid(filter.actorId)) return empty;
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (filter.entityType) qb.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    const { fromAt, beforeAt } = rangeBounds(filter);
    if (fromAt) qb.andWhere('e.occurred_at >= :fromAt::timestamptz', { fromAt });
    if (beforeAt) qb.andWhere('e.occurred_at < :beforeAt::timestamptz', { beforeAt });
    const [data, total] = await qb
      .orderBy('e.id', 'DESC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return { data, meta: { page: filter.page, pageSize: filter.pageSize, total } };
  }
}

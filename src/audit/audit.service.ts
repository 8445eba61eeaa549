import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from './actor';
import { AuditEvent, AuditSummary } from './audit-event.entity';
import { AuditUsageError } from './audit.errors';
import { ACTION_PATTERN, AuditChainRow, ChainVerification, ChainVerifier, GENESIS_HASH, canonicalJson, computeEventHash } from './domain/audit-chain';

/** Arbitrary constant: the key of the transaction-level advisory lock that orders chain writers. */
export const AUDIT_CHAIN_LOCK_KEY = 728_341_101;

/** Summaries hold snapshots of the changed fields only; anything larger is a caller's mistake. */
export const MAX_SUMMARY_BYTES = 32 * 1024;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  hash: string;
}

export interface AuditListFilter {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  page: number;
  pageSize: number;
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
}

function toChainRow(r: ChainRowRecord): AuditChainRow {
  return {
    id: r.id,
    occurredAt: r.occurred_at,
    actorId: r.actor_id,
    actorRoles: r.actor_roles,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    summary: r.summary,
    requestId: r.request_id,
    ip: r.ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
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
   * describes. Chain writers are serialised by a transaction-level advisory lock held until the
   * caller commits: record the event as the last step of the use case, after the row locks and
   * checks, to keep that window short.
   */
  async record(manager: EntityManager, actor: Actor, event: AuditEventInput): Promise<RecordedAuditEvent> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new AuditUsageError(`audit event ${event.action} must be recorded inside the transaction that makes the change`);
    }
    const entityId = String(event.entityId);
    if (!ACTION_PATTERN.test(event.action)) throw new AuditUsageError(`audit action "${event.action}" must look like organisation.approved`);
    if (!event.entityType || !entityId) throw new AuditUsageError(`audit event ${event.action} needs an entity type and id`);
    // What is stored is exactly what is hashed: the canonical JSON, parsed back.
    const summaryJson = canonicalJson({ before: event.before, after: event.after, details: event.details });
    if (Buffer.byteLength(summaryJson, 'utf8') > MAX_SUMMARY_BYTES) {
      throw new AuditUsageError(`audit summary for ${event.action} exceeds ${MAX_SUMMARY_BYTES} bytes: record the changed fields only`);
    }

    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK_KEY]);
    // Read after the lock is granted, so (under READ COMMITTED) the previous writer's event is
    // visible. A REPEATABLE READ caller with an older snapshot cannot fork the chain either: the
    // unique prev_hash constraint refuses its insert. The uuid cast gives the canonical text
    // PostgreSQL will store, so the hash matches the stored row.
    const [head] = (await manager.query(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS occurred_at,
              $1::uuid::text AS actor_id,
              (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) AS prev_hash`,
      [actor.userId ?? null],
    )) as { occurred_at: Date; actor_id: string | null; prev_hash: string | null }[];

    const prevHash = head.prev_hash ?? GENESIS_HASH;
    const content = {
      occurredAt: head.occurred_at,
      actorId: head.actor_id,
      actorRoles: [...actor.roles],
      action: event.action,
      entityType: event.entityType,
      entityId,
      summary: JSON.parse(summaryJson) as AuditSummary,
      // null, never undefined: the hash must see what the row will hold.
      requestId: actor.requestId ?? null,
      ip: actor.ip ?? null,
    };
    const hash = computeEventHash(prevHash, content);
    const [row] = (await manager.query(
      `INSERT INTO audit_events
         (occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip, prev_hash, hash)
       VALUES ($1, $2, $3::text[], $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
       RETURNING id`,
      [content.occurredAt, content.actorId, content.actorRoles, content.action, content.entityType, content.entityId, summaryJson, content.requestId, content.ip, prevHash, hash],
    )) as { id: string }[];
    return { id: row.id, occurredAt: content.occurredAt, hash };
  }

  /**
   * Walks the whole chain in id order, `batchSize` rows at a time (keyset paging in one
   * read-only REPEATABLE READ transaction, so the count is of one consistent snapshot).
   */
  /**
   * The newest link of the chain. Published on the notice board so that anyone can keep a copy:
   * rewriting history would then have to match every head ever published.
   */
  async head(): Promise<{ eventId: string; hash: string; occurredAt: Date; count: number } | null> {
    const rows = (await this.dataSource.query(
      `SELECT id::text AS "eventId", hash, occurred_at AS "occurredAt", (SELECT count(*)::int FROM audit_events) AS count
         FROM audit_events ORDER BY id DESC LIMIT 1`,
    )) as Array<{ eventId: string; hash: string; occurredAt: Date; count: number }>;
    return rows[0] ?? null;
  }

  async verify(options: { batchSize?: number } = {}): Promise<ChainVerification> {
    const batchSize = options.batchSize ?? VERIFY_BATCH_SIZE;
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const verifier = new ChainVerifier();
      let afterId = '0';
      for (;;) {
        const rows = (await manager.query(
          `SELECT id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, summary, request_id, ip, prev_hash, hash
             FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2`,
          [afterId, batchSize],
        )) as ChainRowRecord[];
        for (const row of rows) if (!verifier.push(toChainRow(row))) return verifier.result();
        if (rows.length < batchSize) return verifier.result();
        afterId = rows[rows.length - 1].id;
      }
    });
  }

  /** Events matching every given filter (exact matches), newest first. */
  async list(filter: AuditListFilter): Promise<AuditPage> {
    const empty = { data: [], meta: { page: filter.page, pageSize: filter.pageSize, total: 0 } };
    if (filter.actorId && !UUID_PATTERN.test(filter.actorId)) return empty;
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (filter.entityType) qb.andWhere('e.entity_type = :entityType', { entityType: filter.entityType });
    if (filter.entityId) qb.andWhere('e.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.action) qb.andWhere('e.action = :action', { action: filter.action });
    const [data, total] = await qb
      .orderBy('e.id', 'DESC')
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getManyAndCount();
    return { data, meta: { page: filter.page, pageSize: filter.pageSize, total } };
  }
}

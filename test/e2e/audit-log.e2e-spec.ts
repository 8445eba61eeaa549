import { randomUUID } from 'node:crypto';
import { Actor, SYSTEM_ACTOR } from '../../src/audit/actor';
import { verifyAuditLog } from '../../src/audit/audit-verify.cli';
import { AuditUsageError } from '../../src/audit/audit.errors';
import { AuditEventInput, AuditService } from '../../src/audit/audit.service';
import { GENESIS_HASH, computeEventHash } from '../../src/audit/domain/audit-chain';
import { TestApp, createTestApp } from '../support/test-app';

function officer(overrides: Partial<Actor> = {}): Actor {
  return { userId: randomUUID(), roles: ['bureau_officer'], organisationId: null, requestId: `req-${randomUUID()}`, ip: '203.0.113.7', ...overrides };
}

function approval(entityId: string = randomUUID()): AuditEventInput {
  return { action: 'organisation.approved', entityType: 'organisation', entityId, before: { status: 'submitted' }, after: { status: 'approved' } };
}

interface StoredRow {
  id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_roles: string[];
  action: string;
  entity_type: string;
  entity_id: string;
  summary: Record<string, unknown>;
  request_id: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
}

async function rows(t: TestApp): Promise<StoredRow[]> {
  return t.dataSource.query('SELECT * FROM audit_events ORDER BY id');
}

async function count(t: TestApp): Promise<number> {
  const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM audit_events');
  return n;
}

/** Changes the table as someone with direct database access could, bypassing the append-only trigger. */
async function tamper(t: TestApp, sql: string, params: unknown[]): Promise<void> {
  await t.dataSource.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
  try {
    await t.dataSource.query(sql, params);
  } finally {
    await t.dataSource.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
  }
}

describe('audit log: recording', () => {
  let t: TestApp;
  let audit: AuditService;
  const record = (actor: Actor, event: AuditEventInput) => t.dataSource.transaction((manager) => audit.record(manager, actor, event));

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('starts the chain from 64 zeros and stores exactly what it hashed', async () => {
    const actor = officer();
    const recorded = await record(actor, { ...approval('org-1'), details: { note: '材料齐全' } });
    // Committed but not linked yet: the business transaction took no chain lock.
    const [unlinked] = await t.dataSource.query('SELECT chain_seq, prev_hash, hash FROM audit_events WHERE id = $1', [recorded.id]);
    expect(unlinked).toEqual({ chain_seq: null, prev_hash: null, hash: null });
    await expect(audit.chainPending({ wait: true })).resolves.toBe(1);
    await expect(audit.chainPending({ wait: true })).resolves.toBe(0);
    const [row] = await rows(t);
    expect(row).toMatchObject({
      id: recorded.id,
      actor_id: actor.userId,
      actor_roles: ['bureau_officer'],
      action: 'organisation.approved',
      entity_type: 'organisation',
      entity_id: 'org-1',
      summary: { before: { status: 'submitted' }, after: { status: 'approved' }, details: { note: '材料齐全' } },
      request_id: actor.requestId,
      ip: '203.0.113.7',
      chain_seq: '1',
      prev_hash: GENESIS_HASH,
    });
    const content = {
      occurredAt: row.occurred_at,
      actorId: row.actor_id,
      actorRoles: row.actor_roles,
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      summary: row.summary,
      requestId: row.request_id,
      ip: row.ip,
    };
    expect(computeEventHash(GENESIS_HASH, content)).toBe(row.hash);
  });

  it('takes the time from the database clock, truncated to the millisecond', async () => {
    const [{ before }] = await t.dataSource.query(`SELECT date_trunc('milliseconds', clock_timestamp()) AS before`);
    const recorded = await record(officer(), approval());
    const [{ after }] = await t.dataSource.query(`SELECT clock_timestamp() AS after`);
    expect(recorded.occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(recorded.occurredAt.getTime()).toBeLessThanOrEqual(after.getTime());
    const [{ exact }] = await t.dataSource.query(`SELECT occurred_at = date_trunc('milliseconds', occurred_at) AND occurred_at = $2 AS exact FROM audit_events WHERE id = $1`, [
      recorded.id,
      recorded.occurredAt,
    ]);
    expect(exact).toBe(true);
  });

  it('chains two events recorded in the same transaction', async () => {
    const [first, second] = await t.dataSource.transaction(async (manager) => [
      await audit.record(manager, officer(), approval()),
      await audit.record(manager, SYSTEM_ACTOR, { action: 'organisation.notified', entityType: 'organisation', entityId: 'org-1', details: { channel: 'sms' } }),
    ]);
    await audit.chainPending({ wait: true });
    const [{ hash: firstHash }] = await t.dataSource.query('SELECT hash FROM audit_events WHERE id = $1', [first.id]);
    const [row] = await t.dataSource.query('SELECT prev_hash, actor_id, actor_roles, request_id, ip FROM audit_events WHERE id = $1', [second.id]);
    expect(row).toEqual({ prev_hash: firstHash, actor_id: null, actor_roles: ['system'], request_id: null, ip: null });
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: await count(t) });
  });

  it('stores the actor id in PostgreSQL’s canonical uuid form, so the hash still matches', async () => {
    const id = randomUUID();
    const recorded = await record(officer({ userId: id.toUpperCase() }), approval());
    const [row] = await t.dataSource.query('SELECT actor_id FROM audit_events WHERE id = $1', [recorded.id]);
    expect(row.actor_id).toBe(id);
    await expect(audit.verify()).resolves.toMatchObject({ ok: true });
  });

  it('keeps summaries with Chinese text, unordered keys, numbers and dates verifiable after the jsonb round trip', async () => {
    await record(officer({ requestId: null, ip: null }), {
      action: 'contract.milestone_accepted',
      entityType: 'contract_milestone',
      entityId: 42,
      before: { status: 'delivered', score: null },
      after: { status: 'accepted', score: 87.5, amountMinor: 1234500, acceptedAt: new Date('2026-05-01T02:03:04.005Z'), z: 1, a: [3, 'b', { y: true, x: false }] },
      details: { comment: '服务对象满意度 95%，"按期"交付\n', ratio: 1e-7, big: 1e21, skipped: undefined },
    });
    const [row] = await t.dataSource.query(`SELECT entity_id, summary FROM audit_events ORDER BY id DESC LIMIT 1`);
    expect(row.entity_id).toBe('42');
    expect(row.summary.after.acceptedAt).toBe('2026-05-01T02:03:04.005Z');
    expect(row.summary.details).not.toHaveProperty('skipped');
    await expect(audit.verify()).resolves.toMatchObject({ ok: true });
  });

  it('refuses to record outside a transaction', async () => {
    await expect(audit.record(t.dataSource.manager, officer(), approval())).rejects.toThrow(AuditUsageError);
  });

  it('refuses a malformed action and an oversized summary, failing the caller’s transaction', async () => {
    const n = await count(t);
    await expect(record(officer(), { ...approval(), action: 'Approved Organisation' })).rejects.toThrow(AuditUsageError);
    await expect(record(officer(), { ...approval(), after: { notes: 'x'.repeat(40_000) } })).rejects.toThrow(/changed fields only/);
    expect(await count(t)).toBe(n);
  });

  it('leaves no event and an intact chain when the transaction rolls back', async () => {
    const n = await count(t);
    await expect(
      t.dataSource.transaction(async (manager) => {
        await audit.record(manager, officer(), approval('rolled-back'));
        throw new Error('the change failed after the audit event was written');
      }),
    ).rejects.toThrow('the change failed');
    expect(await count(t)).toBe(n);
    const [{ n: leftovers }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE entity_id = 'rolled-back'`);
    expect(leftovers).toBe(0);
    await record(officer(), approval());
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: n + 1 });
  });

  it('rejects UPDATE, DELETE and TRUNCATE', async () => {
    await expect(t.dataSource.query(`UPDATE audit_events SET summary = '{}'::jsonb`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(t.dataSource.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(t.dataSource.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: await count(t) });
  });

  it('lets the chainer fill in the link once, and nothing else: content, relinking and deletion are refused', async () => {
    const recorded = await record(officer(), approval('guarded'));
    await expect(t.dataSource.query(`UPDATE audit_events SET chain_seq = 999999, prev_hash = $2, hash = $2, summary = '{}'::jsonb WHERE id = $1`, [recorded.id, 'a'.repeat(64)])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(t.dataSource.query(`DELETE FROM audit_events WHERE id = $1`, [recorded.id])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(t.dataSource.query(`UPDATE audit_events SET chain_seq = 999999 WHERE id = $1`, [recorded.id])).rejects.toThrow(/audit_events_chained_whole/);
    await audit.chainPending({ wait: true });
    await expect(t.dataSource.query(`UPDATE audit_events SET chain_seq = 999999, prev_hash = $2, hash = $2 WHERE id = $1`, [recorded.id, 'a'.repeat(64)])).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: await count(t) });
  });

  it('links an event whose transaction commits late after the events that committed before it', async () => {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const early = await audit.record(runner.manager, officer(), approval('slow')); // the lower id, still uncommitted
      const late = await record(officer(), approval('fast')); // a higher id, committed first
      await audit.chainPending({ wait: true });
      await runner.commitTransaction();
      await audit.chainPending({ wait: true });
      const linked = await t.dataSource.query(`SELECT id, chain_seq FROM audit_events WHERE id IN ($1, $2) ORDER BY chain_seq`, [early.id, late.id]);
      expect(linked.map((r: { id: string }) => r.id)).toEqual([late.id, early.id]);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: await count(t) });
  });

  it('never forks the chain when several chainers run at once', async () => {
    for (let i = 0; i < 30; i++) await record(officer(), approval(`burst-${i}`));
    const linked = await Promise.all([
      audit.chainPending({ wait: false, batchSize: 7 }),
      audit.chainPending({ wait: true, batchSize: 5 }),
      audit.chainPending({ wait: true, batchSize: 3 }),
      audit.chainPending({ wait: false }),
    ]);
    expect(linked.reduce((a, b) => a + b, 0)).toBe(30);
    await expect(audit.pendingCount()).resolves.toBe(0);
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: await count(t) });
  });

  it('pages through the log when verifying, with the same result as one batch', async () => {
    const whole = await audit.verify();
    expect(whole.ok).toBe(true);
    await expect(audit.verify({ batchSize: 2 })).resolves.toEqual(whole);
    await expect(audit.verify({ batchSize: 1 })).resolves.toEqual(whole);
  });

  it('lists events newest first, filtered by entity, actor and action, a page at a time', async () => {
    const actor = officer();
    const entityId = randomUUID();
    const ids: string[] = [];
    for (const status of ['submitted', 'needs_changes', 'submitted', 'approved']) {
      ids.push((await record(actor, { action: `organisation.${status}`, entityType: 'organisation', entityId, after: { status } })).id);
    }
    await record(officer(), approval(entityId));

    const byEntity = await audit.list({ entityType: 'organisation', entityId, page: 1, pageSize: 3 });
    expect(byEntity.meta).toEqual({ page: 1, pageSize: 3, total: 5 });
    expect(byEntity.data).toHaveLength(3);
    expect(byEntity.data[1].id).toBe(ids[3]);
    expect(byEntity.data[1]).toMatchObject({ actorId: actor.userId, action: 'organisation.approved', summary: { after: { status: 'approved' } } });
    expect(byEntity.data[1].occurredAt).toBeInstanceOf(Date);
    const secondPage = await audit.list({ entityType: 'organisation', entityId, page: 2, pageSize: 3 });
    expect(secondPage.data.map((e) => e.id)).toEqual([ids[1], ids[0]]);

    const byActor = await audit.list({ actorId: actor.userId!, page: 1, pageSize: 50 });
    expect(byActor.data.map((e) => e.id)).toEqual([...ids].reverse());
    const byAction = await audit.list({ actorId: actor.userId!, action: 'organisation.submitted', page: 1, pageSize: 50 });
    expect(byAction.data.map((e) => e.id)).toEqual([ids[2], ids[0]]);
    const upperCase = await audit.list({ actorId: actor.userId!.toUpperCase(), page: 1, pageSize: 50 });
    expect(upperCase.meta.total).toBe(4);
    const notAUuid = await audit.list({ actorId: 'someone', page: 1, pageSize: 50 });
    expect(notAUuid.meta.total).toBe(0);
    const none = await audit.list({ entityType: 'project', entityId, page: 1, pageSize: 50 });
    expect(none).toEqual({ data: [], meta: { page: 1, pageSize: 50, total: 0 } });
  });
});

describe('audit log: concurrent writers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('links 20 events recorded by 20 parallel transactions into one intact chain', async () => {
    const audit = t.app.get(AuditService);
    const recorded = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.dataSource.transaction(async (manager) => {
          // Some work before the audit event, as a real use case would do.
          await manager.query('SELECT pg_sleep($1)', [(i % 4) / 1000]);
          return audit.record(manager, officer(), approval(`org-${i}`));
        }),
      ),
    );
    expect(new Set(recorded.map((r) => r.id)).size).toBe(20);
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: 20 });

    const stored: StoredRow[] = await t.dataSource.query('SELECT * FROM audit_events ORDER BY chain_seq');
    expect(stored).toHaveLength(20);
    expect(new Set(stored.map((r) => r.hash)).size).toBe(20);
    expect(stored[0].prev_hash).toBe(GENESIS_HASH);
    stored.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(stored[i].hash));
  });

  it('does not make audited transactions wait for one another', async () => {
    // Before: every audited transaction held one advisory lock until COMMIT. Now two open
    // transactions can both record (the second would block, and this test time out, otherwise).
    const audit = t.app.get(AuditService);
    const a = t.dataSource.createQueryRunner();
    const b = t.dataSource.createQueryRunner();
    await a.connect();
    await b.connect();
    try {
      await a.startTransaction();
      await b.startTransaction();
      await audit.record(a.manager, officer(), approval('a'));
      await b.query(`SET LOCAL lock_timeout = '2s'`);
      await audit.record(b.manager, officer(), approval('b'));
      await b.commitTransaction();
      await a.commitTransaction();
    } finally {
      await a.release();
      await b.release();
    }
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: 22 });
  });

  it('links events by itself in the background when AUDIT_CHAIN_INTERVAL_MS is set', async () => {
    process.env.AUDIT_CHAIN_INTERVAL_MS = '20';
    const other = await createTestApp();
    delete process.env.AUDIT_CHAIN_INTERVAL_MS;
    try {
      const audit = other.app.get(AuditService);
      await other.dataSource.transaction((m) => audit.record(m, officer(), approval('background')));
      const deadline = Date.now() + 5000;
      while ((await audit.pendingCount()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await expect(audit.pendingCount()).resolves.toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('audit log: tampering', () => {
  let t: TestApp;
  let audit: AuditService;
  let ids: string[];
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);

  beforeAll(async () => {
    t = await createTestApp();
    audit = t.app.get(AuditService);
    ids = [];
    for (let i = 0; i < 5; i++) ids.push((await t.dataSource.transaction((m) => audit.record(m, officer(), approval(`org-${i}`)))).id);
    await audit.chainPending({ wait: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('audit:verify reports an intact log with its count', async () => {
    lines.length = 0;
    await expect(verifyAuditLog(t.databaseUrl, print)).resolves.toEqual({ ok: true, checked: 5 });
    expect(lines).toEqual(['audit log OK: 5 events checked, hash chain intact']);
  });

  it('detects an edited summary at exactly that event', async () => {
    const target = ids[2];
    const [{ summary: original }] = await t.dataSource.query('SELECT summary FROM audit_events WHERE id = $1', [target]);
    await tamper(t, `UPDATE audit_events SET summary = jsonb_set(summary, '{after,status}', '"rejected"') WHERE id = $1`, [target]);

    await expect(audit.verify()).resolves.toEqual({ ok: false, checked: 2, firstBrokenId: target, reason: 'hash_mismatch' });
    lines.length = 0;
    await expect(verifyAuditLog(t.databaseUrl, print)).resolves.toEqual({ ok: false, checked: 2, firstBrokenId: target, reason: 'hash_mismatch' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`BROKEN at event ${target}: hash_mismatch`);

    // Putting the original back makes the chain whole again: the hashes cover content, not history.
    await tamper(t, 'UPDATE audit_events SET summary = $2::jsonb WHERE id = $1', [target, JSON.stringify(original)]);
    await expect(audit.verify()).resolves.toEqual({ ok: true, checked: 5 });
  });

  it('detects a deleted event as a broken link at the event after it', async () => {
    await tamper(t, 'DELETE FROM audit_events WHERE id = $1', [ids[3]]);
    await expect(audit.verify()).resolves.toEqual({ ok: false, checked: 3, firstBrokenId: ids[4], reason: 'prev_hash_mismatch' });
    lines.length = 0;
    const result = await verifyAuditLog(t.databaseUrl, print);
    expect(result.ok).toBe(false);
    expect(lines[0]).toContain(`BROKEN at event ${ids[4]}: prev_hash_mismatch`);
  });
});

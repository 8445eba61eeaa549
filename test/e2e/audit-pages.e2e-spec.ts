import { randomUUID } from 'node:crypto';
import { Actor } from '../../src/audit/actor';
import { AuditService } from '../../src/audit/audit.service';
import { createUser, Session, signIn } from '../factories/users';
import { TestApp, createTestApp } from '../support/test-app';

/** The rows of the event table, by event id. */
function eventRow(html: string, id: string): string {
  const at = html.indexOf(`data-event-id="${id}"`);
  if (at < 0) throw new Error(`event ${id} is not on the page`);
  return html.slice(at, html.indexOf('</tr>', at));
}

describe('audit log pages for auditors', () => {
  let t: TestApp;
  let audit: AuditService;
  let auditor: Session;
  let officerId: string;
  const orgId = randomUUID();
  const ids: Record<string, string> = {};
  jest.setTimeout(90_000);

  beforeAll(async () => {
    t = await createTestApp({ LOGIN_RATE_LIMIT: '100000' });
    audit = t.app.get(AuditService);
    const officer = await createUser(t, { roles: ['bureau_officer'], displayName: '王审核' });
    officerId = officer.id;
    const actor: Actor = { userId: officer.id, roles: ['bureau_officer'], organisationId: null, requestId: 'req-1', ip: '203.0.113.9' };
    const record = (action: string, entityType: string, entityId: string, at: string) =>
      t.dataSource.transaction(async (m) => {
        const r = await audit.record(m, actor, { action, entityType, entityId, after: { note: '=cmd|x' } });
        // Place the event on a known Shanghai day (the append-only trigger allows only chaining, so write before chaining).
        await m.query(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`);
        await m.query(`UPDATE audit_events SET occurred_at = $2::timestamptz WHERE id = $1`, [r.id, at]);
        await m.query(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`);
        return r.id;
      });
    ids.approved = await record('organisation.approved', 'organisation', orgId, '2026-11-30T23:30:00+08:00');
    ids.reserved = await record('fund.reserved', 'fund', randomUUID(), '2026-12-01T00:10:00+08:00');
    ids.unknown = await record('widget.polished', 'widget', 'w-1', '2026-12-02T12:00:00+08:00');
    auditor = await signIn(t, await createUser(t, { roles: ['auditor'] }));
    // Everything written so far is linked: chain numbers 1..n without gaps.
    await audit.chainPending({ wait: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('names the actor and role, translates the action, links the entity, in both languages', async () => {
    const page = await auditor.agent.get('/audit').expect(200);
    const row = eventRow(page.text, ids.approved);
    expect(row).toContain('王审核');
    expect(row).toContain('采购经办人');
    expect(row).toContain('审核通过');
    expect(row).toContain('organisation.approved'); // the stored code stays beside the name
    expect(row).toContain(`href="/staff/organisations/${orgId}"`);
    expect(row).toContain(`href="/audit?actorId&#x3D;${officerId}"`);
    // An action nobody translated shows as stored, with no link for an unknown entity type.
    const unknown = eventRow(page.text, ids.unknown);
    expect(unknown).toContain('widget.polished');
    expect(unknown).not.toContain('data-testid="entity-link"');
    expect(page.text).toContain('data-testid="sequence-explained"');

    const en = await auditor.agent.get('/audit').set('Cookie', 'lang=en').expect(200);
    const enRow = eventRow(en.text, ids.approved);
    expect(enRow).toContain('Organisation approved');
    expect(enRow).toContain('Procurement officer');
    expect(en.text).toContain('Chain no.');
    expect(en.text).not.toContain('审核通过');
  });

  it('shows gapless chain numbers beside the ids, and explains the difference', async () => {
    const [{ n, max }] = (await t.dataSource.query(`SELECT count(*)::int AS n, max(chain_seq)::int AS max FROM audit_events`)) as Array<{ n: number; max: number }>;
    expect(max).toBe(n);
    const page = await auditor.agent.get('/audit').expect(200);
    const seqs = [...page.text.matchAll(/data-testid="chain-seq">(\d+)</g)].map((m) => Number(m[1]));
    expect(seqs.slice(0, 3)).toEqual([n, n - 1, n - 2]);
    expect(page.text).toContain('序号可能有空缺');
  });

  it('filters by Shanghai days, and refuses a bad range with both fields named and kept', async () => {
    const day = await auditor.agent.get('/audit?from=2026-12-01&to=2026-12-01').expect(200);
    expect(day.text).toContain(`data-event-id="${ids.reserved}"`);
    expect(day.text).not.toContain(`data-event-id="${ids.approved}"`); // 23:30 the day before, Beijing time
    expect(day.text).not.toContain(`data-event-id="${ids.unknown}"`);
    expect(day.text).toContain('共 1 条记录');

    const bad = await auditor.agent.get('/audit?from=2026-02-30&to=someday').expect(400);
    expect(bad.text.match(/请输入有效日期/g)).toHaveLength(2);
    expect(bad.text).toContain('value="someday"');
    const reversed = await auditor.agent.get('/audit?from=2026-12-02&to=2026-12-01').expect(400);
    expect(reversed.text).toContain('结束日期不能早于开始日期');
    const json = await auditor.agent.get('/audit/events.csv?from=x').set('Accept', 'application/json').expect(400);
    expect(json.body.error.fields.from).toHaveLength(1);
  });

  it('exports the filtered log as a CSV stream with names, translated actions and formula-safe cells', async () => {
    const res = await auditor.agent.get('/audit/events.csv?from=2026-11-30&to=2026-12-01').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toContain('filename="audit-log-2026-11-30_2026-12-01.csv"');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.headers['content-length']).toBeUndefined(); // streamed (chunked), not buffered whole
    const lines = res.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('链序号');
    expect(lines[1]).toContain(`"${ids.reserved}"`);
    expect(lines[1]).toContain('"预留资金","fund.reserved"');
    expect(lines[2]).toContain('"王审核"');
    expect(lines[2]).toContain('"审核通过","organisation.approved"');

    const big = await auditor.agent.get('/audit/events.csv').set('Cookie', 'lang=en').expect(200);
    const [{ n }] = (await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_events`)) as Array<{ n: number }>;
    expect(big.text.trim().split('\r\n')).toHaveLength(n + 1);
    expect(big.text).toContain('"Organisation approved","organisation.approved"');
  });

  it('is for auditors only', async () => {
    const officer = await signIn(t, await createUser(t, { roles: ['bureau_officer'] }));
    await officer.agent.get('/audit').expect(403);
    await officer.agent.get('/audit/events.csv').expect(403);
    await t.http().get('/audit/events.csv').expect(303);
  });
});

import { AuditChainRow, AuditEventContent, ChainVerifier, GENESIS_HASH, canonicalJson, computeEventHash, hashedContent, verifyChain } from './audit-chain';

/** An approval by a bureau approver, then a system job; the hashes below were computed with sha256sum. */
const approval: AuditEventContent = {
  occurredAt: new Date('2026-03-02T01:30:00.123Z'),
  actorId: '8a1f6c2e-4b1d-4f7a-9c3e-2d5b7e9f1a20',
  actorRoles: ['bureau_approver'],
  action: 'organisation.approved',
  entityType: 'organisation',
  entityId: '5c7e0b94-2f11-4d6a-8e3b-91a0c4d2e7f3',
  summary: { before: { status: 'submitted' }, after: { status: 'approved' } },
  requestId: 'req-0001',
  ip: '203.0.113.7',
};
const APPROVAL_HASH = 'b3f5b7ababf01f44136931f962ab7db9bd4e2fbc65db71e40d132252ffbe6fe4';

const deactivation: AuditEventContent = {
  occurredAt: new Date('2026-03-02T01:30:01Z'),
  actorId: null,
  actorRoles: ['system'],
  action: 'catalogue.item_deactivated',
  entityType: 'catalogue_item',
  entityId: 'C01-004',
  summary: { before: { isActive: true }, after: { isActive: false }, details: { reason: '停止服务' } },
  requestId: null,
  ip: null,
};
const DEACTIVATION_HASH = '90fa0512c1c1ba04a5abdcd25fbb22d818f9dc097ead0da99499ad1985a1d8d5';

function chain(...events: AuditEventContent[]): AuditChainRow[] {
  const rows: AuditChainRow[] = [];
  let prevHash = GENESIS_HASH;
  events.forEach((event, i) => {
    const hash = computeEventHash(prevHash, event);
    rows.push({ ...event, id: String(i + 1), prevHash, hash });
    prevHash = hash;
  });
  return rows;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('writes Dates as ISO strings', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 0, 5, 16, 0, 0, 7)) })).toBe('{"at":"2026-01-05T16:00:00.007Z"}');
  });

  it('drops undefined members but keeps nulls, and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [1, undefined] })).toBe('{"b":null,"c":[1,null]}');
  });

  it('keeps Chinese text as is and escapes what JSON must escape', () => {
    expect(canonicalJson({ name: '阳光社工"服务"中心\n' })).toBe('{"name":"阳光社工\\"服务\\"中心\\n"}');
  });

  it('gives the same text whatever order the keys were written in', () => {
    expect(canonicalJson({ x: 1, y: { p: 1, q: 2 } })).toBe(canonicalJson({ y: { q: 2, p: 1 }, x: 1 }));
  });

  it('sorts keys by code unit, so upper case comes before lower case', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}');
  });

  it('formats numbers as JSON does', () => {
    expect(canonicalJson([0, -0, 1.5, 1e21, 12345600])).toBe('[0,0,1.5,1e+21,12345600]');
  });

  it.each([
    ['NaN', { a: NaN }],
    ['Infinity', [Infinity]],
    ['a bigint', { amount: BigInt(1) }],
    ['a function', { f: () => 1 }],
    ['a Map', { m: new Map() }],
    ['an invalid Date', { at: new Date('nope') }],
  ])('refuses %s rather than changing it silently', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('refuses a circular structure', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/circular/);
  });

  it('allows the same object twice when it is not its own ancestor', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
  });
});

describe('computeEventHash', () => {
  it('hashes exactly the canonical JSON of the content after the previous hash', () => {
    expect(hashedContent(approval)).toBe(
      '{"action":"organisation.approved","actorId":"8a1f6c2e-4b1d-4f7a-9c3e-2d5b7e9f1a20","actorRoles":["bureau_approver"],' +
        '"entityId":"5c7e0b94-2f11-4d6a-8e3b-91a0c4d2e7f3","entityType":"organisation","ip":"203.0.113.7",' +
        '"occurredAt":"2026-03-02T01:30:00.123Z","requestId":"req-0001","summary":{"after":{"status":"approved"},"before":{"status":"submitted"}}}',
    );
    expect(computeEventHash(GENESIS_HASH, approval)).toBe(APPROVAL_HASH);
  });

  it('chains: the second event’s hash depends on the first', () => {
    expect(computeEventHash(APPROVAL_HASH, deactivation)).toBe(DEACTIVATION_HASH);
    expect(computeEventHash(GENESIS_HASH, deactivation)).not.toBe(DEACTIVATION_HASH);
  });

  it('ignores id and hash columns carried on a row', () => {
    const row = { ...approval, id: '99', prevHash: 'x', hash: 'y' };
    expect(computeEventHash(GENESIS_HASH, row)).toBe(APPROVAL_HASH);
  });

  it('changes when any hashed field changes, even by one millisecond', () => {
    const variants: AuditEventContent[] = [
      { ...approval, occurredAt: new Date('2026-03-02T01:30:00.124Z') },
      { ...approval, actorId: null },
      { ...approval, actorRoles: ['bureau_approver', 'admin'] },
      { ...approval, action: 'organisation.rejected' },
      { ...approval, entityType: 'organisations' },
      { ...approval, entityId: '5c7e0b94-2f11-4d6a-8e3b-91a0c4d2e7f4' },
      { ...approval, summary: { before: { status: 'submitted' }, after: { status: 'rejected' } } },
      { ...approval, requestId: null },
      { ...approval, ip: '203.0.113.8' },
    ];
    for (const variant of variants) expect(computeEventHash(GENESIS_HASH, variant)).not.toBe(APPROVAL_HASH);
  });

  it('does not depend on the key order of the summary', () => {
    const reordered = { ...approval, summary: { after: { status: 'approved' }, before: { status: 'submitted' } } };
    expect(computeEventHash(GENESIS_HASH, reordered)).toBe(APPROVAL_HASH);
  });
});

describe('verifyChain', () => {
  it('accepts an empty log', () => {
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
  });

  it('accepts an intact chain and counts its events', () => {
    const rows = chain(approval, deactivation);
    expect(rows.map((r) => r.hash)).toEqual([APPROVAL_HASH, DEACTIVATION_HASH]);
    expect(verifyChain(rows)).toEqual({ ok: true, checked: 2 });
  });

  it('accepts gaps in ids (sequence values lost to rolled-back transactions)', () => {
    const rows = chain(approval, deactivation).map((r, i) => ({ ...r, id: String(i * 10 + 3) }));
    expect(verifyChain(rows)).toEqual({ ok: true, checked: 2 });
  });

  it('reports an edited event as a hash mismatch at that event', () => {
    const rows = chain(approval, deactivation, approval);
    rows[1] = { ...rows[1], summary: { before: { isActive: true }, after: { isActive: true } } };
    expect(verifyChain(rows)).toEqual({ ok: false, checked: 1, firstBrokenId: '2', reason: 'hash_mismatch' });
  });

  it('reports a deleted event as a broken link at the event after it', () => {
    const rows = chain(approval, deactivation, approval);
    rows.splice(1, 1);
    expect(verifyChain(rows)).toEqual({ ok: false, checked: 1, firstBrokenId: '3', reason: 'prev_hash_mismatch' });
  });

  it('reports an edited event whose hash was recomputed as a broken link at the next event', () => {
    const rows = chain(approval, deactivation, approval);
    const forged = { ...rows[1], ip: '198.51.100.1' };
    rows[1] = { ...forged, hash: computeEventHash(forged.prevHash, forged) };
    expect(verifyChain(rows)).toEqual({ ok: false, checked: 2, firstBrokenId: '3', reason: 'prev_hash_mismatch' });
  });

  it('requires the first event to start from 64 zeros', () => {
    const [first] = chain(approval);
    const fake = { ...first, prevHash: 'f'.repeat(64) };
    fake.hash = computeEventHash(fake.prevHash, fake);
    expect(verifyChain([fake])).toEqual({ ok: false, checked: 0, firstBrokenId: '1', reason: 'prev_hash_mismatch' });
  });

  it('verifies page by page with the same result as all at once', () => {
    const rows = chain(approval, deactivation, approval, deactivation, approval);
    rows[3] = { ...rows[3], action: 'catalogue.item_reactivated' };
    const verifier = new ChainVerifier();
    for (const page of [rows.slice(0, 2), rows.slice(2, 4), rows.slice(4)]) for (const row of page) verifier.push(row);
    expect(verifier.result()).toEqual(verifyChain(rows));
    expect(verifier.result()).toEqual({ ok: false, checked: 3, firstBrokenId: '4', reason: 'hash_mismatch' });
  });
});

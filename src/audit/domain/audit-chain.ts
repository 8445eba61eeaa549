import { createHash } from 'node:crypto';

/**
 * The audit log is a hash chain: each event stores the hash of the event before it (`prevHash`,
 * 64 zeros for the first) and its own `hash = sha256(prevHash + canonicalJson(content))`.
 * Changing, removing, inserting or reordering any event breaks the chain from that point on.
 * Pure: no Nest, no TypeORM; the service feeds it rows and the CLI and pages show the result.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** `organisation.approved`, `contract.milestone_accepted`: lower-case words joined by dots. */
export const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** What the hash covers: everything in an event except its id and the two hashes. */
export interface AuditEventContent {
  occurredAt: Date;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string;
  summary: unknown;
  requestId: string | null;
  ip: string | null;
}

export interface AuditChainRow extends AuditEventContent {
  id: string;
  prevHash: string;
  hash: string;
}

/**
 * `prev_hash_mismatch`: the event does not point at the event before it (an event was deleted,
 * inserted or reordered). `hash_mismatch`: the event's content does not match its hash (it was
 * edited after it was written).
 */
export type ChainBreakReason = 'prev_hash_mismatch' | 'hash_mismatch';

/** `checked`: how many events were found intact (before the first break, if any). */
export type ChainVerification = { ok: true; checked: number } | { ok: false; checked: number; firstBrokenId: string; reason: ChainBreakReason };

/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785) at every depth and no
 * whitespace, so equal data always gives the same text. Dates become ISO strings; undefined
 * object members are dropped (inside arrays they become null, as in JSON.stringify). Values
 * JSON cannot represent faithfully (NaN, Infinity, bigint, functions, Maps, Sets, cycles) throw
 * rather than being silently changed.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value, '$', new Set());
  if (text === undefined) throw new TypeError('canonicalJson: the value is undefined');
  return text;
}

function encode(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} at ${path} has no JSON form`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} at ${path} has no JSON form; convert it first (bigint to string)`);
  }
  const object = value as object;
  if (object instanceof Date) {
    if (Number.isNaN(object.getTime())) throw new TypeError(`canonicalJson: invalid Date at ${path}`);
    return JSON.stringify(object.toISOString());
  }
  if (object instanceof Map || object instanceof Set || object instanceof WeakMap || object instanceof WeakSet) {
    throw new TypeError(`canonicalJson: a ${object.constructor.name} at ${path} has no JSON form; pass a plain object or array`);
  }
  if (ancestors.has(object)) throw new TypeError(`canonicalJson: circular reference at ${path}`);
  ancestors.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item, i) => encode(item, `${path}[${i}]`, ancestors) ?? 'null').join(',')}]`;
    }
    const toJSON = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return encode(toJSON.call(object), path, ancestors);
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const encoded = encode((object as Record<string, unknown>)[key], `${path}.${key}`, ancestors);
      if (encoded !== undefined) members.push(`${JSON.stringify(key)}:${encoded}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(object);
  }
}

/** The exact text hashed for an event after `prevHash`; extra properties (id, hashes) are ignored. */
export function hashedContent(event: AuditEventContent): string {
  return canonicalJson({
    occurredAt: event.occurredAt.toISOString(),
    actorId: event.actorId,
    actorRoles: event.actorRoles,
    action: event.action,
    entityType: event.entityType,
    entityId: event.entityId,
    summary: event.summary,
    requestId: event.requestId,
    ip: event.ip,
  });
}

/** sha256, lower-case hex, of `prevHash + canonicalJson(content)`. */
export function computeEventHash(prevHash: string, event: AuditEventContent): string {
  return createHash('sha256')
    .update(prevHash + hashedContent(event), 'utf8')
    .digest('hex');
}

/**
 * Checks rows one at a time, in chain order (chain_seq), so a log of any size can be streamed through it
 * page by page. Stops at the first break.
 */
export class ChainVerifier {
  private expectedPrevHash = GENESIS_HASH;
  private checked = 0;
  private broken?: { firstBrokenId: string; reason: ChainBreakReason };

  /** Checks the next row; returns false once the chain is broken (later rows are not looked at). */
  push(row: AuditChainRow): boolean {
    if (this.broken) return false;
    if (row.prevHash !== this.expectedPrevHash) {
      this.broken = { firstBrokenId: row.id, reason: 'prev_hash_mismatch' };
    } else if (computeEventHash(row.prevHash, row) !== row.hash) {
      this.broken = { firstBrokenId: row.id, reason: 'hash_mismatch' };
    } else {
      this.expectedPrevHash = row.hash;
      this.checked += 1;
    }
    return !this.broken;
  }

  result(): ChainVerification {
    return this.broken ? { ok: false, checked: this.checked, ...this.broken } : { ok: true, checked: this.checked };
  }
}

/** Verifies a whole chain given in chain order, starting from the genesis hash. */
export function verifyChain(rows: Iterable<AuditChainRow>): ChainVerification {
  const verifier = new ChainVerifier();
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.result();
}

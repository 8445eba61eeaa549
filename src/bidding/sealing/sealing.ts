import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Sealed-bid cryptography, pure (no Nest, no database): AES-256-GCM everywhere.
 *
 * - Each project has a 256-bit data key, created on its first bid and stored only wrapped
 *   (encrypted) by the master key, which never enters the database.
 * - Each bid version is sealed under its project's data key. The associated data names the
 *   project, bid and version, so a ciphertext moved to another row does not open.
 * - The receipt is the sha256 of the canonical JSON plaintext, which carries a random nonce:
 *   a guessed price cannot be confirmed against a receipt.
 */

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealingError extends Error {
  constructor(
    readonly reason: 'wrong_master_key' | 'key_unwrap_failed' | 'unseal_failed' | 'bad_key' | 'not_canonical',
    message: string,
  ) {
    super(message);
    this.name = 'SealingError';
  }
}

export interface WrappedKey {
  masterKeyId: string;
  wrappedKey: Buffer;
  wrapIv: Buffer;
  wrapTag: Buffer;
}

export interface SealedContent {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
}

export interface MasterKey {
  /** A short fingerprint stored beside each wrapped key, so a wrong master key is recognised. */
  id: string;
  key: Buffer;
}

/** `mk-` and 16 hex digits of sha256 over a label and the key: identifies the key, reveals nothing of it. */
export function masterKeyFingerprint(key: Buffer): string {
  assertKey(key, 'master key');
  return `mk-${createHash('sha256').update('marketplace/bid-master-key/v1\0').update(key).digest('hex').slice(0, 16)}`;
}

export function masterKeyFrom(key: Buffer): MasterKey {
  assertKey(key, 'master key');
  return { id: masterKeyFingerprint(key), key: Buffer.from(key) };
}

export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

function assertKey(key: Buffer, what: string): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new SealingError('bad_key', `${what} must be ${KEY_BYTES} bytes`);
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): SealedContent {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, authTag: cipher.getAuthTag() };
}

function decrypt(key: Buffer, sealed: SealedContent, aad: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.authTag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

const attachmentAad = (projectId: string, bidId: string) => `marketplace/bid-attachment/v1/${projectId}/${bidId}`;

/** An attachment sealed for storage: iv ‖ tag ‖ ciphertext. */
export function sealAttachment(dataKey: Buffer, bytes: Buffer, ref: { projectId: string; bidId: string }): Buffer {
  const sealed = encrypt(dataKey, bytes, attachmentAad(ref.projectId, ref.bidId));
  return Buffer.concat([sealed.iv, sealed.authTag, sealed.ciphertext]);
}

/** Throws SealingError `unseal_failed` when the stored bytes do not authenticate. */
export function unsealAttachment(dataKey: Buffer, stored: Buffer, ref: { projectId: string; bidId: string }): Buffer {
  try {
    const iv = stored.subarray(0, IV_BYTES);
    const authTag = stored.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    return decrypt(dataKey, { iv, authTag, ciphertext: stored.subarray(IV_BYTES + TAG_BYTES) }, attachmentAad(ref.projectId, ref.bidId));
  } catch {
    throw new SealingError('unseal_failed', `an attachment of bid ${ref.bidId} does not authenticate`);
  }
}

const keyAad = (projectId: string) => `marketplace/project-key/v1/${projectId}`;
const bidAad = (projectId: string, bidId: string, version: number) => `marketplace/bid/v1/${projectId}/${bidId}/${version}`;

export function wrapDataKey(master: MasterKey, dataKey: Buffer, projectId: string): WrappedKey {
  assertKey(dataKey, 'data key');
  const sealed = encrypt(master.key, dataKey, keyAad(projectId));
  return { masterKeyId: master.id, wrappedKey: sealed.ciphertext, wrapIv: sealed.iv, wrapTag: sealed.authTag };
}

/** Throws SealingError `wrong_master_key` when the key was wrapped by another master key, `key_unwrap_failed` when tampered with. */
export function unwrapDataKey(master: MasterKey, wrapped: WrappedKey, projectId: string): Buffer {
  if (wrapped.masterKeyId !== master.id) {
    throw new SealingError('wrong_master_key', `the project key was wrapped by master key ${wrapped.masterKeyId}, this instance holds ${master.id}`);
  }
  try {
    const key = decrypt(master.key, { ciphertext: wrapped.wrappedKey, iv: wrapped.wrapIv, authTag: wrapped.wrapTag }, keyAad(projectId));
    assertKey(key, 'data key');
    return key;
  } catch (error) {
    if (error instanceof SealingError) throw error;
    throw new SealingError('key_unwrap_failed', 'the wrapped project key does not authenticate (tampered with, or another project’s)');
  }
}

export function sealBid(dataKey: Buffer, plaintext: string, ref: { projectId: string; bidId: string; version: number }): SealedContent {
  return encrypt(dataKey, Buffer.from(plaintext, 'utf8'), bidAad(ref.projectId, ref.bidId, ref.version));
}

/** Throws SealingError `unseal_failed` when the ciphertext, its tag or its row do not authenticate. */
export function unsealBid(dataKey: Buffer, sealed: SealedContent, ref: { projectId: string; bidId: string; version: number }): string {
  try {
    return decrypt(dataKey, sealed, bidAad(ref.projectId, ref.bidId, ref.version)).toString('utf8');
  } catch {
    throw new SealingError('unseal_failed', `bid ${ref.bidId} version ${ref.version} does not authenticate (tampered with or moved)`);
  }
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, arrays in order, only strings,
 * finite numbers, booleans, null, arrays and plain objects. Properties whose value is undefined
 * are left out. The same value always gives the same text, and PostgreSQL's jsonb keeps every
 * such value, so a receipt can be recomputed from the opened record.
 */
export function canonicalJson(value: unknown): string {
  const text = encode(value);
  if (text === undefined) throw new SealingError('not_canonical', 'canonicalJson: the value is undefined');
  return text;
}

function encode(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'undefined':
      return undefined;
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new SealingError('not_canonical', `canonicalJson: ${value} is not a finite number`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => encode(v) ?? 'null').join(',')}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new SealingError('not_canonical', 'canonicalJson: only plain objects');
      const entries = Object.keys(value as object)
        .sort()
        .map((k) => [k, encode((value as Record<string, unknown>)[k])] as const)
        .filter(([, v]) => v !== undefined);
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
    }
    default:
      throw new SealingError('not_canonical', `canonicalJson: cannot encode a ${typeof value}`);
  }
}

/** The receipt hash: lowercase hex sha256 of the canonical JSON text (UTF-8). */
export function receiptHash(canonicalText: string): string {
  return createHash('sha256').update(canonicalText, 'utf8').digest('hex');
}

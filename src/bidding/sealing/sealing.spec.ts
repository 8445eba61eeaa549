import { randomBytes } from 'node:crypto';
import { SealingError, canonicalJson, generateDataKey, masterKeyFingerprint, masterKeyFrom, receiptHash, sealBid, unsealBid, unwrapDataKey, wrapDataKey } from './sealing';

const master = masterKeyFrom(Buffer.from(Array.from({ length: 32 }, (_, i) => (7 + i * 13) % 256)));
const projectId = '8b0c2c43-1c1d-4a57-9a64-5f2a0a7d9e10';
const ref = { projectId, bidId: 'c2b2f6b0-6f2c-4d7e-8c55-6a3b1f0e9d21', version: 2 };

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof SealingError) return error.reason;
    throw error;
  }
  throw new Error('expected a SealingError');
}

describe('data keys wrapped by the master key', () => {
  it('round-trips a data key', () => {
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(master, dataKey, projectId);
    expect(wrapped.masterKeyId).toBe(master.id);
    expect(wrapped.wrappedKey.equals(dataKey)).toBe(false);
    expect(unwrapDataKey(master, wrapped, projectId).equals(dataKey)).toBe(true);
  });

  it('detects the wrong master key by its fingerprint', () => {
    const wrapped = wrapDataKey(master, generateDataKey(), projectId);
    const other = masterKeyFrom(randomBytes(32));
    expect(other.id).not.toBe(master.id);
    expect(reason(() => unwrapDataKey(other, wrapped, projectId))).toBe('wrong_master_key');
    // A different key claiming the same fingerprint still does not authenticate.
    expect(reason(() => unwrapDataKey({ ...other, id: master.id }, wrapped, projectId))).toBe('key_unwrap_failed');
  });

  it('refuses a wrapped key that was tampered with or moved to another project', () => {
    const wrapped = wrapDataKey(master, generateDataKey(), projectId);
    const flipped = Buffer.from(wrapped.wrappedKey);
    flipped[0] ^= 1;
    expect(reason(() => unwrapDataKey(master, { ...wrapped, wrappedKey: flipped }, projectId))).toBe('key_unwrap_failed');
    expect(reason(() => unwrapDataKey(master, wrapped, '00000000-0000-4000-8000-000000000000'))).toBe('key_unwrap_failed');
  });

  it('gives a short fingerprint that names the key without revealing it', () => {
    expect(master.id).toMatch(/^mk-[0-9a-f]{16}$/);
    expect(masterKeyFingerprint(master.key)).toBe(master.id);
    expect(() => masterKeyFrom(Buffer.alloc(16))).toThrow(SealingError);
  });
});

describe('sealed bids', () => {
  const dataKey = generateDataKey();
  const plaintext = canonicalJson({ priceMinor: 18_600_050, proposal: '上门探访', nonce: 'AAAA' });

  it('round-trips the plaintext, a fresh IV each time', () => {
    const a = sealBid(dataKey, plaintext, ref);
    const b = sealBid(dataKey, plaintext, ref);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.ciphertext.toString('utf8')).not.toContain('18600050');
    expect(unsealBid(dataKey, a, ref)).toBe(plaintext);
  });

  it('refuses tampered ciphertext, a tampered tag, another key, or the content moved to another bid or version', () => {
    const sealed = sealBid(dataKey, plaintext, ref);
    const ciphertext = Buffer.from(sealed.ciphertext);
    ciphertext[3] ^= 0x40;
    expect(reason(() => unsealBid(dataKey, { ...sealed, ciphertext }, ref))).toBe('unseal_failed');
    const authTag = Buffer.from(sealed.authTag);
    authTag[0] ^= 1;
    expect(reason(() => unsealBid(dataKey, { ...sealed, authTag }, ref))).toBe('unseal_failed');
    expect(reason(() => unsealBid(generateDataKey(), sealed, ref))).toBe('unseal_failed');
    expect(reason(() => unsealBid(dataKey, sealed, { ...ref, version: 1 }))).toBe('unseal_failed');
    expect(reason(() => unsealBid(dataKey, sealed, { ...ref, bidId: projectId }))).toBe('unseal_failed');
  });
});

describe('canonical JSON and the receipt hash', () => {
  it('is stable whatever the key order, and leaves undefined out', () => {
    const a = canonicalJson({ b: 1, a: { d: [3, { y: 'x', x: null }], c: true }, u: undefined });
    const b = canonicalJson({ a: { c: true, d: [3, { x: null, y: 'x' }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":true,"d":[3,{"x":null,"y":"x"}]},"b":1}');
  });

  it('keeps Chinese text as characters and escapes what JSON must', () => {
    expect(canonicalJson({ t: '独居老人\n"关爱"' })).toBe('{"t":"独居老人\\n\\"关爱\\""}');
  });

  it('survives a JSON round trip unchanged (as jsonb does), so the receipt can be recomputed', () => {
    const text = canonicalJson({ z: [1, 2.5, -3], a: '¥', m: { k: false } });
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(SealingError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(SealingError);
    expect(() => canonicalJson(undefined)).toThrow(SealingError);
  });

  it('is the sha256 of the canonical text (a worked example)', () => {
    expect(receiptHash('{"a":1}')).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(receiptHash(canonicalJson({ a: 1 }))).toBe(receiptHash('{"a":1}'));
  });

  it('cannot be confirmed by guessing the price: the nonce changes the hash', () => {
    const content = { priceMinor: 100, nonce: 'n1' };
    expect(receiptHash(canonicalJson(content))).not.toBe(receiptHash(canonicalJson({ ...content, nonce: 'n2' })));
  });
});

import { createHmac } from 'node:crypto';

/**
 * The committee draw (pure and reproducible). Given a 32-byte seed (generated with
 * crypto.randomBytes when the draw is made and recorded in `committee_draws.seed` as 64 hex
 * characters) and the candidate pool, the result is fully determined, so an auditor can
 * recompute it with any HMAC-SHA256 implementation:
 *
 * 1. Canonical pool: the candidates' user ids, lower-case, duplicates removed, sorted ascending
 *    as ASCII strings.
 * 2. Random stream: block k (k = 0, 1, 2, …) is HMAC-SHA256(key = seed bytes, message = k as an
 *    8-byte big-endian unsigned integer); each block yields one 32-bit number, its first 4 bytes
 *    read big-endian.
 * 3. A number below n: take the next 32-bit number v; if v ≥ 2^32 − (2^32 mod n), discard it and
 *    take the next (rejection sampling, so every value is equally likely); else use v mod n.
 * 4. Partial Fisher–Yates: for i = 0 … wanted−1, pick j = i + (a number below length − i) and
 *    swap positions i and j. The first `wanted` entries, in order, are the result.
 */
export const DRAW_ALGORITHM = 'hmac-sha256-fisher-yates/v1';

export class DrawError extends Error {}

const SEED = /^[0-9a-f]{64}$/;

export function canonicalPool(pool: readonly string[]): string[] {
  return [...new Set(pool.map((id) => id.toLowerCase()))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The random stream of a seed: 32-bit numbers from HMAC-SHA256(seed, counter). */
export function randomStream(seedHex: string): () => number {
  if (!SEED.test(seedHex)) throw new DrawError('the seed must be 64 lower-case hex characters (32 bytes)');
  const key = Buffer.from(seedHex, 'hex');
  let counter = 0n;
  return () => {
    const message = Buffer.alloc(8);
    message.writeBigUInt64BE(counter);
    counter += 1n;
    return createHmac('sha256', key).update(message).digest().readUInt32BE(0);
  };
}

const TWO_32 = 2 ** 32;

/** A uniformly distributed whole number in [0, n), by rejection sampling. */
export function numberBelow(next: () => number, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new DrawError(`cannot draw below ${n}`);
  const limit = TWO_32 - (TWO_32 % n);
  for (;;) {
    const v = next();
    if (v < limit) return v % n;
  }
}

/** Draws `wanted` members from `pool` (see the algorithm above). */
export function drawCommittee(seedHex: string, pool: readonly string[], wanted: number): string[] {
  const candidates = canonicalPool(pool);
  if (!Number.isInteger(wanted) || wanted < 1) throw new DrawError('at least one member must be drawn');
  if (wanted > candidates.length) throw new DrawError(`cannot draw ${wanted} from a pool of ${candidates.length}`);
  const next = randomStream(seedHex);
  for (let i = 0; i < wanted; i++) {
    const j = i + numberBelow(next, candidates.length - i);
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  return candidates.slice(0, wanted);
}

export interface RecordedDraw {
  algorithm: string;
  seed: string;
  pool: string[];
  wanted: number;
  result: string[];
}

export interface DrawCheck {
  matches: boolean;
  recomputed: string[];
  problem?: 'unknown_algorithm' | 'pool_not_canonical' | 'invalid_record';
}

/** Recomputes a recorded draw from its seed and pool; `matches` when it gives the recorded result. */
export function reproduceDraw(record: RecordedDraw): DrawCheck {
  if (record.algorithm !== DRAW_ALGORITHM) return { matches: false, recomputed: [], problem: 'unknown_algorithm' };
  const canonical = canonicalPool(record.pool);
  if (canonical.length !== record.pool.length || canonical.some((id, i) => id !== record.pool[i])) {
    return { matches: false, recomputed: [], problem: 'pool_not_canonical' };
  }
  try {
    const recomputed = drawCommittee(record.seed, record.pool, record.wanted);
    return { matches: recomputed.length === record.result.length && recomputed.every((id, i) => id === record.result[i]), recomputed };
  } catch {
    return { matches: false, recomputed: [], problem: 'invalid_record' };
  }
}

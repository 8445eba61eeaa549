import { createHmac } from 'node:crypto';
import { screenCandidates } from './committee';
import { DRAW_ALGORITHM, canonicalPool, drawCommittee, numberBelow, randomStream, reproduceDraw } from './draw';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const POOL = [
  '6f1c2a9e-0000-4000-8000-000000000001',
  '0b7d4c3a-0000-4000-8000-000000000002',
  'c2e8a1f4-0000-4000-8000-000000000003',
  '3a9f5d2b-0000-4000-8000-000000000004',
  'e5b1c7d8-0000-4000-8000-000000000005',
  '9d2e6f1a-0000-4000-8000-000000000006',
  '41ac8b3e-0000-4000-8000-000000000007',
];

describe('committee draw', () => {
  it('gives the same committee for the same seed and pool, whatever order the pool came in', () => {
    const first = drawCommittee(SEED, POOL, 5);
    expect(drawCommittee(SEED, [...POOL].reverse(), 5)).toEqual(first);
    expect(new Set(first).size).toBe(5);
    for (const id of first) expect(POOL).toContain(id);
  });

  it('matches the recorded reference result (an auditor can recompute it elsewhere)', () => {
    expect(drawCommittee(SEED, POOL, 5)).toEqual(REFERENCE_RESULT);
  });

  it('gives a different committee for a different seed', () => {
    const other = 'ff'.repeat(32);
    expect(drawCommittee(other, POOL, 5)).not.toEqual(drawCommittee(SEED, POOL, 5));
  });

  it('reads its random numbers from HMAC-SHA256(seed, 8-byte big-endian counter)', () => {
    const next = randomStream(SEED);
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(1n);
    next();
    expect(next()).toBe(createHmac('sha256', Buffer.from(SEED, 'hex')).update(counter).digest().readUInt32BE(0));
  });

  it('discards numbers that would bias the choice (rejection sampling)', () => {
    const values = [2 ** 32 - 1, 2 ** 32 - 2, 7];
    const next = () => values.shift()!;
    // 2^32 mod 3 = 1, so 2^32 − 1 is rejected; 2^32 − 2 is accepted: (2^32 − 2) mod 3 = 2.
    expect(numberBelow(next, 3)).toBe(2);
    expect(values).toEqual([7]);
  });

  it('refuses to draw more than the pool holds', () => {
    expect(() => drawCommittee(SEED, POOL.slice(0, 2), 3)).toThrow('cannot draw 3 from a pool of 2');
  });

  it('reproduces a recorded draw and detects a tampered one', () => {
    const pool = canonicalPool(POOL);
    const result = drawCommittee(SEED, pool, 3);
    expect(reproduceDraw({ algorithm: DRAW_ALGORITHM, seed: SEED, pool, wanted: 3, result })).toEqual({ matches: true, recomputed: result });
    expect(reproduceDraw({ algorithm: DRAW_ALGORITHM, seed: SEED, pool, wanted: 3, result: [...result].reverse() }).matches).toBe(false);
    expect(reproduceDraw({ algorithm: DRAW_ALGORITHM, seed: SEED, pool: POOL, wanted: 3, result }).problem).toBe('pool_not_canonical');
    expect(reproduceDraw({ algorithm: 'math-random', seed: SEED, pool, wanted: 3, result }).problem).toBe('unknown_algorithm');
  });

  it('excludes conflicted and inactive evaluators, with the reason, before the draw', () => {
    const candidates = POOL.map((userId, i) => ({ userId, name: `专家${i + 1}`, isActive: i !== 4 }));
    const conflicts = [{ evaluatorId: POOL[0], organisationId: 'org-1', organisationName: '晨光社工服务中心', kind: 'employment', startedOn: '2019-03-01', endedOn: '2024-06-30' }];
    const screened = screenCandidates(candidates, conflicts, new Map([[POOL[6], 'representative' as const]]));
    expect(screened.excluded).toEqual(
      expect.arrayContaining([
        {
          userId: POOL[0],
          name: '专家1',
          reason: 'conflict',
          conflicts: [{ organisationId: 'org-1', organisationName: '晨光社工服务中心', kind: 'employment', startedOn: '2019-03-01', endedOn: '2024-06-30' }],
        },
        { userId: POOL[4], name: '专家5', reason: 'inactive' },
        { userId: POOL[6], name: '专家7', reason: 'representative' },
      ]),
    );
    expect(screened.pool).toEqual(canonicalPool([POOL[1], POOL[2], POOL[3], POOL[5]]));
    // Whatever the seed, a conflicted evaluator is never drawn.
    for (const seed of [SEED, 'ab'.repeat(32), '01'.repeat(32)]) expect(drawCommittee(seed, screened.pool, 4)).not.toContain(POOL[0]);
  });
});

/**
 * Computed once with the algorithm above and checked with an independent Python implementation
 * (hmac, hashlib, struct); any change to the algorithm must come with a new algorithm name.
 */
const REFERENCE_RESULT = [
  '3a9f5d2b-0000-4000-8000-000000000004',
  '0b7d4c3a-0000-4000-8000-000000000002',
  'e5b1c7d8-0000-4000-8000-000000000005',
  'c2e8a1f4-0000-4000-8000-000000000003',
  '9d2e6f1a-0000-4000-8000-000000000006',
];

import { deflateRawSync } from 'node:zlib';
import { zipBomb, zipOf } from '../../test/factories/zip-bomb';
import { measureZipInflation } from './zip-inflation';

const MiB = 1 << 20;

describe('measuring what a ZIP inflates to', () => {
  it('counts the real inflated size of each entry, not the declared one', async () => {
    const text = Buffer.from('<row>'.repeat(10_000));
    const zip = zipOf([
      { name: 'a.xml', data: deflateRawSync(text), declaredBytes: 10, method: 8 },
      { name: 'b.txt', data: Buffer.from('stored'), declaredBytes: 6, method: 0 },
    ]);
    await expect(measureZipInflation(zip, MiB)).resolves.toEqual({ ok: true, inflatedBytes: text.length + 6 });
  });

  it('stops a bomb declaring 4 KB as soon as the count passes the limit, within one 64 KiB chunk', async () => {
    const bomb = zipBomb({ inflatedMiB: 600 });
    expect(bomb.length).toBeLessThan(700 * 1024);
    const started = process.hrtime.bigint();
    const result = await measureZipInflation(bomb, 2 * MiB);
    expect(result).toMatchObject({ ok: false, reason: 'tooLarge' });
    expect(result.inflatedBytes).toBeGreaterThan(2 * MiB);
    expect(result.inflatedBytes).toBeLessThanOrEqual(2 * MiB + 64 * 1024);
    // Inflating all 600 MiB would take seconds; stopping at 2 MiB takes milliseconds (generous for a busy machine).
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1500);
  });

  it('shares the limit across entries', async () => {
    const half = deflateRawSync(Buffer.alloc(600 * 1024));
    const zip = zipOf([
      { name: 'a', data: half, declaredBytes: 1, method: 8 },
      { name: 'b', data: half, declaredBytes: 1, method: 8 },
    ]);
    await expect(measureZipInflation(zip, MiB)).resolves.toMatchObject({ ok: false, reason: 'tooLarge' });
    await expect(measureZipInflation(zip, 2 * MiB)).resolves.toEqual({ ok: true, inflatedBytes: 1200 * 1024 });
  });

  it('calls a broken or unknown ZIP malformed', async () => {
    await expect(measureZipInflation(Buffer.from('PK\x03\x04 not really'), MiB)).resolves.toMatchObject({ ok: false, reason: 'malformed' });
    const corrupt = zipOf([{ name: 'a', data: Buffer.from([0xff, 0xff, 0xff, 0xff]), declaredBytes: 1, method: 8 }]);
    await expect(measureZipInflation(corrupt, MiB)).resolves.toMatchObject({ ok: false, reason: 'malformed' });
    const bzip2 = zipOf([{ name: 'a', data: Buffer.from('x'), declaredBytes: 1, method: 12 as 8 }]);
    await expect(measureZipInflation(bzip2, MiB)).resolves.toMatchObject({ ok: false, reason: 'malformed' });
  });
});

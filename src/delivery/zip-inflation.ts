import { createInflateRaw } from 'node:zlib';

/**
 * How many bytes a ZIP really inflates to, counted while inflating and abandoned as soon as the
 * count passes a limit. A ZIP's declared sizes are whatever its maker wrote (a 613 KB file may
 * declare 4 KB and inflate to 600 MB), so a workbook is inflated once here, each entry streamed
 * through node:zlib with a byte counter and its output thrown away, before a parser that keeps
 * everything in memory sees it. Entries are found as ZIP readers find them: through the central
 * directory, at the offsets and compressed sizes it gives.
 */
export type ZipInflation = { ok: true; inflatedBytes: number } | { ok: false; reason: 'malformed' | 'tooLarge'; inflatedBytes: number };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CHUNK = 64 * 1024;

interface Entry {
  method: number;
  dataStart: number;
  compressedSize: number;
}

function entriesOf(bytes: Buffer): Entry[] | null {
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) !== EOCD) continue;
    const count = bytes.readUInt16LE(at + 10);
    let offset = bytes.readUInt32LE(at + 16);
    const entries: Entry[] = [];
    for (let i = 0; i < count; i++) {
      if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== CENTRAL) return null;
      const method = bytes.readUInt16LE(offset + 10);
      const compressedSize = bytes.readUInt32LE(offset + 20);
      const localAt = bytes.readUInt32LE(offset + 42);
      // ZIP64 markers: a workbook this large is refused anyway.
      if (compressedSize === 0xffffffff || localAt === 0xffffffff) return null;
      if (localAt + 30 > bytes.length || bytes.readUInt32LE(localAt) !== LOCAL) return null;
      const dataStart = localAt + 30 + bytes.readUInt16LE(localAt + 26) + bytes.readUInt16LE(localAt + 28);
      if (dataStart + compressedSize > bytes.length) return null;
      entries.push({ method, dataStart, compressedSize });
      offset += 46 + bytes.readUInt16LE(offset + 28) + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
    }
    return entries;
  }
  return null;
}

/** Inflates raw deflate data, counting output bytes; stops (destroying the stream) once past `budget`. */
function inflateCounting(data: Buffer, budget: number): Promise<{ bytes: number; exceeded: boolean; failed: boolean }> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw({ chunkSize: CHUNK });
    let bytes = 0;
    let settled = false;
    const settle = (result: { bytes: number; exceeded: boolean; failed: boolean }) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    inflate.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > budget) {
        settle({ bytes, exceeded: true, failed: false });
        inflate.destroy();
      }
    });
    inflate.on('end', () => settle({ bytes, exceeded: false, failed: false }));
    inflate.on('error', () => settle({ bytes, exceeded: false, failed: true }));
    inflate.on('close', () => settle({ bytes, exceeded: bytes > budget, failed: false }));
    inflate.end(data);
  });
}

export async function measureZipInflation(bytes: Buffer, maxBytes: number): Promise<ZipInflation> {
  const entries = entriesOf(bytes);
  if (!entries) return { ok: false, reason: 'malformed', inflatedBytes: 0 };
  let total = 0;
  for (const entry of entries) {
    const data = bytes.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
    if (entry.method === 0) total += data.length;
    else if (entry.method === 8) {
      const result = await inflateCounting(data, maxBytes - total);
      total += result.bytes;
      if (result.failed) return { ok: false, reason: 'malformed', inflatedBytes: total };
    } else return { ok: false, reason: 'malformed', inflatedBytes: total };
    if (total > maxBytes) return { ok: false, reason: 'tooLarge', inflatedBytes: total };
  }
  return { ok: true, inflatedBytes: total };
}

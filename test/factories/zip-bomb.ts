import { constants, crc32, deflateRawSync } from 'node:zlib';

/**
 * A ZIP whose one entry declares `declaredBytes` uncompressed but inflates to `inflatedMiB` MiB
 * of zeros: non-final deflate blocks of 1 MiB each (sync-flushed, so they can follow one another)
 * and a final empty block. 600 MiB take about 600 KB, built in well under a second.
 */
export function zipBomb(options: { inflatedMiB: number; declaredBytes?: number; name?: string }): Buffer {
  const block = deflateRawSync(Buffer.alloc(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH });
  const data = Buffer.concat([...Array.from({ length: options.inflatedMiB }, () => block), Buffer.from([0x03, 0x00])]);
  return zipOf([{ name: options.name ?? 'xl/worksheets/sheet1.xml', data, declaredBytes: options.declaredBytes ?? 4096, method: 8 }]);
}

/** A ZIP of the given raw entries (method 8 = deflated data as given, 0 = stored), with the sizes it is told to declare. */
export function zipOf(entries: Array<{ name: string; data: Buffer; declaredBytes: number; method: 0 | 8 }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(Buffer.alloc(0));
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredBytes, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredBytes, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += local.length + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

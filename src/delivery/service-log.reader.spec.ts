import * as ExcelJS from 'exceljs';
import { XLSX_MAX_UNCOMPRESSED_BYTES, cellText, decodeCsvText, readServiceLog, zipUncompressedSize } from './service-log.reader';

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('服务记录');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('readServiceLog', () => {
  it('reads an XLSX workbook: numbers without float noise, date cells as calendar dates, formulas by result', async () => {
    const bytes = await workbook([
      ['项目编码', '服务日期', '场次', '服务人次', '服务户数', '服务时长(小时)'],
      ['C01-001', new Date(Date.UTC(2026, 10, 3)), 1, 12, 0, 0.1 + 0.2],
      ['C01-001', '2026/11/4', { formula: '1+1', result: 2 }, 5, 1, 1.5],
    ]);
    const read = await readServiceLog(bytes);
    expect(read).toMatchObject({ ok: true, kind: 'xlsx' });
    if (!read.ok) return;
    expect(read.table).toEqual([
      ['项目编码', '服务日期', '场次', '服务人次', '服务户数', '服务时长(小时)'],
      ['C01-001', '2026-11-03', '1', '12', '0', '0.3'],
      ['C01-001', '2026/11/4', '2', '5', '1', '1.5'],
    ]);
    expect(read.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads a UTF-8 CSV with a BOM, and a GB 18030 CSV as Excel saves it on Chinese Windows', async () => {
    const text = '项目编码,场次\r\nC01-001,2\r\n';
    const utf8 = await readServiceLog(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(utf8).toMatchObject({
      ok: true,
      kind: 'csv',
      table: [
        ['项目编码', '场次'],
        ['C01-001', '2'],
      ],
    });
    // 项目编码,场次 in GB 18030
    const gb = Buffer.concat([Buffer.from([0xcf, 0xee, 0xc4, 0xbf, 0xb1, 0xe0, 0xc2, 0xeb]), Buffer.from(','), Buffer.from([0xb3, 0xa1, 0xb4, 0xce]), Buffer.from('\r\nC01-001,2\r\n')]);
    expect(decodeCsvText(gb)).toBe(text);
    expect(await readServiceLog(gb)).toMatchObject({
      ok: true,
      table: [
        ['项目编码', '场次'],
        ['C01-001', '2'],
      ],
    });
  });

  it('refuses an empty file, the old binary .xls, images and PDFs, and a damaged workbook', async () => {
    expect(await readServiceLog(Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
    expect(await readServiceLog(undefined)).toEqual({ ok: false, reason: 'empty' });
    expect(await readServiceLog(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual({ ok: false, reason: 'legacyXls' });
    expect(await readServiceLog(Buffer.from('%PDF-1.4\n'))).toEqual({ ok: false, reason: 'fileType' });
    expect(await readServiceLog(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toEqual({ ok: false, reason: 'fileType' });
    expect(await readServiceLog(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]))).toEqual({ ok: false, reason: 'unreadable' });
  });
});

describe('cellText', () => {
  it('flattens rich text and hyperlinks, and leaves empty cells empty', () => {
    expect(cellText({ richText: [{ text: 'C01' }, { text: '-001' }] } as ExcelJS.CellValue)).toBe('C01-001');
    expect(cellText({ text: '备注', hyperlink: 'https://example.org' } as ExcelJS.CellValue)).toBe('备注');
    expect(cellText(null)).toBe('');
    expect(cellText(true)).toBe('TRUE');
  });
});

describe('zipUncompressedSize', () => {
  it('adds up what the central directory declares, so a workbook that would inflate too far is refused unread', async () => {
    const bytes = await workbook([
      ['项目编码', '场次'],
      ['C01-001', 1],
    ]);
    const size = zipUncompressedSize(bytes);
    expect(size).toBeGreaterThan(bytes.length);
    expect(size).toBeLessThan(XLSX_MAX_UNCOMPRESSED_BYTES);
    // Declare a 4 GB part in the first central directory entry: read as too large.
    const bomb = Buffer.from(bytes);
    const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const first = bomb.readUInt32LE(eocd + 16);
    bomb.writeUInt32LE(0xfffffff0, first + 24);
    expect(zipUncompressedSize(bomb)).toBeGreaterThan(XLSX_MAX_UNCOMPRESSED_BYTES);
    expect(await readServiceLog(bomb)).toEqual({ ok: false, reason: 'unreadable' });
    expect(zipUncompressedSize(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBeNull();
  });
});

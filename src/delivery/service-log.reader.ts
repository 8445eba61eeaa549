import { createHash } from 'node:crypto';
import * as ExcelJS from 'exceljs';
import { sniffContentType } from '../documents/domain/file-sniffing';
import { detectDelimiter, parseCsv } from './domain/service-log';
import { measureZipInflation } from './zip-inflation';

/**
 * Reads an uploaded service log into a table of cells (row i = line i + 1), by content: a ZIP
 * container is an XLSX workbook (its first worksheet), anything else must be text, a CSV in
 * UTF-8 (with or without BOM) or, as Excel saves CSV on Chinese Windows, GB 18030. The old
 * binary .xls, PDFs and images are refused with a message that says what to upload instead.
 */
export type ServiceLogKind = 'csv' | 'xlsx';
export type ReadServiceLog = { ok: true; kind: ServiceLogKind; table: string[][]; sha256: string } | { ok: false; reason: 'empty' | 'fileType' | 'legacyXls' | 'unreadable' };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (bytes: Buffer, magic: number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** The most lines a workbook is read to (a guard against a sheet claiming a million rows); the row limit itself is the rule's. */
const XLSX_MAX_LINES = 20_000;

export function decodeCsvText(bytes: Buffer): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return new TextDecoder('gb18030').decode(body);
  }
}

/** A cell as text: dates as YYYY-MM-DD, numbers without float noise (0.1 + 0.2 → "0.3"), formulas by their result. */
export function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    // exceljs gives date cells as UTC midnight of the calendar date shown in Excel.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toFixed(6))) : '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result);
    if ('text' in value && typeof (value as { text?: unknown }).text === 'string') return (value as { text: string }).text;
    if ('error' in value) return String((value as { error: unknown }).error);
  }
  return String(value);
}

/** A workbook is refused when its parts would inflate beyond this (a zip bomb would otherwise exhaust memory). */
export const XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024;

/**
 * The total uncompressed size the ZIP's central directory declares, or null when the directory
 * cannot be found or is malformed (ZIP64 included: its 0xFFFFFFFF sizes count as too large).
 */
export function zipUncompressedSize(bytes: Buffer): number | null {
  const EOCD = 0x06054b50;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) !== EOCD) continue;
    const entries = bytes.readUInt16LE(at + 10);
    let offset = bytes.readUInt32LE(at + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) return null;
      const size = bytes.readUInt32LE(offset + 24);
      total += size === 0xffffffff ? Number.MAX_SAFE_INTEGER : size;
      offset += 46 + bytes.readUInt16LE(offset + 28) + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
    }
    return total;
  }
  return null;
}

async function readXlsx(bytes: Buffer): Promise<string[][] | null> {
  // What the ZIP declares is refused first (cheap); then what it really inflates to is counted
  // while inflating, and the count abandoned at the limit, before exceljs inflates it in memory.
  const declared = zipUncompressedSize(bytes);
  if (declared === null || declared > XLSX_MAX_UNCOMPRESSED_BYTES) return null;
  if (!(await measureZipInflation(bytes, XLSX_MAX_UNCOMPRESSED_BYTES)).ok) return null;
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return null;
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0) ?? workbook.worksheets[0];
  if (!sheet) return null;
  const table: string[][] = [];
  const last = Math.min(sheet.rowCount, XLSX_MAX_LINES);
  for (let n = 1; n <= last; n++) {
    const row = sheet.getRow(n);
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 0); c++) cells.push(cellText(row.getCell(c).value).trim());
    table.push(cells);
  }
  return table;
}

export async function readServiceLog(bytes: Buffer | undefined): Promise<ReadServiceLog> {
  if (!bytes || bytes.length === 0) return { ok: false, reason: 'empty' };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (startsWith(bytes, OLE)) return { ok: false, reason: 'legacyXls' };
  if (startsWith(bytes, ZIP)) {
    const table = await readXlsx(bytes);
    return table ? { ok: true, kind: 'xlsx', table, sha256 } : { ok: false, reason: 'unreadable' };
  }
  if (sniffContentType(bytes) !== null || bytes.subarray(0, 8192).includes(0)) return { ok: false, reason: 'fileType' };
  const text = decodeCsvText(bytes);
  return { ok: true, kind: 'csv', table: parseCsv(text, detectDelimiter(text)).map((row) => row.map((c) => c.trim())), sha256 };
}

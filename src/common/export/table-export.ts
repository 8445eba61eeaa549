import * as ExcelJS from 'exceljs';
import { formatMinor } from '../money/money';
import type { Response } from 'express';
import { contentDisposition, csvDocument, safeText, scoreOf } from './export-format';

/**
 * One table written as CSV or XLSX, shared by every export (reports, the ledger): money as yuan
 * with two decimals written from the integer fen (and the fen beside it where a re-import must be
 * exact), text cells guarded against formulas, a frozen header and an optional total row.
 */
export type ExportFormat = 'csv' | 'xlsx';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function isExportFormat(s: string): s is ExportFormat {
  return s === 'csv' || s === 'xlsx';
}

export interface ExportColumn {
  key: string;
  /** 'text' cells are guarded against formulas; 'fen' is an exact integer; 'yuan' a two-decimal figure from fen; 'int' a count; 'score' hundredths. */
  type: 'text' | 'fen' | 'yuan' | 'int' | 'score';
  width: number;
}

export interface ExportTable {
  columns: ExportColumn[];
  /** Raw values per column: strings for text, integers (fen, centi, counts) otherwise. */
  rows: Array<Array<string | number>>;
  /** Columns to total in a last row: each given yuan or fen column gets the sum of its fen. */
  totals?: number[];
}

/** Local time in Asia/Shanghai as "2026-12-02 13:45:00" (sortable, what a spreadsheet reads). */
export function shanghaiTime(value: Date | null): string {
  if (!value) return '';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(value);
}

/** A CSV cell's text: yuan and scores with two decimals from integers; formula guarding happens in csvCell. */
function cellText(c: ExportColumn, v: string | number): string {
  if (c.type === 'yuan') return formatMinor(v as number, { plain: true });
  if (c.type === 'score') return scoreOf(v as number);
  return String(v);
}

/**
 * An XLSX cell: text guarded against formulas, yuan and scores as numbers read from their exact
 * two-decimal text (so the cell shows exactly the fen), fen and counts as integers.
 */
function cellValue(c: ExportColumn, v: string | number): string | number | null {
  if (v === '' && c.type !== 'text') return null;
  if (c.type === 'text') return safeText(String(v));
  if (c.type === 'yuan') return Number(formatMinor(v as number, { plain: true }));
  if (c.type === 'score') return Number(scoreOf(v as number));
  return v as number;
}

function totalRow(table: ExportTable, label: string): Array<string | number> | null {
  if (!table.totals?.length || !label) return null;
  const values: Array<string | number> = table.columns.map(() => '');
  values[0] = label;
  for (const i of table.totals) values[i] = table.rows.reduce((s, r) => s + (r[i] as number), 0);
  return values;
}

export function tableCsv(header: string[], table: ExportTable, totalLabel = ''): string {
  const total = totalRow(table, totalLabel);
  const rows = [...table.rows, ...(total ? [total] : [])];
  return csvDocument(
    header,
    rows.map((row) => row.map((v, i) => (v === '' ? '' : cellText(table.columns[i], v)))),
  );
}

export async function tableXlsx(header: string[], table: ExportTable, sheetName: string, totalLabel = ''): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'community-services-marketplace';
  // Excel refuses sheet names with []:*?/\ and longer than 31 characters.
  const sheet = workbook.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c, i) => ({ header: header[i], key: c.key, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  const format = (row: ExcelJS.Row) =>
    table.columns.forEach((c, i) => {
      if (c.type === 'yuan' || c.type === 'score') row.getCell(i + 1).numFmt = '0.00';
      if (c.type === 'fen') row.getCell(i + 1).numFmt = '0';
    });
  for (const row of table.rows) format(sheet.addRow(row.map((v, i) => cellValue(table.columns[i], v))));
  const total = totalRow(table, totalLabel);
  if (total) {
    const added = sheet.addRow(total.map((v, i) => (i === 0 ? safeText(String(v)) : cellValue(table.columns[i], v))));
    added.font = { bold: true };
    format(added);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The body of a table export in either format. */
export function tableFile(format: ExportFormat, header: string[], table: ExportTable, sheetName: string, totalLabel = ''): Promise<Buffer | string> {
  return format === 'csv' ? Promise.resolve(tableCsv(header, table, totalLabel)) : tableXlsx(header, table, sheetName, totalLabel);
}

/** A table export ready to download. */
export interface ExportFile {
  contentType: string;
  disposition: string;
  body: Buffer | string;
}

export interface ExportSpec {
  /** The file's title in the reader's language: the sheet name, and the file name before the stamp. */
  title: string;
  /** ASCII name before the stamp, for clients that cannot read the UTF-8 file name. */
  asciiName: string;
  /** The date or date range the file covers ("2026-12-01" or "2026-11-01_2026-11-30"). */
  stamp: string;
  header: string[];
  table: ExportTable;
  /** Label of the total row ('' for none). */
  totalLabel?: string;
}

/** The one way an export becomes a file: `<title>-<stamp>.<format>` (ASCII fallback beside it), the body, its content type. */
export async function exportFile(format: ExportFormat, spec: ExportSpec): Promise<ExportFile> {
  const body = await tableFile(format, spec.header, spec.table, spec.title, spec.totalLabel ?? '');
  return { contentType: EXPORT_CONTENT_TYPES[format], disposition: contentDisposition(`${spec.title}-${spec.stamp}.${format}`, `${spec.asciiName}-${spec.stamp}.${format}`), body };
}

/** Sends an export as a private, non-sniffable download. */
export function sendExportFile(res: Response, file: ExportFile): void {
  res.set({ 'Content-Type': file.contentType, 'Content-Disposition': file.disposition, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' });
  res.send(file.body);
}

import { Injectable } from '@nestjs/common';
import * as ExcelJS from 'exceljs';
import { Locale, translate } from '../i18n/i18n';
import { contentDisposition, csvDocument, safeText, yuanOf } from './domain/export-format';
import { ReportFilter, ReportingService } from './reporting.service';

export type ExportDataset = 'disbursements' | 'scores';
export type ExportFormat = 'csv' | 'xlsx';

export interface ExportFile {
  contentType: string;
  disposition: string;
  body: Buffer | string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Local time in Asia/Shanghai as "2026-12-02 13:45:00" (sortable, what a spreadsheet reads). */
export function shanghaiTime(value: Date | null): string {
  if (!value) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(value);
}

interface Column {
  key: string;
  /** 'text' cells are guarded against formulas; 'fen' is an exact integer; 'yuan' a two-decimal figure from fen; 'int' a count. */
  type: 'text' | 'fen' | 'yuan' | 'int' | 'score';
  width: number;
}

interface Table {
  columns: Column[];
  /** Raw values per column: strings for text, integers (fen, centi, counts) otherwise. */
  rows: Array<Array<string | number>>;
  /** Index of the fen column to total, if any. */
  totalOf?: { fen: number; yuan: number };
}

const DISBURSEMENT_COLUMNS: Column[] = [
  { key: 'id', type: 'text', width: 38 },
  { key: 'contract', type: 'text', width: 16 },
  { key: 'provider', type: 'text', width: 28 },
  { key: 'fund', type: 'text', width: 28 },
  { key: 'milestone', type: 'int', width: 8 },
  { key: 'milestoneName', type: 'text', width: 20 },
  { key: 'kind', type: 'text', width: 12 },
  { key: 'amountYuan', type: 'yuan', width: 16 },
  { key: 'amountFen', type: 'fen', width: 16 },
  { key: 'rail', type: 'text', width: 14 },
  { key: 'status', type: 'text', width: 10 },
  { key: 'proposedAt', type: 'text', width: 20 },
  { key: 'decidedAt', type: 'text', width: 20 },
  { key: 'paidAt', type: 'text', width: 20 },
  { key: 'voucherNo', type: 'text', width: 20 },
];

const SCORE_COLUMNS: Column[] = [
  { key: 'contract', type: 'text', width: 16 },
  { key: 'provider', type: 'text', width: 28 },
  { key: 'fund', type: 'text', width: 28 },
  { key: 'milestone', type: 'int', width: 8 },
  { key: 'milestoneName', type: 'text', width: 20 },
  { key: 'round', type: 'int', width: 8 },
  { key: 'score', type: 'score', width: 10 },
  { key: 'grade', type: 'text', width: 10 },
  { key: 'recordedAt', type: 'text', width: 20 },
];

/**
 * CSV and XLSX exports of disbursements and milestone scores. Money leaves as yuan with two
 * decimals written from the integer fen (and the fen themselves beside it, so a re-import is
 * exact); every text cell that could be read as a formula is neutralised; the filename is UTF-8.
 * The scope comes from the filter, which for an organisation always carries its own id.
 */
@Injectable()
export class ExportsService {
  constructor(private readonly reporting: ReportingService) {}

  async export(dataset: ExportDataset, format: ExportFormat, filter: ReportFilter, locale: Locale): Promise<ExportFile> {
    const table = dataset === 'disbursements' ? await this.disbursementTable(filter, locale) : await this.scoreTable(filter, locale);
    const header = table.columns.map((c) => translate(locale, `reporting.export.columns.${c.key}`));
    const stamp = [filter.from, filter.to].filter(Boolean).join('_') || shanghaiTime(new Date()).slice(0, 10);
    const name = `${translate(locale, `reporting.export.filename.${dataset}`)}-${stamp}.${format}`;
    const ascii = `${dataset}-${stamp}.${format}`;
    const body = format === 'csv' ? this.csv(header, table) : await this.xlsx(header, table, translate(locale, `reporting.export.filename.${dataset}`), translate(locale, 'reporting.export.total'));
    return { contentType: CONTENT_TYPES[format], disposition: contentDisposition(name, ascii), body };
  }

  private async disbursementTable(filter: ReportFilter, locale: Locale): Promise<Table> {
    const statuses = filter.organisationId ? ['approved', 'sending', 'paid', 'failed', 'reversed'] : undefined;
    const rows = await this.reporting.disbursementRows(filter, statuses);
    return {
      columns: DISBURSEMENT_COLUMNS,
      rows: rows.map((r) => [
        r.id,
        r.reference,
        r.provider,
        r.fundName,
        r.position,
        r.milestoneName,
        translate(locale, `payments.kind.${r.kind}`),
        r.amountMinor,
        r.amountMinor,
        translate(locale, `payments.rail.${r.rail}`),
        translate(locale, `payments.status.${r.status}`),
        shanghaiTime(r.proposedAt),
        shanghaiTime(r.decidedAt),
        shanghaiTime(r.paidAt),
        r.voucherNo ?? '',
      ]),
      totalOf: { fen: 8, yuan: 7 },
    };
  }

  private async scoreTable(filter: ReportFilter, locale: Locale): Promise<Table> {
    const rows = await this.reporting.scoreRows(filter);
    return {
      columns: SCORE_COLUMNS,
      rows: rows.map((r) => [r.reference, r.provider, r.fundName, r.position, r.milestoneName, r.round, r.scoreCenti, translate(locale, `payments.grade.${r.grade}`), shanghaiTime(r.recordedAt)]),
    };
  }

  private csv(header: string[], table: Table): string {
    return csvDocument(
      header,
      table.rows.map((row) => row.map((v, i) => cellText(table.columns[i], v))),
    );
  }

  private async xlsx(header: string[], table: Table, sheetName: string, totalLabel: string): Promise<Buffer> {
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'community-services-marketplace';
    const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c, i) => ({ header: header[i], key: c.key, width: c.width }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      const added = sheet.addRow(row.map((v, i) => cellValue(table.columns[i], v)));
      table.columns.forEach((c, i) => {
        if (c.type === 'yuan' || c.type === 'score') added.getCell(i + 1).numFmt = '0.00';
        if (c.type === 'fen') added.getCell(i + 1).numFmt = '0';
      });
    }
    if (table.totalOf) {
      const totalFen = table.rows.reduce((s, r) => s + (r[table.totalOf!.fen] as number), 0);
      const values: Array<string | number | null> = table.columns.map(() => null);
      values[0] = totalLabel;
      values[table.totalOf.yuan] = Number(yuanOf(totalFen));
      values[table.totalOf.fen] = totalFen;
      const total = sheet.addRow(values);
      total.font = { bold: true };
      total.getCell(table.totalOf.yuan + 1).numFmt = '0.00';
    }
    return Buffer.from(await workbook.xlsx.writeBuffer());
  }
}

/** A CSV cell's text: yuan and scores with two decimals from integers; formula guarding happens in csvCell. */
function cellText(c: Column, v: string | number): string {
  if (c.type === 'yuan' || c.type === 'score') return yuanOf(v as number);
  return String(v);
}

/**
 * An XLSX cell: text guarded against formulas, yuan and scores as numbers read from their exact
 * two-decimal text (so the cell shows exactly the fen), fen and counts as integers.
 */
function cellValue(c: Column, v: string | number): string | number {
  if (c.type === 'text') return safeText(String(v));
  if (c.type === 'yuan' || c.type === 'score') return Number(yuanOf(v as number));
  return v as number;
}

export function isExportFormat(s: string): s is ExportFormat {
  return s === 'csv' || s === 'xlsx';
}


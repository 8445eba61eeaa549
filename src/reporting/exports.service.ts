import { Injectable } from '@nestjs/common';
import { ExportColumn, ExportFile, ExportFormat, ExportTable, exportFile, shanghaiTime } from '../common/export/table-export';
import { Locale, translate } from '../i18n/i18n';
import { ReportFilter, ReportingService } from './reporting.service';

export type ExportDataset = 'disbursements' | 'scores';
export type { ExportFormat } from '../common/export/table-export';
export { isExportFormat, shanghaiTime } from '../common/export/table-export';

export type { ExportFile } from '../common/export/table-export';

const DISBURSEMENT_COLUMNS: ExportColumn[] = [
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

const SCORE_COLUMNS: ExportColumn[] = [
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
    // The spreadsheet carries a total row; the CSV stays one row per record (a re-import sums it).
    const totalLabel = format === 'xlsx' ? translate(locale, 'reporting.export.total') : '';
    return exportFile(format, { title: translate(locale, `reporting.export.filename.${dataset}`), asciiName: dataset, stamp, header, table, totalLabel });
  }

  private async disbursementTable(filter: ReportFilter, locale: Locale): Promise<ExportTable> {
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
      totals: [7, 8],
    };
  }

  private async scoreTable(filter: ReportFilter, locale: Locale): Promise<ExportTable> {
    const rows = await this.reporting.scoreRows(filter);
    return {
      columns: SCORE_COLUMNS,
      rows: rows.map((r) => [r.reference, r.provider, r.fundName, r.position, r.milestoneName, r.round, r.scoreCenti, translate(locale, `payments.grade.${r.grade}`), shanghaiTime(r.recordedAt)]),
    };
  }
}

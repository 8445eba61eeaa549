import { formatMinor } from '../common/money/money';
import { PdfWriter } from '../common/pdf/pdf-writer';
import { Locale } from '../i18n/i18n';

export interface ContractPdfModel {
  reference: string;
  title: string;
  purchaser: string;
  provider: string;
  amountMinor: number;
  terms: string;
  termsSha256: string;
  organisationConfirmedAt: Date | null;
  approverConfirmedAt: Date | null;
}

/** The contract as signed: its facts, the sha256 of its text, then the text itself, unchanged. */
export async function renderContractPdf(c: ContractPdfModel, locale: Locale): Promise<Buffer> {
  const w = new PdfWriter(locale, `${c.reference} ${c.title}`);
  const t = (key: string, params: Record<string, unknown> = {}) => w.t(key, params);
  w.title(`${c.reference} · ${c.title}`);
  w.facts([
    [t('records.contract.purchaser'), c.purchaser],
    [t('records.contract.provider'), c.provider],
    [t('records.contract.amount'), formatMinor(c.amountMinor)],
    [t('records.contract.organisationConfirmed'), w.date(c.organisationConfirmedAt)],
    [t('records.contract.approverConfirmed'), w.date(c.approverConfirmedAt)],
  ]);
  w.heading(t('records.contract.sha256'));
  w.code(c.termsSha256);
  w.paragraph(t('records.contract.hashExplained'), { muted: true });
  w.heading(t('records.contract.text'));
  for (const paragraph of c.terms.split(/\n{2,}/)) w.paragraph(paragraph);
  w.footer(`${c.reference} · sha256 ${c.termsSha256.slice(0, 16)}…`);
  return w.end();
}

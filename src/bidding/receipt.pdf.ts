import { PdfWriter } from '../common/pdf/pdf-writer';
import { Locale } from '../i18n/i18n';
import { BidReceipt } from './bids.service';
import { formatSeconds } from './display-time';

/** A bid receipt as one printable page: what was received, when (database clock), and its sha256. */
export async function renderReceiptPdf(r: BidReceipt, locale: Locale, verifyUrl: string | null): Promise<Buffer> {
  const w = new PdfWriter(locale, `${r.projectReference} v${r.version}`);
  const t = (key: string, params: Record<string, unknown> = {}) => w.t(key, params);
  w.title(t('records.receipt.title'));
  w.paragraph(t('records.receipt.lead'), { muted: true });
  w.heading(t('records.receipt.facts'));
  w.facts([
    [t('records.receipt.project'), r.projectReference],
    [t('records.receipt.bid'), r.bidId],
    [t('records.receipt.organisation'), r.organisationId],
    [t('records.receipt.version'), `${r.version} · ${t(`records.receipt.kind.${r.kind}`)}`],
    [t('records.receipt.time'), `${formatSeconds(r.submittedAt)} (UTC+8)`],
    [t('records.receipt.timeIso'), r.submittedAt.toISOString()],
  ]);
  w.heading(t('records.receipt.sha256'));
  w.code(r.receiptSha256 ?? t('records.receipt.noHash'));
  w.paragraph(t(r.receiptSha256 ? 'records.receipt.hashExplained' : 'records.receipt.withdrawalExplained'));
  if (verifyUrl) {
    w.paragraph(t('records.receipt.verifyAt'));
    w.code(verifyUrl);
  }
  w.footer(`${r.projectReference} · ${t('records.receipt.title')}`);
  return w.end();
}

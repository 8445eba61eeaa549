import type { Response } from 'express';
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
  /** Not yet published: marked 草稿 / DRAFT at the top and in the footer. */
  isDraft?: boolean;
}

/** The contract as signed: its facts, the sha256 of its text, then the text itself, unchanged. */
export async function renderContractPdf(c: ContractPdfModel, locale: Locale): Promise<Buffer> {
  const w = new PdfWriter(locale, `${c.reference} ${c.title}`);
  const t = (key: string, params: Record<string, unknown> = {}) => w.t(key, params);
  w.title(c.isDraft ? `${t('records.contract.draftMark')} · ${c.reference} · ${c.title}` : `${c.reference} · ${c.title}`);
  if (c.isDraft) w.paragraph(t('records.contract.draftExplained'));
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
  w.footer(`${c.isDraft ? `${t('records.contract.draftMark')} · ` : ''}${c.reference} · sha256 ${c.termsSha256.slice(0, 16)}…`);
  return w.end();
}

interface PrintableContract {
  contract: {
    reference: string;
    parties: { purchaser: { name: string }; provider: { name: string } };
    amountMinor: number;
    terms: string;
    termsSha256: string;
    organisationConfirmedAt: Date | null;
    approverConfirmedAt: Date | null;
  };
  project: { title: string };
  isDraft: boolean;
}

/** Sends a printable contract page's PDF (inline, named after its reference). */
export async function sendContractPdf(res: Response, page: PrintableContract, locale: Locale): Promise<void> {
  const { contract, project } = page;
  const pdf = await renderContractPdf(
    {
      reference: contract.reference,
      title: project.title,
      purchaser: contract.parties.purchaser.name,
      provider: contract.parties.provider.name,
      amountMinor: contract.amountMinor,
      terms: contract.terms,
      termsSha256: contract.termsSha256,
      organisationConfirmedAt: contract.organisationConfirmedAt,
      approverConfirmedAt: contract.approverConfirmedAt,
      isDraft: page.isDraft,
    },
    locale,
  );
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', `inline; filename="${contract.reference}${page.isDraft ? '-draft' : ''}.pdf"`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(pdf);
}

import * as fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { formatMinor } from '../common/money/money';
import { formatDateTime } from '../common/views/view-helpers';
import { Locale, translate } from '../i18n/i18n';
import type { ReportModel } from './report.presenter';

/**
 * The evaluation report as a PDF: the same model as the HTML page, laid out with pdfkit. Chinese
 * text needs a CJK font; it comes from the @expo-google-fonts/noto-sans-sc package (Noto Sans
 * SC, SIL Open Font License), never from fonts installed on the machine. pdfkit embeds only the
 * glyphs used.
 */
const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

let fonts: { regular: Buffer; bold: Buffer } | null = null;

function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= { regular: fs.readFileSync(require.resolve(FONT_FILES.regular)), bold: fs.readFileSync(require.resolve(FONT_FILES.bold)) };
  return fonts;
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

const MARGIN = 40;
const INK = '#1d2433';
const MUTED = '#5b6475';
const LINE = '#c9ced8';

class Writer {
  readonly doc: PDFKit.PDFDocument;
  private readonly width: number;

  constructor(private readonly locale: Locale, title: string) {
    const { regular, bold } = loadFonts();
    this.doc = new PDFDocument({ size: 'A4', margin: MARGIN, bufferPages: true, info: { Title: title, Creator: 'community-services-marketplace' } });
    this.doc.registerFont('cjk', regular);
    this.doc.registerFont('cjk-bold', bold);
    this.doc.font('cjk').fontSize(9.5).fillColor(INK);
    this.width = this.doc.page.width - MARGIN * 2;
  }

  t(key: string, params: Record<string, unknown> = {}): string {
    return translate(this.locale, key, params);
  }

  date(value: Date | string | null | undefined): string {
    return value ? formatDateTime(value, this.locale) : '—';
  }

  private ensure(height: number): void {
    if (this.doc.y + height > this.doc.page.height - MARGIN) this.doc.addPage();
  }

  title(text: string): void {
    this.doc.font('cjk-bold').fontSize(17).fillColor(INK).text(text, MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
    this.doc.font('cjk').fontSize(9.5);
  }

  heading(text: string): void {
    this.ensure(60);
    this.doc.moveDown(0.8);
    this.doc.font('cjk-bold').fontSize(12.5).fillColor(INK).text(text, MARGIN, this.doc.y, { width: this.width });
    const y = this.doc.y + 2;
    this.doc.moveTo(MARGIN, y).lineTo(MARGIN + this.width, y).lineWidth(0.6).strokeColor(LINE).stroke();
    this.doc.moveDown(0.4);
    this.doc.font('cjk').fontSize(9.5);
  }

  subheading(text: string): void {
    this.ensure(90);
    this.doc.moveDown(0.4);
    this.doc.font('cjk-bold').fontSize(10.5).fillColor(INK).text(text, MARGIN, this.doc.y, { width: this.width });
    this.doc.font('cjk').fontSize(9.5).moveDown(0.2);
  }

  paragraph(text: string, options: { muted?: boolean; size?: number } = {}): void {
    this.doc.font('cjk').fontSize(options.size ?? 9.5).fillColor(options.muted ? MUTED : INK);
    this.ensure(this.doc.heightOfString(text, { width: this.width }) + 4);
    this.doc.text(text, MARGIN, this.doc.y, { width: this.width });
    this.doc.fillColor(INK).fontSize(9.5);
  }

  facts(rows: Array<[string, string]>): void {
    const labelWidth = 110;
    for (const [label, value] of rows) {
      const h = Math.max(this.doc.heightOfString(value || '—', { width: this.width - labelWidth }), this.doc.heightOfString(label, { width: labelWidth - 8 }));
      this.ensure(h + 3);
      const y = this.doc.y;
      this.doc.fillColor(MUTED).text(label, MARGIN, y, { width: labelWidth - 8 });
      this.doc.fillColor(INK).text(value || '—', MARGIN + labelWidth, y, { width: this.width - labelWidth });
      this.doc.y = y + h + 3;
    }
  }

  /** A table whose column widths are shares of the page width; rows break across pages with the header repeated. */
  table(columns: Column[], rows: string[][], options: { size?: number } = {}): void {
    const size = options.size ?? 8.5;
    const total = columns.reduce((a, c) => a + c.width, 0);
    const widths = columns.map((c) => (c.width / total) * this.width);
    const pad = 3;
    const rowHeight = (cells: string[], font: string) => {
      this.doc.font(font).fontSize(size);
      return Math.max(...cells.map((cell, i) => this.doc.heightOfString(cell || ' ', { width: widths[i] - pad * 2 }))) + pad * 2;
    };
    const drawRow = (cells: string[], font: string, fill?: string) => {
      const h = rowHeight(cells, font);
      const y = this.doc.y;
      if (fill) this.doc.rect(MARGIN, y, this.width, h).fill(fill);
      let x = MARGIN;
      this.doc.font(font).fontSize(size).fillColor(INK);
      cells.forEach((cell, i) => {
        this.doc.text(cell || '', x + pad, y + pad, { width: widths[i] - pad * 2, align: columns[i].align ?? 'left' });
        x += widths[i];
      });
      this.doc.moveTo(MARGIN, y + h).lineTo(MARGIN + this.width, y + h).lineWidth(0.4).strokeColor(LINE).stroke();
      this.doc.y = y + h;
    };
    const header = columns.map((c) => c.header);
    this.ensure(rowHeight(header, 'cjk-bold') + (rows[0] ? rowHeight(rows[0], 'cjk') : 0));
    drawRow(header, 'cjk-bold', '#eef0f4');
    for (const row of rows) {
      if (this.doc.y + rowHeight(row, 'cjk') > this.doc.page.height - MARGIN) {
        this.doc.addPage();
        drawRow(header, 'cjk-bold', '#eef0f4');
      }
      drawRow(row, 'cjk');
    }
    this.doc.font('cjk').fontSize(9.5).moveDown(0.5);
    this.doc.x = MARGIN;
  }

  footer(text: string): void {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc.font('cjk').fontSize(7.5).fillColor(MUTED);
      this.doc.text(`${text} · ${this.t('evaluation.pdf.page', { page: i + 1, pages: range.count })}`, MARGIN, this.doc.page.height - 28, { width: this.width, align: 'center' });
      this.doc.page.margins.bottom = bottom;
    }
  }

  end(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
      this.doc.end();
    });
  }
}

const money = (minor: number | null | undefined) => (minor === null || minor === undefined ? '—' : formatMinor(minor));

/** Renders the report model to PDF bytes. */
export async function renderReportPdf(model: ReportModel & { signedCount: number; sittingCount: number }, locale: Locale, generatedAt: Date): Promise<Buffer> {
  const w = new Writer(locale, `${model.project.reference} ${model.project.title}`);
  const t = (key: string, params: Record<string, unknown> = {}) => w.t(key, params);
  const bidLabel = (b: { letter: string; organisationName: string | null }) => (b.organisationName ? `${t('evaluation.bidder', { letter: b.letter })} · ${b.organisationName}` : t('evaluation.bidder', { letter: b.letter }));

  w.title(t('evaluation.report.title'));
  w.paragraph(`${model.project.reference} · ${model.project.title}`);
  w.paragraph(t('evaluation.pdf.generated', { at: w.date(generatedAt) }), { muted: true, size: 8.5 });

  w.heading(t('evaluation.report.projectSection'));
  w.facts([
    [t('evaluation.fields.purchaser'), model.project.purchaserName],
    [t('evaluation.fields.method'), t(model.project.methodKey)],
    [t('evaluation.fields.ceiling'), money(model.project.budgetCeilingMinor)],
    [t('evaluation.fields.scoring'), t(model.evaluation.scoringKey)],
    [t('evaluation.fields.round'), String(model.evaluation.round)],
    [t('evaluation.fields.status'), t(model.evaluation.statusKey)],
    [t('evaluation.fields.committeeSize'), String(model.evaluation.committeeSize)],
    ...(model.evaluation.isTechnical
      ? ([
          [t('evaluation.fields.priceWeight'), String(model.evaluation.priceWeight)],
          [t('evaluation.fields.criteria'), model.project.criteria.map((c) => `${c.position}. ${c.name}（${c.weight}）`).join('\n')],
        ] as Array<[string, string]>)
      : []),
    [t('evaluation.fields.signedOffAt'), w.date(model.evaluation.signedOffAt)],
  ]);

  w.heading(t('evaluation.report.ruleSection'));
  w.paragraph(t(model.evaluation.isTechnical ? 'evaluation.report.formulaComprehensive' : 'evaluation.report.formulaLowestPrice'));
  w.paragraph(t('evaluation.report.roundingRule'));
  w.paragraph(t('evaluation.report.flagRules'));

  w.heading(t('evaluation.report.rankingSection'));
  if (!model.scoresShared) w.paragraph(t('evaluation.report.scoresHidden'), { muted: true });
  else {
    w.table(
      [
        { header: t('evaluation.fields.rank'), width: 6, align: 'center' },
        { header: t('evaluation.fields.bidder'), width: 26 },
        { header: t('evaluation.fields.price'), width: 13, align: 'right' },
        { header: t('evaluation.fields.priceScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.technicalScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.totalScore'), width: 10, align: 'right' },
        { header: t('evaluation.fields.exactTotal'), width: 13 },
        { header: t('evaluation.fields.tieNote'), width: 14 },
      ],
      model.ranking.map((r) => [String(r.rank), bidLabel(r), money(r.priceMinor), r.priceScore, r.technicalScore, r.totalScore, r.totalScoreExact, r.tieNoteKey ? t(r.tieNoteKey) : '']),
    );
    w.paragraph(t(model.resultsStored ? 'evaluation.report.resultsStored' : 'evaluation.report.resultsProvisional'), { muted: true, size: 8.5 });
  }

  w.heading(t('evaluation.report.qualificationSection'));
  w.table(
    [
      { header: t('evaluation.fields.bidder'), width: 26 },
      { header: t('evaluation.fields.price'), width: 12, align: 'right' },
      { header: t('evaluation.fields.decision'), width: 10 },
      { header: t('evaluation.fields.reason'), width: 30 },
      { header: t('evaluation.fields.decidedBy'), width: 22 },
    ],
    model.bids.map((b) => [
      bidLabel(b),
      money(b.priceMinor),
      b.qualification ? t(b.qualification.isValid ? 'evaluation.qualificationStates.valid' : 'evaluation.qualificationStates.invalid') : t('evaluation.qualificationStates.pending'),
      b.qualification && b.qualification.reasonKey ? `${t(b.qualification.reasonKey)}${b.qualification.reason ? `：${b.qualification.reason}` : ''}` : '',
      b.qualification ? `${b.qualification.decidedByName} ${w.date(b.qualification.decidedAt)}` : '',
    ]),
  );

  const inquiries = model.bids.filter((b) => b.inquiry);
  if (inquiries.length) {
    w.subheading(t('evaluation.report.lowPriceSection'));
    w.table(
      [
        { header: t('evaluation.fields.bidder'), width: 20 },
        { header: t('evaluation.fields.threshold'), width: 24 },
        { header: t('evaluation.fields.explanation'), width: 30 },
        { header: t('evaluation.fields.decision'), width: 26 },
      ],
      inquiries.map((b) => {
        const i = b.inquiry!;
        return [
          bidLabel(b),
          t('evaluation.inquiry.thresholdText', { price: money(i.priceMinor), mean: money(i.meanMinor), threshold: money(i.thresholdMinor), count: i.validBids }),
          i.explanation ?? t('evaluation.inquiry.noExplanation'),
          i.isDecided ? `${t(i.accepted ? 'evaluation.inquiry.accepted' : 'evaluation.inquiry.rejected')}${i.decisionNote ? `：${i.decisionNote}` : ''}（${i.decidedByName ?? ''} ${w.date(i.decidedAt)}）` : t('evaluation.inquiry.undecided'),
        ];
      }),
    );
  }

  if (model.scoresShared && model.evaluation.isTechnical) {
    w.heading(t('evaluation.report.sheetsSection'));
    for (const sheet of model.sheets) {
      w.subheading(t('evaluation.report.sheetOf', { name: sheet.memberName }));
      w.table(
        [
          { header: t('evaluation.fields.bidder'), width: 34 },
          ...model.project.criteria.map((c) => ({ header: `${c.name}（${c.weight}）`, width: 52 / Math.max(1, model.project.criteria.length), align: 'right' as const })),
          { header: t('evaluation.fields.technicalTotal'), width: 14, align: 'right' },
        ],
        sheet.bids.map((b) => [bidLabel(b), ...b.lines.map((l) => l.points), b.total]),
      );
      const comments = sheet.bids.flatMap((b) => b.lines.filter((l) => l.comment).map((l) => `${t('evaluation.bidder', { letter: b.letter })} · ${l.name}：${l.comment}`));
      if (comments.length) w.paragraph(comments.join('\n'), { muted: true, size: 8.5 });
    }
    w.subheading(t('evaluation.report.flagsSection'));
    if (!model.flags.length) w.paragraph(t('evaluation.report.noFlags'), { muted: true });
    else {
      w.table(
        [
          { header: t('evaluation.fields.bidder'), width: 22 },
          { header: t('evaluation.fields.member'), width: 16 },
          { header: t('evaluation.fields.deviation'), width: 12, align: 'right' },
          { header: t('evaluation.fields.resolution'), width: 14 },
          { header: t('evaluation.fields.note'), width: 36 },
        ],
        model.flags.map((f) => [bidLabel(f), f.memberName, f.deviation, t(f.resolutionKey), `${f.note ?? ''}${f.resolvedByName ? `（${f.resolvedByName} ${w.date(f.resolvedAt)}）` : ''}`]),
      );
    }
  }

  w.heading(t('evaluation.report.committeeSection'));
  w.table(
    [
      { header: t('evaluation.fields.member'), width: 16 },
      { header: t('evaluation.fields.role'), width: 14 },
      { header: t('evaluation.fields.declaration'), width: 36 },
      { header: t('evaluation.fields.submittedAt'), width: 16 },
      { header: t('evaluation.fields.signedOffAt'), width: 18 },
    ],
    model.members.map((m) => [
      `${m.name}${m.isChair ? `（${t('evaluation.chair')}）` : ''}`,
      t(m.roleKey),
      m.status === 'recused'
        ? `${t('evaluation.memberStatuses.recused')}：${m.recusalReason ?? ''}`
        : m.declaredAt
          ? `${w.date(m.declaredAt)}\nsha256 ${m.declarationSha256}`
          : t('evaluation.memberStatuses.drawn'),
      w.date(m.submittedAt),
      w.date(m.signedOffAt),
    ]),
  );
  w.paragraph(t('evaluation.report.signedCount', { signed: model.signedCount, total: model.sittingCount }), { muted: true });

  w.heading(t('evaluation.report.drawSection'));
  for (const d of model.draws) {
    w.subheading(`${t('evaluation.draws.drawNumber', { number: d.number })} · ${t(d.kindKey)}`);
    w.facts([
      [t('evaluation.draws.algorithm'), d.algorithm],
      [t('evaluation.draws.seed'), d.seed],
      [t('evaluation.draws.drawnAt'), `${w.date(d.drawnAt)} · ${d.drawnByName}`],
      [t('evaluation.draws.pool', { count: d.poolSize }), d.pool.map((p) => p.name).join('、')],
      [
        t('evaluation.draws.excluded'),
        d.excluded.length
          ? d.excluded
              .map((e) => `${e.name}：${t(e.reasonKey)}${e.conflicts.map((c) => `（${c.organisationName} · ${t(c.kindKey)} · ${c.startedOn}–${c.endedOn ?? t('evaluation.draws.ongoing')}）`).join('')}`)
              .join('\n')
          : '—',
      ],
      [t('evaluation.draws.wanted'), String(d.wanted)],
      [t('evaluation.draws.result'), d.result.map((r) => `${r.position}. ${r.name}`).join('\n')],
      [t('evaluation.draws.check'), d.matches ? t('evaluation.draws.matches') : t(d.problemKey ?? 'evaluation.draws.mismatch')],
    ]);
  }
  w.paragraph(t('evaluation.draws.algorithmText'), { muted: true, size: 8 });

  w.footer(`${model.project.reference} · ${t('evaluation.report.title')}`);
  return w.end();
}

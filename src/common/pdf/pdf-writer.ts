import * as fs from 'node:fs';
import PDFDocument from 'pdfkit';
import { formatDateTime } from '../views/view-helpers';
import { Locale, translate } from '../../i18n/i18n';

/**
 * Printable PDFs (evaluation reports, bid receipts, contracts) laid out with pdfkit from the same
 * model as their HTML page. Chinese text needs a CJK font; it comes from the
 * @expo-google-fonts/noto-sans-sc package (Noto Sans SC, SIL Open Font License), never from fonts
 * installed on the machine. pdfkit embeds only the glyphs used.
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

export interface PdfColumn {
  header: string;
  width: number;
  align?: 'left' | 'right' | 'center';
}

const MARGIN = 40;
const INK = '#1d2433';
const MUTED = '#5b6475';
const LINE = '#c9ced8';

export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  private readonly width: number;

  constructor(
    private readonly locale: Locale,
    title: string,
  ) {
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
    this.doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + this.width, y)
      .lineWidth(0.6)
      .strokeColor(LINE)
      .stroke();
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
    this.doc
      .font('cjk')
      .fontSize(options.size ?? 9.5)
      .fillColor(options.muted ? MUTED : INK);
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
  table(columns: PdfColumn[], rows: string[][], options: { size?: number } = {}): void {
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
      this.doc
        .moveTo(MARGIN, y + h)
        .lineTo(MARGIN + this.width, y + h)
        .lineWidth(0.4)
        .strokeColor(LINE)
        .stroke();
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

  /** A monospace-free block for a hash or id: small, wrapped anywhere, so 64 hex digits fit the page. */
  code(text: string): void {
    this.doc.font('cjk').fontSize(8.5).fillColor(INK);
    this.ensure(this.doc.heightOfString(text, { width: this.width }) + 4);
    this.doc.text(text, MARGIN, this.doc.y, { width: this.width, characterSpacing: 0.3 });
    this.doc.fontSize(9.5);
  }

  /** The same text at the foot of every page, with "page n of m" (pageLabel gives the words). */
  footer(text: string, pageLabel: (page: number, pages: number) => string = (page, pages) => this.t('records.pdf.page', { page, pages })): void {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const bottom = this.doc.page.margins.bottom;
      this.doc.page.margins.bottom = 0;
      this.doc.font('cjk').fontSize(7.5).fillColor(MUTED);
      this.doc.text(`${text} · ${pageLabel(i + 1, range.count)}`, MARGIN, this.doc.page.height - 28, { width: this.width, align: 'center' });
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

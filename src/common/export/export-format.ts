/**
 * Formatting for exports, exact from integers (money goes through common/money's formatMinor):
 * scores from hundredths of a point, CSV cells safe
 * from spreadsheet formula injection, and a Content-Disposition that carries a UTF-8 filename.
 */
export class ExportFormatError extends Error {}

/** A score kept in hundredths of a point: 8750 → "87.50" (not money: money is formatMinor's). */
export function scoreOf(centi: number): string {
  if (!Number.isSafeInteger(centi)) throw new ExportFormatError(`a score is whole hundredths, not ${centi}`);
  const digits = String(Math.abs(centi)).padStart(3, '0');
  return `${centi < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * One CSV cell: quoted, quotes doubled, and a cell that a spreadsheet would read as a formula
 * (starting with = + - @, or a tab / carriage return that hides one) prefixed with an apostrophe.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** Spreadsheet text cells get the same protection (exceljs writes strings as text, but a user may re-save as CSV). */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends, a header row. */
export function csvDocument(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n')}\r\n`;
}

/**
 * `attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>` (RFC 6266 /
 * RFC 5987): browsers that know filename* show the Chinese name, the rest the ASCII one.
 */
export function contentDisposition(filename: string, asciiFallback: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(asciiFallback)) throw new ExportFormatError(`the fallback filename must be plain ASCII, not ${asciiFallback}`);
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encoded}`;
}

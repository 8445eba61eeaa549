/**
 * Money is integer minor units (fen) everywhere. These helpers are pure and never use floats
 * for arithmetic on amounts; formatting happens only in views.
 */
export type Minor = number;

export class MoneyError extends Error {}

export function assertMinor(value: number, what = 'amount'): Minor {
  if (!Number.isSafeInteger(value)) throw new MoneyError(`${what} must be a whole number of fen, got ${value}`);
  return value;
}

/** Parses a bigint column value (pg returns strings) into a safe integer. */
export function parseMinor(raw: string | number | bigint | null | undefined): Minor | null {
  if (raw === null || raw === undefined) return null;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(value)) throw new MoneyError(`bigint ${String(raw)} is outside the safe integer range`);
  return value;
}

/**
 * A yuan amount as people type it: digits, optionally grouped by commas in threes from the
 * right ("1,234,567.89"), at most two decimals. Nothing else: no currency sign, no spaces inside,
 * no irregular groups ("1,0,0", "12,34.5", "300 000", "¥300000"), so a typo is refused and never
 * read as another amount.
 */
const YUAN_AMOUNT = /^(?:(\d{1,3}(?:,\d{3})+)|(\d+))(?:\.(\d{1,2}))?$/;

/** Parses a user-entered yuan amount ("1,234.5", "3000") into fen; null when malformed (see YUAN_AMOUNT). */
export function parseYuanToMinor(input: string): Minor | null {
  const match = YUAN_AMOUNT.exec(input.trim());
  if (!match) return null;
  const whole = (match[1] ?? match[2]).replace(/,/g, '');
  if (whole.length > 13) return null;
  const fen = Number(whole) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/**
 * THE money display format: fen as "¥1,234.56" (always two decimals, grouped by three, "-¥1.50"
 * when negative), used by the `money` view helper, presenters, messages and PDFs alike.
 * `plain` gives the machine-readable "1234.56" of CSV/XLSX cells (no symbol, no grouping).
 */
export function formatMinor(minor: Minor, options: { plain?: boolean } = {}): string {
  assertMinor(minor);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(3, '0');
  const yuan = digits.slice(0, -2);
  const fen = digits.slice(-2);
  if (options.plain) return `${negative ? '-' : ''}${yuan}.${fen}`;
  return `${negative ? '-' : ''}¥${yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fen}`;
}

/** THE input format: fen as yuan typed in a form field ("30000", "2999.50"), which the parser reads back exactly. */
export function minorToYuanInput(minor: Minor | null | undefined): string {
  if (minor === null || minor === undefined) return '';
  const plain = formatMinor(minor, { plain: true });
  return plain.endsWith('.00') ? plain.slice(0, -3) : plain;
}

/**
 * Largest-remainder allocation: splits `total` by integer `weights` so that the parts are whole fen
 * and sum exactly to `total`. Ties in remainders go to the earlier part.
 */
export function allocateMinor(total: Minor, weights: number[]): Minor[] {
  assertMinor(total, 'total');
  if (weights.length === 0) throw new MoneyError('at least one weight is required');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) throw new MoneyError('weights must be non-negative integers');
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) throw new MoneyError('weights must not all be zero');
  const big = BigInt(total);
  const bigSum = BigInt(sum);
  const parts = weights.map((w) => (big * BigInt(w)) / bigSum);
  const remainders = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % bigSum }));
  let left = Number(big - parts.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0) break;
    parts[i] += 1n;
    left -= 1;
  }
  return parts.map((p) => Number(p));
}

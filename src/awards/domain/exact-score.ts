/**
 * Scores as the evaluation stores them: exact rationals written "n/d" (or a whole "n", or a
 * decimal "85.5"), never floats. Shown rounded half-up to a fixed number of decimals, computed
 * in BigInt so 2/3 shows 0.67 and 1/8 shows 0.13 on every machine. Pure.
 */
export interface ExactScore {
  numerator: bigint;
  denominator: bigint;
}

const FRACTION = /^(\d{1,30})\s*\/\s*(\d{1,30})$/;
const DECIMAL = /^(\d{1,30})(?:\.(\d{1,30}))?$/;

export function parseExactScore(raw: string | null | undefined): ExactScore | null {
  const value = (raw ?? '').trim();
  const fraction = FRACTION.exec(value);
  if (fraction) {
    const denominator = BigInt(fraction[2]);
    return denominator === 0n ? null : { numerator: BigInt(fraction[1]), denominator };
  }
  const decimal = DECIMAL.exec(value);
  if (!decimal) return null;
  const digits = decimal[2] ?? '';
  return { numerator: BigInt(decimal[1] + digits), denominator: 10n ** BigInt(digits.length) };
}

/** "257/3" → "85.67"; an unreadable value is shown as stored rather than hidden. */
export function formatExactScore(raw: string | null | undefined, decimals = 2): string {
  const score = parseExactScore(raw);
  if (!score) return (raw ?? '').trim();
  const scale = 10n ** BigInt(decimals);
  // Half-up: floor((2·n·scale + d) / 2d).
  const scaled = (2n * score.numerator * scale + score.denominator) / (2n * score.denominator);
  if (decimals === 0) return scaled.toString();
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(decimals, '0');
  return `${whole}.${fraction}`;
}

/** Compares two exact scores (-1, 0, 1) without rounding; unreadable ones sort last. */
export function compareExactScores(a: string, b: string): number {
  const x = parseExactScore(a);
  const y = parseExactScore(b);
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left === right ? 0 : left < right ? -1 : 1;
}

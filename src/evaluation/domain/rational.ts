/**
 * Exact rational numbers for scores (pure). A score is never a float: it is a fraction of two
 * BigInts kept in lowest terms with a positive denominator, written `n/d` when stored
 * (`evaluation_results.*_score`) and rounded only for display.
 *
 * Display rounding rule (shown on the report): round half up to 2 decimal places, i.e. the
 * exact value is rounded to the nearest hundredth and a value exactly halfway between two
 * hundredths goes to the larger one (away from zero for negative values). Totals and rankings
 * are computed from exact values, never from rounded ones.
 */
export interface Rational {
  readonly n: bigint;
  readonly d: bigint;
}

export class RationalError extends Error {}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  const num = typeof n === 'number' ? toBig(n) : n;
  const den = typeof d === 'number' ? toBig(d) : d;
  if (den === 0n) throw new RationalError('denominator must not be zero');
  const sign = den < 0n ? -1n : 1n;
  const g = gcd(num, den) || 1n;
  return { n: (sign * num) / g, d: (sign * den) / g };
}

function toBig(value: number): bigint {
  if (!Number.isSafeInteger(value)) throw new RationalError(`${value} is not a safe integer`);
  return BigInt(value);
}

export const ZERO = rational(0n);

export function add(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Rational, b: Rational): Rational {
  return rational(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.n * b.n, a.d * b.d);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RationalError('division by zero');
  return rational(a.n * b.d, a.d * b.n);
}

export function sum(values: readonly Rational[]): Rational {
  return values.reduce(add, ZERO);
}

/** The arithmetic mean; undefined for an empty list. */
export function mean(values: readonly Rational[]): Rational {
  if (values.length === 0) throw new RationalError('mean of no values');
  return div(sum(values), rational(values.length));
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function equals(a: Rational, b: Rational): boolean {
  return compare(a, b) === 0;
}

export function abs(a: Rational): Rational {
  return a.n < 0n ? rational(-a.n, a.d) : a;
}

/** `n/d` in lowest terms, the stored form (e.g. "1129/20"). */
export function toFraction(a: Rational): string {
  return `${a.n}/${a.d}`;
}

export function parseFraction(text: string): Rational {
  const match = /^(-?\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new RationalError(`"${text}" is not a fraction n/d`);
  return rational(BigInt(match[1]), BigInt(match[2]));
}

/** Rounds half up (away from zero) to an integer number of `1/scale` units. */
export function roundHalfUpTo(a: Rational, scale: bigint): bigint {
  const scaled = a.n * scale;
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const q = magnitude / a.d;
  const r = magnitude % a.d;
  const rounded = r * 2n >= a.d ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** The display form: rounded half up to `decimals` places, e.g. 56.45 (never used to compute). */
export function toDecimal(a: Rational, decimals = 2): string {
  const scale = 10n ** BigInt(decimals);
  const units = roundHalfUpTo(a, scale);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const whole = magnitude / scale;
  const fraction = (magnitude % scale).toString().padStart(decimals, '0');
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/** Hundredths of a point (the stored unit of score sheets) as a rational number of points. */
export function fromCenti(centi: number | bigint): Rational {
  return rational(typeof centi === 'number' ? toBig(centi) : centi, 100n);
}

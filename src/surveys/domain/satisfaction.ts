/**
 * Resident satisfaction of one milestone survey, from the response count and the sum of the
 * ratings (each 1–5). The average is kept exact as a fraction; pages show it rounded half up to
 * two decimals, computed in integers so that 4.125 shows as 4.13 and never as 4.12.
 */
export const MIN_RATING = 1;
export const MAX_RATING = 5;

export interface SatisfactionTally {
  responses: number;
  ratingSum: number;
  minResponses: number;
}

export interface Satisfaction extends SatisfactionTally {
  /** Enough responses for the average to count towards the satisfaction indicator. */
  meetsMinimum: boolean;
}

export function satisfactionOf(tally: SatisfactionTally): Satisfaction {
  assertTally(tally);
  return { ...tally, meetsMinimum: meetsMinimum(tally.responses, tally.minResponses) };
}

/** The minimum rule: at least `minResponses` responses (the minimum itself counts). */
export function meetsMinimum(responses: number, minResponses: number): boolean {
  if (!Number.isSafeInteger(minResponses) || minResponses < 1) throw new RangeError(`the minimum number of responses must be a whole number ≥ 1, got ${minResponses}`);
  return responses >= minResponses;
}

/** The exact average as a reduced fraction, or null without responses. */
export function averageFraction(responses: number, ratingSum: number): { numerator: number; denominator: number } | null {
  assertTally({ responses, ratingSum, minResponses: 1 });
  if (responses === 0) return null;
  const g = gcd(ratingSum, responses);
  return { numerator: ratingSum / g, denominator: responses / g };
}

/** The average in hundredths, rounded half up (4.125 → 413), or null without responses. */
export function averageCenti(responses: number, ratingSum: number): number | null {
  assertTally({ responses, ratingSum, minResponses: 1 });
  if (responses === 0) return null;
  return Math.floor((ratingSum * 200 + responses) / (responses * 2));
}

/** "4.13"; "" without responses. */
export function formatAverage(responses: number, ratingSum: number): string {
  const centi = averageCenti(responses, ratingSum);
  if (centi === null) return '';
  return `${Math.floor(centi / 100)}.${String(centi % 100).padStart(2, '0')}`;
}

/** Count per rating 1–5 from (rating, count) rows, every rating present, with its share in whole per cent. */
export function distributionOf(rows: Array<{ rating: number; count: number }>): Array<{ rating: number; count: number; percent: number }> {
  const counts = new Map<number, number>();
  for (const r of rows) {
    if (!Number.isInteger(r.rating) || r.rating < MIN_RATING || r.rating > MAX_RATING) throw new RangeError(`rating ${r.rating} is outside 1–5`);
    counts.set(r.rating, (counts.get(r.rating) ?? 0) + r.count);
  }
  const total = [...counts.values()].reduce((s, n) => s + n, 0);
  const out: Array<{ rating: number; count: number; percent: number }> = [];
  for (let rating = MAX_RATING; rating >= MIN_RATING; rating--) {
    const count = counts.get(rating) ?? 0;
    out.push({ rating, count, percent: total === 0 ? 0 : Math.round((count * 100) / total) });
  }
  return out;
}

function assertTally({ responses, ratingSum }: SatisfactionTally): void {
  if (!Number.isSafeInteger(responses) || responses < 0) throw new RangeError(`responses must be a whole number ≥ 0, got ${responses}`);
  if (!Number.isSafeInteger(ratingSum) || ratingSum < responses * MIN_RATING || ratingSum > responses * MAX_RATING) {
    throw new RangeError(`a rating sum of ${ratingSum} is impossible for ${responses} ratings of 1–5`);
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y) [x, y] = [y, x % y];
  return x || 1;
}

/**
 * Evaluators see bids as "Bidder A, B, …", never by organisation. Letters are given over every
 * opened bid of the evaluation, sorted by bid id (random UUIDs: neither the organisation nor
 * the order of submission shows through), so a bid keeps its letter whatever happens to the
 * others. After Z come AA, AB, … (pure).
 */
export function letterFor(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`no letter for ${index}`);
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    letters = String.fromCharCode(65 + r) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** bid id → letter. */
export function anonymise(bidIds: readonly string[]): Map<string, string> {
  const sorted = [...new Set(bidIds)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map(sorted.map((id, i) => [id, letterFor(i)]));
}

export function isLetter(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{1,3}$/.test(value);
}

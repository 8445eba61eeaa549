/**
 * An evaluator's expertise: catalogue category codes (pure). Duplicates are dropped, order kept
 * as the catalogue sorts them; codes not in `known` are reported.
 */
export const MAX_EXPERTISE = 20;

export function normaliseExpertise(codes: readonly string[], known: readonly string[]): { expertise: string[]; unknown: string[] } {
  const wanted = new Set(codes.map((c) => c.trim().toUpperCase()).filter(Boolean));
  const unknown = [...wanted].filter((c) => !known.includes(c));
  return { expertise: known.filter((c) => wanted.has(c)), unknown };
}

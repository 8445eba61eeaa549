/**
 * A computed explanation (计算依据) stored as what it was computed from, not as a sentence: an
 * i18n key and its inputs. Money params end in `Minor` (fen), shares in `Bp` (basis points),
 * scores in `Centi` (hundredths of a point), grades are codes; the page renders them per locale
 * with the one money format. Rows written before this carried Chinese sentences; a line may
 * still be such a string, shown as it was stored.
 */
export interface ExplanationLine {
  key: string;
  params: Record<string, number | string>;
}

export type StoredExplanationLine = ExplanationLine | string;

export function line(key: string, params: Record<string, number | string> = {}): ExplanationLine {
  return { key: `payments.explain.${key}`, params };
}

/**
 * An evaluator's points for one bid, as typed (pure). Each criterion takes 0 … its weight with
 * at most two decimals, stored in hundredths; a score below 60 % or above 95 % of the weight
 * needs a comment saying why.
 */
export interface CriterionWeight {
  position: number;
  weight: number;
}

export interface SheetLine {
  criterion: number;
  pointsCenti: number;
  comment: string | null;
}

export type SheetProblems = Record<string, Array<{ key: string; params?: Record<string, unknown> }>>;

export const COMMENT_MAX = 1000;
export const COMMENT_BELOW_PERCENT = 60;
export const COMMENT_ABOVE_PERCENT = 95;

/** "12", "12.5", "12.50", "-3" (full-width digits accepted) → hundredths; null when malformed. */
export function parsePoints(raw: unknown): number | null {
  if (typeof raw !== 'string') return null;
  const text = raw.normalize('NFKC').trim();
  const match = /^([-−])?(\d{1,4})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const centi = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] && centi !== 0 ? -centi : centi;
}

/** Whether points (hundredths) on a criterion of `weight` need a comment: below 60 % or above 95 %. */
export function needsComment(pointsCenti: number, weight: number): boolean {
  // pointsCenti / (weight × 100) < 60 / 100  ⇔  pointsCenti < 60 × weight (exact integers)
  return pointsCenti < COMMENT_BELOW_PERCENT * weight || pointsCenti > COMMENT_ABOVE_PERCENT * weight;
}

export function formatCenti(centi: number): string {
  const sign = centi < 0 ? '-' : '';
  const abs = Math.abs(centi);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
}

/**
 * Checks a whole sheet (every criterion) for one bid. Field names are the form's:
 * `points.c<position>` and `comments.c<position>`.
 */
export function checkSheet(
  criteria: readonly CriterionWeight[],
  input: { points?: Record<string, unknown>; comments?: Record<string, unknown> },
): { lines: SheetLine[] | null; problems: SheetProblems } {
  const problems: SheetProblems = {};
  const add = (field: string, key: string, params?: Record<string, unknown>) => (problems[field] ??= []).push(params ? { key, params } : { key });
  const lines: SheetLine[] = [];
  for (const c of criteria) {
    const name = `c${c.position}`;
    const raw = input.points?.[name];
    const comment = text(input.comments?.[name]);
    const centi = parsePoints(raw);
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      add(`points.${name}`, 'evaluation.validation.pointsRequired', { max: c.weight });
      continue;
    }
    if (centi === null) {
      add(`points.${name}`, 'evaluation.validation.pointsFormat', { max: c.weight });
      continue;
    }
    if (centi < 0 || centi > c.weight * 100) {
      add(`points.${name}`, 'evaluation.validation.pointsRange', { max: c.weight });
      continue;
    }
    if (comment.length > COMMENT_MAX) add(`comments.${name}`, 'evaluation.validation.commentTooLong', { max: COMMENT_MAX });
    else if (needsComment(centi, c.weight) && comment === '') {
      add(`comments.${name}`, 'evaluation.validation.commentRequired', {
        low: formatCenti(COMMENT_BELOW_PERCENT * c.weight),
        high: formatCenti(COMMENT_ABOVE_PERCENT * c.weight),
      });
    }
    lines.push({ criterion: c.position, pointsCenti: centi, comment: comment === '' ? null : comment });
  }
  return Object.keys(problems).length ? { lines: null, problems } : { lines, problems };
}

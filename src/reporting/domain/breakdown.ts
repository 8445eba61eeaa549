import { allocateMinor } from '../../common/money/money';

/**
 * Spreads each project's figures over the groups it belongs to (its communities, or the
 * catalogue categories of its items) by integer weights with largest-remainder allocation, so
 * the groups' totals add up exactly to the projects' totals: nothing is counted twice, no fen
 * is lost.
 */
export interface ProjectFigures {
  projectId: string;
  /** Group key → integer weight (e.g. one per community, or quantity × price per category). */
  weights: Array<{ key: string; weight: number }>;
  /** Whole fen, in a fixed order (e.g. budget, reserved, committed, paid). */
  figures: number[];
}

function spread(amount: number, weights: number[]): number[] {
  if (amount === 0) return weights.map(() => 0);
  if (amount < 0) return allocateMinor(-amount, weights).map((x) => -x);
  return allocateMinor(amount, weights);
}

export function breakdown(projects: ProjectFigures[], width: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of projects) {
    if (p.figures.length !== width) throw new Error(`project ${p.projectId} has ${p.figures.length} figures, not ${width}`);
    let weights = p.weights.filter((w) => w.weight > 0);
    if (!weights.length) weights = p.weights.length ? p.weights.map((w) => ({ key: w.key, weight: 1 })) : [{ key: '', weight: 1 }];
    const parts = p.figures.map((f) =>
      spread(
        f,
        weights.map((w) => w.weight),
      ),
    );
    weights.forEach((w, i) => {
      const row = out.get(w.key) ?? new Array<number>(width).fill(0);
      parts.forEach((part, k) => (row[k] += part[i]));
      out.set(w.key, row);
    });
  }
  return out;
}

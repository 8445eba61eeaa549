/**
 * Bursts of answers that staff should look at before trusting a survey's average. Not a legal
 * rule: the satisfaction indicator (社会化评估, 服务对象满意度) assumes one answer per resident,
 * and the database can only enforce one per device and per phone number. Two patterns are
 * flagged, never refused (a community centre's shared Wi-Fi is legitimate):
 *
 *   - many answers from one address (the same keyed hash): `sameAddress` or more;
 *   - many answers in a short window, from anywhere: `windowAnswers` or more within any
 *     `windowMinutes` minutes (overlapping windows are reported as one span).
 */
export interface AnswerStamp {
  /** Keyed hash of the client address, or null for answers stored before addresses were kept. */
  addressHash: string | null;
  submittedAt: Date;
}

export interface BurstLimits {
  sameAddress: number;
  windowAnswers: number;
  windowMinutes: number;
}

export const DEFAULT_BURST_LIMITS: BurstLimits = { sameAddress: 5, windowAnswers: 20, windowMinutes: 10 };

export type Burst = { kind: 'sameAddress'; answers: number; from: Date; to: Date } | { kind: 'window'; answers: number; from: Date; to: Date };

export function findBursts(stamps: readonly AnswerStamp[], limits: BurstLimits = DEFAULT_BURST_LIMITS): Burst[] {
  if (limits.sameAddress < 2 || limits.windowAnswers < 2 || limits.windowMinutes <= 0) throw new RangeError('burst limits must be at least 2 answers and a positive window');
  const sorted = [...stamps].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const bursts: Burst[] = [];

  const byAddress = new Map<string, AnswerStamp[]>();
  for (const s of sorted) if (s.addressHash) byAddress.set(s.addressHash, [...(byAddress.get(s.addressHash) ?? []), s]);
  for (const group of byAddress.values()) {
    if (group.length >= limits.sameAddress) bursts.push({ kind: 'sameAddress', answers: group.length, from: group[0].submittedAt, to: group[group.length - 1].submittedAt });
  }

  // Sliding window: for each answer i, the answers in [t_i, t_i + window). Windows that reach the
  // limit and overlap are merged into one span [first, last].
  const windowMs = limits.windowMinutes * 60_000;
  let span: { start: number; end: number } | null = null;
  const close = () => {
    if (!span) return;
    const { start, end } = span;
    bursts.push({ kind: 'window', answers: end - start + 1, from: sorted[start].submittedAt, to: sorted[end].submittedAt });
    span = null;
  };
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (j < i) j = i;
    while (j + 1 < sorted.length && sorted[j + 1].submittedAt.getTime() - sorted[i].submittedAt.getTime() < windowMs) j++;
    if (j - i + 1 >= limits.windowAnswers) {
      if (span && i <= span.end) span.end = Math.max(span.end, j);
      else {
        close();
        span = { start: i, end: j };
      }
    }
  }
  close();
  return bursts.sort((a, b) => a.from.getTime() - b.from.getTime() || a.kind.localeCompare(b.kind));
}

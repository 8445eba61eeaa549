import { canonicalPool } from './draw';

/**
 * Who may be drawn (pure): evaluators whose expertise covers the project's categories, less
 * those excluded, each exclusion with its reason so the draw record explains itself.
 * Organisation members never hold the evaluator role (the database refuses it:
 * users_org_roles_exclusive), so they are never candidates in the first place.
 */
/** `found_at_fault`: found at fault in an earlier round of the project (财政部令第87号 第六十七条). */
export const EXCLUSION_REASONS = ['conflict', 'inactive', 'representative', 'requester', 'already_drawn', 'found_at_fault'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Candidate {
  userId: string;
  name: string;
  /** In the pool and the account may sign in. */
  isActive: boolean;
}

export interface ConflictFact {
  evaluatorId: string;
  organisationId: string;
  organisationName: string;
  kind: string;
  startedOn: string;
  endedOn: string | null;
}

export interface Exclusion {
  userId: string;
  name: string;
  reason: ExclusionReason;
  /** For `conflict`: the relationships with bidders that overlap the three years before the draw. */
  conflicts?: Array<Omit<ConflictFact, 'evaluatorId'>>;
}

export interface ScreenedPool {
  /** Canonical (sorted) ids: the draw's input. */
  pool: string[];
  excluded: Exclusion[];
}

/**
 * Splits candidates into the pool and the excluded. `others` are ids excluded for a reason the
 * caller knows (the representative, the requesting officer, members already drawn); the first
 * reason that applies is recorded, in the order inactive, others, conflict.
 */
export function screenCandidates(candidates: readonly Candidate[], conflicts: readonly ConflictFact[], others: ReadonlyMap<string, ExclusionReason> = new Map()): ScreenedPool {
  const excluded: Exclusion[] = [];
  const eligible: string[] = [];
  const seen = new Set<string>();
  for (const c of [...candidates].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))) {
    if (seen.has(c.userId)) continue;
    seen.add(c.userId);
    const own = conflicts.filter((x) => x.evaluatorId === c.userId);
    const other = others.get(c.userId);
    if (!c.isActive) excluded.push({ userId: c.userId, name: c.name, reason: 'inactive' });
    else if (other) excluded.push({ userId: c.userId, name: c.name, reason: other });
    else if (own.length) {
      excluded.push({
        userId: c.userId,
        name: c.name,
        reason: 'conflict',
        conflicts: own.map(({ organisationId, organisationName, kind, startedOn, endedOn }) => ({ organisationId, organisationName, kind, startedOn, endedOn })),
      });
    } else eligible.push(c.userId);
  }
  return { pool: canonicalPool(eligible), excluded };
}

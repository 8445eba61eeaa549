import { EntityManager } from 'typeorm';

/**
 * Writes one balanced journal entry (journal_entries + journal_lines) in the caller's
 * transaction. Every module that moves public money writes through here, in the same
 * transaction as its running-balance update, so the trial balance (LedgerQueries.verifyLedger)
 * always agrees with the funds, contracts and projects rows.
 */
export type JournalAccount = 'available' | 'reserved' | 'committed' | 'payable' | 'paid';

export interface JournalLine {
  fundId: string;
  account: JournalAccount;
  projectId: string | null;
  contractId: string | null;
  amountMinor: number;
}

export interface JournalHeader {
  event: string;
  refType: string;
  refId: string;
  actorId: string | null;
  memo?: string;
}

export class UnbalancedJournalError extends Error {}

export async function writeJournalEntry(manager: EntityManager, header: JournalHeader, lines: JournalLine[]): Promise<string | null> {
  const nonZero = lines.filter((l) => l.amountMinor !== 0);
  if (nonZero.some((l) => !Number.isSafeInteger(l.amountMinor))) throw new UnbalancedJournalError(`entry ${header.event}: amounts must be whole fen`);
  if (nonZero.reduce((sum, l) => sum + l.amountMinor, 0) !== 0) throw new UnbalancedJournalError(`entry ${header.event} for ${header.refType} ${header.refId} does not balance`);
  if (!nonZero.length) return null;
  const [entry] = (await manager.query(
    `INSERT INTO journal_entries (event, ref_type, ref_id, actor_id, memo) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [header.event, header.refType, header.refId, header.actorId, header.memo ?? null],
  )) as Array<{ id: string }>;
  const values: unknown[] = [];
  const tuples = nonZero.map((l, i) => {
    values.push(entry.id, i + 1, l.fundId, l.account, l.projectId, l.contractId, l.amountMinor);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
  });
  await manager.query(`INSERT INTO journal_lines (entry_id, line, fund_id, account, project_id, contract_id, amount_minor) VALUES ${tuples.join(', ')}`, values);
  return entry.id;
}

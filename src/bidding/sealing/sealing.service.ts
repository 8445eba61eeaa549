import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MasterKeyMismatchError } from '../bidding.errors';
import { MasterKey, SealedContent, SealingError, WrappedKey, generateDataKey, sealBid, unsealBid, unwrapDataKey, wrapDataKey } from './sealing';

export const BID_MASTER_KEY = Symbol('BID_MASTER_KEY');

export interface ProjectKeyRow {
  master_key_id: string;
  wrapped_key: Buffer;
  wrap_iv: Buffer;
  wrap_tag: Buffer;
}

const toWrapped = (r: ProjectKeyRow): WrappedKey => ({ masterKeyId: r.master_key_id, wrappedKey: r.wrapped_key, wrapIv: r.wrap_iv, wrapTag: r.wrap_tag });

/**
 * Project data keys in `project_keys`, wrapped by the master key this instance holds. Plain
 * data keys live only in memory for the duration of a call.
 */
@Injectable()
export class SealingService {
  constructor(@Inject(BID_MASTER_KEY) private readonly master: MasterKey) {}

  get masterKeyId(): string {
    return this.master.id;
  }

  /**
   * The project's data key, created (and stored wrapped) on its first bid, in the caller's
   * transaction. `existing` is the project_keys row when the caller already read it.
   */
  async dataKeyForSealing(manager: EntityManager, projectId: string, existing?: ProjectKeyRow | null): Promise<{ dataKey: Buffer; created: boolean }> {
    const row = existing === undefined ? await this.readWrapped(manager, projectId) : existing ? toWrapped(existing) : null;
    if (row) return { dataKey: this.unwrap(row, projectId), created: false };
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(this.master, dataKey, projectId);
    // Two first bids at once: one insert wins, the other waits for it and reads its key.
    const inserted = (await manager.query(
      `INSERT INTO project_keys (project_id, master_key_id, wrapped_key, wrap_iv, wrap_tag) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (project_id) DO NOTHING RETURNING project_id`,
      [projectId, wrapped.masterKeyId, wrapped.wrappedKey, wrapped.wrapIv, wrapped.wrapTag],
    )) as unknown[];
    if (inserted.length) return { dataKey, created: true };
    const winner = await this.readWrapped(manager, projectId);
    if (!winner) throw new Error(`project key of ${projectId} vanished`);
    return { dataKey: this.unwrap(winner, projectId), created: false };
  }

  /** The project's data key, or null when it has no bids yet. Throws MasterKeyMismatchError with the wrong master key. */
  async dataKey(manager: EntityManager, projectId: string): Promise<Buffer | null> {
    const wrapped = await this.readWrapped(manager, projectId);
    return wrapped ? this.unwrap(wrapped, projectId) : null;
  }

  seal(dataKey: Buffer, plaintext: string, ref: { projectId: string; bidId: string; version: number }): SealedContent {
    return sealBid(dataKey, plaintext, ref);
  }

  unseal(dataKey: Buffer, sealed: SealedContent, ref: { projectId: string; bidId: string; version: number }): string {
    return unsealBid(dataKey, sealed, ref);
  }

  private unwrap(wrapped: WrappedKey, projectId: string): Buffer {
    try {
      return unwrapDataKey(this.master, wrapped, projectId);
    } catch (error) {
      if (error instanceof SealingError && error.reason === 'wrong_master_key') throw new MasterKeyMismatchError();
      throw error;
    }
  }

  private async readWrapped(manager: EntityManager, projectId: string): Promise<WrappedKey | null> {
    const rows = (await manager.query(`SELECT master_key_id, wrapped_key, wrap_iv, wrap_tag FROM project_keys WHERE project_id = $1`, [projectId])) as ProjectKeyRow[];
    return rows[0] ? toWrapped(rows[0]) : null;
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bid attachments are sealed like the rest of the bid: the documents row then holds
 * iv ‖ tag ‖ AES-256-GCM ciphertext under the project's data key, and `size_bytes` is the size
 * of the file as uploaded.
 */
export class SealBidAttachments1795492000100 implements MigrationInterface {
  name = 'SealBidAttachments1795492000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE documents ADD COLUMN sealed boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE documents DROP CONSTRAINT documents_size_matches_content`);
    await q.query(`ALTER TABLE documents ADD CONSTRAINT documents_size_matches_content CHECK (sealed OR size_bytes = octet_length(content))`);
    await q.query(`ALTER TABLE documents ADD CONSTRAINT documents_sealed_bids_only CHECK (NOT sealed OR owner_type = 'bid')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE documents DROP CONSTRAINT documents_sealed_bids_only`);
    await q.query(`ALTER TABLE documents DROP CONSTRAINT documents_size_matches_content`);
    await q.query(`ALTER TABLE documents ADD CONSTRAINT documents_size_matches_content CHECK (size_bytes = octet_length(content))`);
    await q.query(`ALTER TABLE documents DROP COLUMN sealed`);
  }
}

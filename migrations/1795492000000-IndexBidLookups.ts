import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lookups sealed bidding makes that CreateSealedBids did not index: an organisation's own bids
 * ("my bids"), the versions of a project's bids (counts, the opening) and a receipt hash
 * (verification of a superseded version on the public record).
 */
export class IndexBidLookups1795492000000 implements MigrationInterface {
  name = 'IndexBidLookups1795492000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX bids_organisation_idx ON bids (organisation_id)`);
    await q.query(`CREATE INDEX bid_versions_project_idx ON bid_versions (project_id)`);
    await q.query(`CREATE INDEX bid_versions_receipt_idx ON bid_versions (receipt_sha256) WHERE receipt_sha256 IS NOT NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bid_versions_receipt_idx`);
    await q.query(`DROP INDEX bid_versions_project_idx`);
    await q.query(`DROP INDEX bids_organisation_idx`);
  }
}

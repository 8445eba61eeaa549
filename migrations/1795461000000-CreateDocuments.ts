import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded files (registration certificates, bid attachments, delivery photos) live in
 * PostgreSQL, so an upload commits in the same transaction, and sits in the same backup, as the
 * record that cites it.
 */
export class CreateDocuments1795461000000 implements MigrationInterface {
  name = 'CreateDocuments1795461000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE documents (
        id             uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_type     text        NOT NULL CHECK (owner_type ~ '^[a-z][a-z0-9_]*$'),
        owner_id       text        NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 100),
        kind           text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*$'),
        original_name  text        NOT NULL CHECK (length(original_name) BETWEEN 1 AND 255),
        content_type   text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
        size_bytes     integer     NOT NULL CHECK (size_bytes > 0),
        sha256         char(64)    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content        bytea       NOT NULL,
        uploaded_by    uuid        NULL,
        uploaded_at    timestamptz NOT NULL DEFAULT now(),
        is_deleted     boolean     NOT NULL DEFAULT false,
        CONSTRAINT documents_size_matches_content CHECK (size_bytes = octet_length(content))
      )`);
    await q.query(`CREATE INDEX documents_owner_idx ON documents (owner_type, owner_id)`);
    // Already compressed (PDF streams, JPEG, PNG): keep the bytes out of line without a pointless pglz pass.
    await q.query(`ALTER TABLE documents ALTER COLUMN content SET STORAGE EXTERNAL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE documents`);
  }
}

import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { DocumentContentType } from './domain/file-sniffing';

/**
 * An uploaded file and who it belongs to (`owner_type` + `owner_id`, e.g. organisation / its id).
 * `content` is not selected by default: lists never pull the bytes.
 */
@Entity({ name: 'documents' })
@Index('documents_owner_idx', ['ownerType', 'ownerId'])
export class StoredDocument {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_type', type: 'text' })
  ownerType: string;

  @Column({ name: 'owner_id', type: 'text' })
  ownerId: string;

  /** e.g. registration_certificate, articles_of_association, other. */
  @Column({ type: 'text' })
  kind: string;

  @Column({ name: 'original_name', type: 'text' })
  originalName: string;

  @Column({ name: 'content_type', type: 'text' })
  contentType: DocumentContentType;

  @Column({ name: 'size_bytes', type: 'integer' })
  sizeBytes: number;

  /** Lowercase hex. */
  @Column({ type: 'char', length: 64 })
  sha256: string;

  @Column({ type: 'bytea', select: false })
  content: Buffer;

  /** Stored sealed (bid attachments before opening): the owner's module unseals it. */
  @Column({ type: 'boolean', default: false })
  sealed: boolean;

  @Column({ name: 'uploaded_by', type: 'uuid', nullable: true })
  uploadedBy: string | null;

  @Column({ name: 'uploaded_at', type: 'timestamptz', default: () => 'now()' })
  uploadedAt: Date;

  @Column({ name: 'is_deleted', type: 'boolean', default: false })
  isDeleted: boolean;
}

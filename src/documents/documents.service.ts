import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ValidationFailedError } from '../common/errors/domain.error';
import { fieldMessage } from '../common/http/validation';
import { StoredDocument } from './document.entity';
import { DocumentNotFoundError } from './documents.errors';
import { DocumentContentType, checkDocumentFile, cleanFileName } from './domain/file-sniffing';
import { loadUploadMaxBytes } from './upload';
import { isUuid } from '../common/validation/uuid';

export interface StoreDocumentInput {
  /** What the document belongs to, e.g. 'organisation'; lowercase snake_case. */
  ownerType: string;
  ownerId: string;
  /** e.g. 'registration_certificate', 'articles_of_association', 'other'. */
  kind: string;
  /** As uploaded; cleaned before it is kept. Its extension must agree with the content. */
  originalName: string;
  buffer: Buffer | undefined;
  /** User id (uuid), or null for the system. */
  uploadedBy: string | null;
  /** Form field named in validation errors; default 'file'. */
  field?: string;
  /** Seals the checked bytes before they are stored (bid attachments stay unreadable until opening). */
  seal?: (bytes: Buffer) => Buffer;
}

export interface DocumentMetadata {
  id: string;
  ownerType: string;
  ownerId: string;
  kind: string;
  originalName: string;
  contentType: DocumentContentType;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string | null;
  uploadedAt: Date;
}

export interface LoadedDocument extends DocumentMetadata {
  content: Buffer;
}

function formatBytes(bytes: number): string {
  const trim = (n: number) => String(Math.floor(n * 10) / 10);
  if (bytes >= 1024 * 1024) return `${trim(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KB`;
  return `${bytes} B`;
}

function metadataOf(doc: StoredDocument): DocumentMetadata {
  return {
    id: doc.id,
    ownerType: doc.ownerType,
    ownerId: doc.ownerId,
    kind: doc.kind,
    originalName: doc.originalName,
    contentType: doc.contentType,
    sizeBytes: doc.sizeBytes,
    sha256: doc.sha256.trim(),
    uploadedBy: doc.uploadedBy,
    uploadedAt: doc.uploadedAt,
  };
}

/**
 * Uploaded files kept in PostgreSQL (registration certificates, bid attachments, delivery
 * photos). No access control here: callers check who may see the owner first, then call this.
 */
@Injectable()
export class DocumentsService {
  /** UPLOAD_MAX_BYTES, read (and validated) once at start-up. */
  readonly maxBytes = loadUploadMaxBytes();

  constructor(@InjectRepository(StoredDocument) private readonly documents: Repository<StoredDocument>) {}

  /**
   * Checks the bytes (not empty, within the limit, really PDF/JPEG/PNG and named so) and inserts
   * them in the caller's transaction. Refusals are ValidationFailedError on `input.field`.
   */
  async store(manager: EntityManager, input: StoreDocumentInput, limits: { maxBytes?: number } = {}): Promise<DocumentMetadata> {
    const field = input.field ?? 'file';
    const bytes = input.buffer ?? Buffer.alloc(0);
    const originalName = cleanFileName(input.originalName ?? '');
    const maxBytes = limits.maxBytes ?? this.maxBytes;
    const check = checkDocumentFile({ fileName: originalName, bytes, maxBytes });
    if (!check.ok) {
      const message =
        check.reason === 'empty'
          ? fieldMessage('validation.fileEmpty')
          : check.reason === 'tooLarge'
            ? fieldMessage('validation.fileTooLarge', { max: formatBytes(check.maxBytes), maxBytes: check.maxBytes })
            : fieldMessage('validation.fileType', { allowed: 'PDF, JPEG, PNG' });
      throw new ValidationFailedError({ [field]: [message] });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Checked and hashed as uploaded; stored sealed when the owner asks (bid attachments).
    const stored = input.seal ? input.seal(bytes) : bytes;
    const rows: Array<{ id: string; uploaded_at: Date }> = await manager.query(
      `INSERT INTO documents (owner_type, owner_id, kind, original_name, content_type, size_bytes, sha256, content, uploaded_by, sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       RETURNING id, uploaded_at`,
      [input.ownerType, input.ownerId, input.kind, originalName, check.contentType, bytes.length, sha256, stored, input.uploadedBy, Boolean(input.seal)],
    );
    return {
      id: rows[0].id,
      ownerType: input.ownerType,
      ownerId: input.ownerId,
      kind: input.kind,
      originalName,
      contentType: check.contentType,
      sizeBytes: bytes.length,
      sha256,
      uploadedBy: input.uploadedBy,
      uploadedAt: rows[0].uploaded_at,
    };
  }

  /** The owner's documents that are not deleted, oldest first, without their bytes. */
  async listFor(ownerType: string, ownerId: string, manager?: EntityManager): Promise<DocumentMetadata[]> {
    const docs = await this.repository(manager).find({
      where: { ownerType, ownerId, isDeleted: false },
      order: { uploadedAt: 'ASC', id: 'ASC' },
    });
    return docs.map(metadataOf);
  }

  /** Metadata and bytes; DocumentNotFoundError when missing or deleted. */
  async load(id: string, manager?: EntityManager, unseal?: (stored: Buffer) => Buffer): Promise<LoadedDocument> {
    if (!isUuid(id)) throw new DocumentNotFoundError(id);
    const doc = await this.repository(manager).createQueryBuilder('d').addSelect('d.content').where('d.id = :id AND NOT d.is_deleted', { id }).getOne();
    if (!doc) throw new DocumentNotFoundError(id);
    // A sealed bid attachment exists only for the bid routes, which unseal it; any other route sees nothing.
    if (doc.sealed && !unseal) throw new DocumentNotFoundError(id);
    return { ...metadataOf(doc), content: doc.sealed && unseal ? unseal(doc.content) : doc.content };
  }

  /** Hides a document from lists and downloads (the bytes stay for the audit trail). Repeating it is harmless. */
  async markDeleted(manager: EntityManager, id: string): Promise<void> {
    if (!isUuid(id)) throw new DocumentNotFoundError(id);
    const result = await manager.getRepository(StoredDocument).update({ id }, { isDeleted: true });
    if (!result.affected) throw new DocumentNotFoundError(id);
  }

  private repository(manager?: EntityManager): Repository<StoredDocument> {
    return manager ? manager.getRepository(StoredDocument) : this.documents;
  }
}

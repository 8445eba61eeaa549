import type { ServerResponse } from 'node:http';
import type { MulterModuleOptions } from '@nestjs/platform-express';
import { ConfigError } from '../config/app.config';

/**
 * Glue between HTTP uploads/downloads and DocumentsService, for controllers of other modules:
 *
 *   @UseInterceptors(FileInterceptor('file', documentUploadOptions()))
 *   async upload(@UploadedFile() file: UploadedDocumentFile | undefined) { … documents.store(manager, { …, originalName: file.originalname, buffer: file.buffer }) }
 *
 *   @Get(':id/file') async download(@Res() res: Response) { sendDocument(res, await documents.load(id)) }
 */

export const DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024;
const UPLOAD_MAX_BYTES_CEILING = 100 * 1024 * 1024;

/** UPLOAD_MAX_BYTES (bytes per file, default 10 MiB, at most 100 MiB). Throws ConfigError when malformed. */
export function loadUploadMaxBytes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.UPLOAD_MAX_BYTES?.trim();
  if (!raw) return DEFAULT_UPLOAD_MAX_BYTES;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`UPLOAD_MAX_BYTES must be a whole number of bytes, got "${raw}"`);
  const value = Number(raw);
  if (value < 1 || value > UPLOAD_MAX_BYTES_CEILING) {
    throw new ConfigError(`UPLOAD_MAX_BYTES must be between 1 and ${UPLOAD_MAX_BYTES_CEILING}, got ${value}`);
  }
  return value;
}

/** A file as multer's memory storage hands it over (`@UploadedFile()`); there is no @types/multer here. */
export interface UploadedDocumentFile {
  fieldname: string;
  /** As the client sent it; untrusted, DocumentsService cleans it. */
  originalname: string;
  encoding: string;
  /** As the client claimed it; ignored, the bytes decide. */
  mimetype: string;
  size: number;
  buffer: Buffer;
}

interface MulterStorageFile {
  stream: NodeJS.ReadableStream;
  buffer?: Buffer;
}

/**
 * Keeps each file in memory (`file.buffer`), as multer's own MemoryStorage does. Spelled out here
 * because @nestjs/platform-express does not re-export multer's engines, and naming it keeps
 * a global MulterModule `dest` from silently turning these routes into disk uploads.
 */
class DocumentMemoryStorage {
  _handleFile(_req: unknown, file: MulterStorageFile, callback: (error: Error | null, info?: { buffer: Buffer; size: number }) => void): void {
    const chunks: Buffer[] = [];
    file.stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.stream.on('error', (error: Error) => callback(error));
    file.stream.on('end', () => {
      const buffer = Buffer.concat(chunks);
      callback(null, { buffer, size: buffer.length });
    });
  }

  _removeFile(_req: unknown, file: MulterStorageFile, callback: (error: Error | null) => void): void {
    delete file.buffer;
    callback(null);
  }
}

/**
 * Options for `FileInterceptor(field, …)` / `FileFieldsInterceptor(fields, …)`: memory storage,
 * at most `maxBytes` per file (multer answers 413, HTTP.PAYLOAD_TOO_LARGE, past it) and `maxFiles`
 * files per request (400 past it), and UTF-8 file names (multer's default, latin1, garbles the
 * raw UTF-8 names browsers send, so 登记证书.pdf would arrive as mojibake).
 */
export function documentUploadOptions(options: { maxBytes?: number; maxFiles?: number } = {}): MulterModuleOptions {
  return {
    storage: new DocumentMemoryStorage(),
    defParamCharset: 'utf8',
    limits: {
      fileSize: options.maxBytes ?? loadUploadMaxBytes(),
      files: options.maxFiles ?? 1,
    },
  };
}

/** The stored types a browser shows itself (PDF viewer, image): only these are ever sent inline. */
export const PREVIEWABLE_TYPES: readonly string[] = ['application/pdf', 'image/png', 'image/jpeg'];

export function isPreviewable(contentType: string): boolean {
  return PREVIEWABLE_TYPES.includes(contentType);
}

/** `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / RFC 5987). */
export function contentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  // encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987's attr-char does not allow.
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Sends a stored document (DocumentsService.load) as a download. The caller has already checked
 * that the reader may see the document's owner.
 */
export function sendDocument(res: ServerResponse, doc: { contentType: string; originalName: string; content: Buffer }, options: { inline?: boolean } = {}): void {
  const inline = Boolean(options.inline) && isPreviewable(doc.contentType);
  res.statusCode = 200;
  res.setHeader('Content-Type', doc.contentType);
  res.setHeader('Content-Length', String(doc.content.length));
  res.setHeader('Content-Disposition', inline ? contentDisposition(doc.originalName).replace(/^attachment/, 'inline') : contentDisposition(doc.originalName));
  // Shown in the browser, a document may run nothing and load nothing: no script, no frame, only itself.
  if (inline) res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.end(doc.content);
}

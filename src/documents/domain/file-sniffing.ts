/**
 * What an uploaded file really is, from its first bytes (never from the browser's Content-Type),
 * and whether its name agrees. Pure: no framework imports.
 */
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

const SIGNATURES: ReadonlyArray<{ type: DocumentContentType; bytes: readonly number[] }> = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

const EXTENSIONS: Record<string, DocumentContentType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** The content type the magic bytes at the start of `bytes` show, or null for anything else. */
export function sniffContentType(bytes: Uint8Array): DocumentContentType | null {
  const match = SIGNATURES.find((s) => bytes.length >= s.bytes.length && s.bytes.every((b, i) => bytes[i] === b));
  return match?.type ?? null;
}

/** The content type a file name's extension claims (case-insensitive), or null. */
export function contentTypeFromName(fileName: string): DocumentContentType | null {
  const dot = fileName.lastIndexOf('.');
  if (dot < 0) return null;
  return EXTENSIONS[fileName.slice(dot + 1).toLowerCase()] ?? null;
}

export type DocumentFileCheck =
  | { ok: true; contentType: DocumentContentType }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'tooLarge'; maxBytes: number }
  /** Not PDF/JPEG/PNG, or the extension names another type (a PNG called .pdf, HTML called .pdf). */
  | { ok: false; reason: 'type'; sniffed: DocumentContentType | null };

/** Decides whether an upload may be stored: not empty, within `maxBytes`, a known type its name agrees with. */
export function checkDocumentFile(input: { fileName: string; bytes: Uint8Array; maxBytes: number }): DocumentFileCheck {
  if (input.bytes.length === 0) return { ok: false, reason: 'empty' };
  if (input.bytes.length > input.maxBytes) return { ok: false, reason: 'tooLarge', maxBytes: input.maxBytes };
  const sniffed = sniffContentType(input.bytes);
  if (!sniffed || contentTypeFromName(input.fileName) !== sniffed) return { ok: false, reason: 'type', sniffed };
  return { ok: true, contentType: sniffed };
}

/**
 * The name to keep: the last path segment (browsers on Windows send `C:\fakepath\…`), without
 * control characters, NFC, at most 255 characters with the extension kept. Empty if nothing is left.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // Control characters are exactly what this pattern removes.
  // eslint-disable-next-line no-control-regex
  const invisible = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;
  const cleaned = base.normalize('NFC').replace(invisible, '').trim();
  const chars = Array.from(cleaned);
  if (chars.length <= 255) return cleaned;
  const dot = chars.lastIndexOf('.');
  const extension = dot > 0 && chars.length - dot <= 10 ? chars.slice(dot) : [];
  return [...chars.slice(0, 255 - extension.length), ...extension].join('');
}

import request from 'supertest';
import { ConfigError } from '../config/app.config';
import { DEFAULT_UPLOAD_MAX_BYTES, contentDisposition, documentUploadOptions, loadUploadMaxBytes, sendDocument } from './upload';

describe('contentDisposition', () => {
  it('percent-encodes a Chinese name as UTF-8 (RFC 5987) with an ASCII fallback', () => {
    expect(contentDisposition('民非登记证书.pdf')).toBe(`attachment; filename="______.pdf"; filename*=UTF-8''%E6%B0%91%E9%9D%9E%E7%99%BB%E8%AE%B0%E8%AF%81%E4%B9%A6.pdf`);
  });

  it("encodes the characters RFC 5987 does not allow bare: space ' ( ) * % and quotes", () => {
    const header = contentDisposition(`it's (final) * 100%"\\.pdf`);
    expect(header).toBe(`attachment; filename="it's (final) * 100___.pdf"; filename*=UTF-8''it%27s%20%28final%29%20%2A%20100%25%22%5C.pdf`);
    expect(decodeURIComponent(header.split("UTF-8''")[1])).toBe(`it's (final) * 100%"\\.pdf`);
  });
});

describe('sendDocument', () => {
  const content = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x0a]);

  it('sends the bytes as an attachment that is neither sniffed nor cached', async () => {
    const res = await request((_req: unknown, out: import('node:http').ServerResponse) => sendDocument(out, { contentType: 'application/pdf', originalName: '章程 (2024).pdf', content }))
      .get('/')
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe('8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="__ (2024).pdf"; filename*=UTF-8''%E7%AB%A0%E7%A8%8B%20%282024%29.pdf`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(Buffer.compare(res.body as Buffer, content)).toBe(0);
  });
});

describe('upload limits', () => {
  it('reads UPLOAD_MAX_BYTES, 10 MiB by default', () => {
    expect(loadUploadMaxBytes({})).toBe(DEFAULT_UPLOAD_MAX_BYTES);
    expect(DEFAULT_UPLOAD_MAX_BYTES).toBe(10 * 1024 * 1024);
    expect(loadUploadMaxBytes({ UPLOAD_MAX_BYTES: ' 2097152 ' })).toBe(2097152);
  });

  it.each(['10MB', '-1', '0', '1.5', String(1024 * 1024 * 1024)])('refuses UPLOAD_MAX_BYTES=%s at start-up', (raw) => {
    expect(() => loadUploadMaxBytes({ UPLOAD_MAX_BYTES: raw })).toThrow(ConfigError);
  });

  it('configures memory storage, the size and count limits and UTF-8 names for multer', () => {
    const options = documentUploadOptions({ maxBytes: 1234, maxFiles: 3 });
    expect(options.limits).toEqual({ fileSize: 1234, files: 3 });
    expect(options.defParamCharset).toBe('utf8');
    expect(typeof options.storage._handleFile).toBe('function');
    expect(documentUploadOptions().limits).toEqual({ fileSize: DEFAULT_UPLOAD_MAX_BYTES, files: 1 });
  });
});

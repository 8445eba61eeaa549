import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { Controller, Get, Param, Post, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FileInterceptor, NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Response } from 'express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommonModule } from '../../src/common/common.module';
import { DomainError, ValidationFailedError } from '../../src/common/errors/domain.error';
import { HttpExceptionFilter } from '../../src/common/http/http-exception.filter';
import { parseFieldMessage } from '../../src/common/http/validation';
import { createLogger } from '../../src/common/logging/logger';
import { loadAppConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source';
import { DocumentsModule } from '../../src/documents/documents.module';
import { DocumentsService, StoreDocumentInput } from '../../src/documents/documents.service';
import { UploadedDocumentFile, documentUploadOptions, sendDocument } from '../../src/documents/upload';
import { TestApp, createTestApp } from '../support/test-app';

// Tiny but valid files, built byte by byte.

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 16×4 RGBA PNG whose pixels hold every byte value 0–255, so a round trip must be byte-exact. */
function tinyPng(): Buffer {
  const width = 16;
  const height = 4;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter method, no interlace
  const rows = Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width * 4 }, (_, x) => y * width * 4 + x))]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.concat(rows))), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A one-page PDF 1.4 with a correct cross-reference table and a binary comment line. */
function tinyPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xrefAt = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const HTML = Buffer.from('<!DOCTYPE html><html><body><script>fetch("/api/v1/me")</script></body></html>');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function refusal(promise: Promise<unknown>, field = 'file'): Promise<{ key: string; params: Record<string, unknown> }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the document to be refused');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationFailedError);
  const fields = (error as ValidationFailedError).fields ?? {};
  expect(Object.keys(fields)).toEqual([field]);
  expect((error as DomainError).code).toBe('COMMON.VALIDATION_FAILED');
  return parseFieldMessage(fields[field][0])!;
}

describe('documents store', () => {
  let t: TestApp;
  let documents: DocumentsService;
  const png = tinyPng();
  const pdf = tinyPdf();
  const input = (overrides: Partial<StoreDocumentInput>): StoreDocumentInput => ({
    ownerType: 'organisation',
    ownerId: 'org-1',
    kind: 'registration_certificate',
    originalName: '登记证书.png',
    buffer: png,
    uploadedBy: null,
    ...overrides,
  });
  const store = (overrides: Partial<StoreDocumentInput>, limits?: { maxBytes?: number }) => t.dataSource.transaction((manager) => documents.store(manager, input(overrides), limits));
  const countRows = async () => Number((await t.dataSource.query(`SELECT count(*) AS n FROM documents`))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    documents = t.app.get(DocumentsService);
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a PNG and a PDF with their real type, size and sha256, returning no bytes', async () => {
    const uploader = '3f1c2b7e-8a1d-4c5e-9f00-1234567890ab';
    const image = await store({ originalName: '登记证书.png', buffer: png, uploadedBy: uploader });
    const articles = await store({ kind: 'articles_of_association', originalName: 'C:\\fakepath\\章程.PDF', buffer: pdf });

    expect(image).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ownerType: 'organisation',
      ownerId: 'org-1',
      kind: 'registration_certificate',
      originalName: '登记证书.png',
      contentType: 'image/png',
      sizeBytes: png.length,
      sha256: sha256(png),
      uploadedBy: uploader,
      uploadedAt: expect.any(Date),
    });
    expect(articles).toMatchObject({ contentType: 'application/pdf', originalName: '章程.PDF', sizeBytes: pdf.length, sha256: sha256(pdf) });
    expect(articles).not.toHaveProperty('content');

    // PostgreSQL agrees on the bytes it holds.
    const [row] = await t.dataSource.query(`SELECT encode(sha256(content), 'hex') AS digest, octet_length(content) AS size, sha256 FROM documents WHERE id = $1`, [articles.id]);
    expect(row).toEqual({ digest: sha256(pdf), size: pdf.length, sha256: sha256(pdf) });
  });

  it('loads a document back byte for byte', async () => {
    const stored = await store({ ownerId: 'org-load', buffer: png });
    const loaded = await documents.load(stored.id);
    expect(loaded).toMatchObject({ ...stored, content: expect.any(Buffer) });
    expect(Buffer.compare(loaded.content, png)).toBe(0);
    const loadedPdf = await documents.load((await store({ ownerId: 'org-load', originalName: 'a.pdf', buffer: pdf })).id);
    expect(loadedPdf.content.equals(pdf)).toBe(true);
  });

  it('lists an owner’s documents oldest first, without their bytes', async () => {
    const first = await store({ ownerId: 'org-list', originalName: 'first.png' });
    const second = await store({ ownerId: 'org-list', originalName: 'second.pdf', buffer: pdf, kind: 'other' });
    await store({ ownerId: 'org-other' });
    const listed = await documents.listFor('organisation', 'org-list');
    expect(listed.map((d) => d.id)).toEqual([first.id, second.id]);
    expect(listed[1]).toEqual(second);
    for (const doc of listed) expect(doc).not.toHaveProperty('content');
    await expect(documents.listFor('bid', 'org-list')).resolves.toEqual([]);
  });

  it('refuses an HTML file renamed .pdf and stores nothing', async () => {
    const before = await countRows();
    await expect(refusal(store({ originalName: 'certificate.pdf', buffer: HTML }))).resolves.toMatchObject({ key: 'validation.fileType' });
    expect(await countRows()).toBe(before);
  });

  it('refuses a PNG named .pdf, and names the form field it came from', async () => {
    await expect(refusal(store({ originalName: 'certificate.pdf', buffer: png, field: 'certificate' }), 'certificate')).resolves.toMatchObject({
      key: 'validation.fileType',
    });
  });

  it('refuses an empty or missing file', async () => {
    await expect(refusal(store({ buffer: Buffer.alloc(0) }))).resolves.toMatchObject({ key: 'validation.fileEmpty' });
    await expect(refusal(store({ buffer: undefined }))).resolves.toMatchObject({ key: 'validation.fileEmpty' });
  });

  it('refuses a file over the 10 MiB default and over a caller’s own limit', async () => {
    const oversized = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024 + 1 - png.length)]);
    await expect(refusal(store({ buffer: oversized }))).resolves.toEqual({
      key: 'validation.fileTooLarge',
      params: { max: '10 MB', maxBytes: 10 * 1024 * 1024 },
    });
    await expect(refusal(store({ buffer: png }, { maxBytes: png.length - 1 }))).resolves.toMatchObject({ key: 'validation.fileTooLarge' });
    await expect(store({ ownerId: 'org-limit', buffer: png }, { maxBytes: png.length })).resolves.toMatchObject({ sizeBytes: png.length });
  });

  it('stores within the caller’s transaction: a rollback leaves no document', async () => {
    const before = await countRows();
    await expect(
      t.dataSource.transaction(async (manager) => {
        await documents.store(manager, input({ ownerId: 'org-rollback' }));
        throw new Error('the citing record failed');
      }),
    ).rejects.toThrow('the citing record failed');
    expect(await countRows()).toBe(before);
    await expect(documents.listFor('organisation', 'org-rollback')).resolves.toEqual([]);
  });

  it('hides a deleted document from lists and loads', async () => {
    const doc = await store({ ownerId: 'org-delete' });
    await t.dataSource.transaction((manager) => documents.markDeleted(manager, doc.id));
    await expect(documents.listFor('organisation', 'org-delete')).resolves.toEqual([]);
    await expect(documents.load(doc.id)).rejects.toMatchObject({ code: 'DOCUMENTS.NOT_FOUND', kind: 'not_found' });
    // Repeating the deletion is harmless.
    await expect(t.dataSource.transaction((manager) => documents.markDeleted(manager, doc.id))).resolves.toBeUndefined();
  });

  it('answers not found for an unknown id or one that is not a uuid', async () => {
    await expect(documents.load('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'DOCUMENTS.NOT_FOUND' });
    await expect(documents.load('../etc/passwd')).rejects.toMatchObject({ code: 'DOCUMENTS.NOT_FOUND' });
    await expect(t.dataSource.transaction((m) => documents.markDeleted(m, '00000000-0000-4000-8000-000000000000'))).rejects.toMatchObject({
      code: 'DOCUMENTS.NOT_FOUND',
    });
  });
});

/** How another module's controller uses the store: FileInterceptor with documentUploadOptions, then sendDocument. */
@Controller('api/test/documents')
class DocumentsProbeController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly dataSource: DataSource,
  ) {}

  @Post()
  @UseInterceptors(FileInterceptor('file', documentUploadOptions({ maxBytes: 4096 })))
  async upload(@UploadedFile() file: UploadedDocumentFile | undefined) {
    return this.dataSource.transaction((manager) =>
      this.documents.store(
        manager,
        { ownerType: 'organisation', ownerId: 'org-http', kind: 'other', originalName: file?.originalname ?? '', buffer: file?.buffer, uploadedBy: null },
        { maxBytes: 4096 },
      ),
    );
  }

  @Get(':id')
  async download(@Param('id') id: string, @Res() res: Response) {
    sendDocument(res, await this.documents.load(id));
  }
}

describe('documents over HTTP (upload options and sendDocument)', () => {
  let t: TestApp;
  let probe: NestExpressApplication;
  const http = () => request(probe.getHttpServer());
  const png = tinyPng();

  beforeAll(async () => {
    t = await createTestApp();
    const config = loadAppConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const moduleRef = await Test.createTestingModule({
      imports: [CommonModule.register(config, createLogger('silent')), TypeOrmModule.forRoot({ ...dataSourceOptions(t.databaseUrl), autoLoadEntities: false }), DocumentsModule],
      controllers: [DocumentsProbeController],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    }).compile();
    probe = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    await probe.init();
  });
  afterAll(async () => {
    await probe?.close();
    await t.close();
  });

  it('keeps a Chinese file name intact and downloads the same bytes as an attachment', async () => {
    const uploaded = await http().post('/api/test/documents').attach('file', png, { filename: '民非登记证书.png', contentType: 'application/octet-stream' }).expect(201);
    expect(uploaded.body).toMatchObject({ originalName: '民非登记证书.png', contentType: 'image/png', sizeBytes: png.length, sha256: sha256(png) });

    const res = await http()
      .get(`/api/test/documents/${uploaded.body.id}`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-length']).toBe(String(png.length));
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('民非登记证书.png')}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect((res.body as Buffer).equals(png)).toBe(true);
  });

  it('answers 400 with the translated field message for an HTML file renamed .pdf', async () => {
    const res = await http().post('/api/test/documents').attach('file', HTML, { filename: 'certificate.pdf', contentType: 'application/pdf' }).expect(400);
    expect(res.body.error.code).toBe('COMMON.VALIDATION_FAILED');
    expect(res.body.error.fields.file).toEqual(['只接受 PDF、JPG、PNG 文件，且文件扩展名须与文件内容一致']);
  });

  it('stops a file over the limit while it is still arriving (413)', async () => {
    const big = Buffer.concat([png, Buffer.alloc(4097 - png.length)]);
    const res = await http().post('/api/test/documents').attach('file', big, 'big.png').expect(413);
    expect(res.body.error.code).toBe('HTTP.PAYLOAD_TOO_LARGE');
  });

  it('refuses a second file (400)', async () => {
    await http().post('/api/test/documents').attach('file', png, 'a.png').attach('file', png, 'b.png').expect(400);
  });

  it('answers 404 for a document that does not exist', async () => {
    const res = await http().get('/api/test/documents/00000000-0000-4000-8000-000000000000').expect(404);
    expect(res.body.error.code).toBe('DOCUMENTS.NOT_FOUND');
  });
});

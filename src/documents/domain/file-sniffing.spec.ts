import { checkDocumentFile, cleanFileName, contentTypeFromName, sniffContentType } from './file-sniffing';

const PDF = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF\n', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const MiB = 1024 * 1024;

describe('sniffContentType', () => {
  it.each([
    ['a PDF', PDF, 'application/pdf'],
    ['a JPEG', JPEG, 'image/jpeg'],
    ['a PNG', PNG, 'image/png'],
  ])('recognises %s', (_, bytes, type) => {
    expect(sniffContentType(bytes)).toBe(type);
  });

  it.each([
    ['HTML', HTML],
    ['empty', Buffer.alloc(0)],
    ['a truncated PNG signature', PNG.subarray(0, 7)],
    ['a PDF header not at the start', Buffer.concat([Buffer.from(' '), PDF])],
    ['lowercase %pdf-', Buffer.from('%pdf-1.4')],
    ['GIF', Buffer.from('GIF89a')],
    ['a ZIP (docx)', Buffer.from([0x50, 0x4b, 0x03, 0x04])],
  ])('answers null for %s', (_, bytes) => {
    expect(sniffContentType(bytes)).toBeNull();
  });
});

describe('contentTypeFromName', () => {
  it('reads the last extension, ignoring case', () => {
    expect(contentTypeFromName('章程.PDF')).toBe('application/pdf');
    expect(contentTypeFromName('photo.JPEG')).toBe('image/jpeg');
    expect(contentTypeFromName('photo.jpg')).toBe('image/jpeg');
    expect(contentTypeFromName('scan.png')).toBe('image/png');
    expect(contentTypeFromName('scan.pdf.exe')).toBeNull();
    expect(contentTypeFromName('no-extension')).toBeNull();
  });
});

describe('checkDocumentFile', () => {
  const check = (fileName: string, bytes: Uint8Array, maxBytes = 10 * MiB) => checkDocumentFile({ fileName, bytes, maxBytes });

  it('accepts a PDF, a JPEG and a PNG whose names agree', () => {
    expect(check('登记证书.pdf', PDF)).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(check('IMG_0001.JPG', JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(check('photo.jpeg', JPEG)).toEqual({ ok: true, contentType: 'image/jpeg' });
    expect(check('scan.png', PNG)).toEqual({ ok: true, contentType: 'image/png' });
  });

  it('refuses a PNG named .pdf', () => {
    expect(check('certificate.pdf', PNG)).toEqual({ ok: false, reason: 'type', sniffed: 'image/png' });
  });

  it('refuses an HTML file renamed .pdf', () => {
    expect(check('certificate.pdf', HTML)).toEqual({ ok: false, reason: 'type', sniffed: null });
  });

  it('refuses a real PDF without an extension or with another one', () => {
    expect(check('certificate', PDF)).toMatchObject({ ok: false, reason: 'type' });
    expect(check('certificate.html', PDF)).toMatchObject({ ok: false, reason: 'type' });
  });

  it('refuses an empty file, whatever its name', () => {
    expect(check('empty.pdf', Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty' });
  });

  it('refuses a file one byte over the limit and accepts one at the limit', () => {
    const atLimit = Buffer.concat([PNG, Buffer.alloc(100 - PNG.length)]);
    expect(check('a.png', atLimit, 100)).toEqual({ ok: true, contentType: 'image/png' });
    expect(check('a.png', Buffer.concat([atLimit, Buffer.from([0])]), 100)).toEqual({ ok: false, reason: 'tooLarge', maxBytes: 100 });
  });
});

describe('cleanFileName', () => {
  it('keeps the last path segment of a Windows or Unix path', () => {
    expect(cleanFileName('C:\\fakepath\\民非登记证书.pdf')).toBe('民非登记证书.pdf');
    expect(cleanFileName('../../etc/passwd.png')).toBe('passwd.png');
  });

  it('drops control and bidi-override characters', () => {
    expect(cleanFileName('invoice\u202Egnp.pdf')).toBe('invoicegnp.pdf');
    expect(cleanFileName('a\r\nb.pdf')).toBe('ab.pdf');
  });

  it('shortens a long name to 255 characters keeping the extension', () => {
    const name = cleanFileName(`${'章'.repeat(300)}.pdf`);
    expect(Array.from(name)).toHaveLength(255);
    expect(name.endsWith('章.pdf')).toBe(true);
  });
});

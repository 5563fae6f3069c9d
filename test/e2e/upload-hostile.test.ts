import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { png } from '../../scripts/lib/files';
import { mainlandId, uniqueAccount } from '../support/http';
import { content, jpeg, pdf, uploadTo } from '../support/upload-client';

/**
 * Hostile uploads: a file's name is never a path (each upload is stored under
 * its own id), and a polyglot is what its leading bytes say, served so that
 * nothing in it can run.
 */
const baseUrl = inject('baseUrl');
const upload = uploadTo(baseUrl);
const storageRoot = path.join(inject('serviceEnv').DATA_DIR!, 'uploads');

const TRAVERSING_NAMES = [
  '../../../../../../etc/passwd',
  '..\\..\\..\\windows\\system32\\evil.png',
  '/etc/cron.d/evil.png',
  '%2e%2e%2f%2e%2e%2fevil.png',
  '....//....//evil.png',
  'uploads/../../evil.png',
  `${'a/'.repeat(200)}evil.png`,
  'C:\\evil.png',
];

/** Every file under the storage root, relative to it. */
function storedFiles(dir = storageRoot, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? storedFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('POST /v1/uploads: file names are not paths', () => {
  it.each(TRAVERSING_NAMES)('stores %j under its upload id and echoes no name', async (name) => {
    const bytes = png();
    const res = await upload({ file: { bytes, name }, purpose: 'business_license', accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(JSON.stringify(res.body)).not.toMatch(/evil|passwd|\.\./);
    expect((await content(baseUrl, res.body.id)).headers.get('content-disposition')).toBe('inline');
    expect(storedFiles()).toContain(`sealed/${res.body.id.slice(4, 6)}/${res.body.id}`);
  });

  it('refuses a name with a NUL byte as a malformed form', async () => {
    const res = await upload({ file: { bytes: png(), name: 'evil\u0000.png' }, purpose: 'business_license', accountId: uniqueAccount() });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('keeps the storage root to the upload-id layout, nothing named by a client', () => {
    const files = storedFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).toMatch(/^sealed\/([A-Za-z0-9]{2})\/upl_\1[A-Za-z0-9]{6,62}$/);
    const dataDir = path.dirname(storageRoot);
    expect(readdirSync(dataDir).filter((f) => /evil|passwd/.test(f))).toEqual([]);
  });
});

describe('POST /v1/uploads: at rest', () => {
  it('stores the same bytes from two accounts as two sealed files, neither holding the plaintext, each served whole', async () => {
    const idNumber = mainlandId('1988-08-08');
    const bytes = Buffer.concat([png(), Buffer.from(`居民身份证 ${idNumber} ${randomUUID()}`)]);
    const created: { id: string; sha256: string }[] = [];
    for (const accountId of [uniqueAccount(), uniqueAccount()]) {
      const res = await upload({ file: { bytes, name: 'id.png' }, purpose: 'id_photo_portrait', accountId });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      created.push(res.body as { id: string; sha256: string });
    }
    expect(created[0]!.id).not.toBe(created[1]!.id);
    // The answer's sha256 stays the content's.
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(created.map((c) => c.sha256)).toEqual([sha256, sha256]);
    const files = created.map((c) => `sealed/${c.id.slice(4, 6)}/${c.id}`);
    expect(storedFiles()).toEqual(expect.arrayContaining(files));
    for (const [i, file] of files.entries()) {
      const onDisk = readFileSync(path.join(storageRoot, file));
      expect(onDisk.includes(Buffer.from(idNumber)), file).toBe(false);
      expect(onDisk.includes(bytes.subarray(0, 32)), file).toBe(false);
      expect((await content(baseUrl, created[i]!.id)).bytes.equals(bytes)).toBe(true);
    }
  });
});

const html = '<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>';

describe('POST /v1/uploads: polyglot files', () => {
  const accepted: [string, () => Buffer, string, string][] = [
    ['a PNG with a page of script after its end', () => Buffer.concat([png(), Buffer.from(html)]), 'business_license', 'image/png'],
    ['a JPEG with a ZIP archive behind it', () => Buffer.concat([jpeg(), Buffer.from('504b0304140000000000', 'hex'), Buffer.from('evil.js')]), 'business_license', 'image/jpeg'],
    ['a PNG signature in front of markup', () => Buffer.concat([png().subarray(0, 8), Buffer.from(html)]), 'business_license', 'image/png'],
    ['a PDF with a page of script after %%EOF', () => Buffer.concat([pdf(), Buffer.from(html)]), 'change_application_form', 'application/pdf'],
  ];
  it.each(accepted)('takes %s as its leading type, served inert', async (_what, make, purpose, type) => {
    const bytes = make();
    const res = await upload({ file: { bytes, name: 'page.html', type: 'text/html' }, purpose, accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.contentType).toBe(type);
    const served = await content(baseUrl, res.body.id);
    expect(served.headers.get('content-type')).toBe(type);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);
    expect(served.bytes.equals(bytes)).toBe(true);
  });

  const refused: [string, Buffer][] = [
    ['an HTML page holding a PNG signature', Buffer.concat([Buffer.from(html), png()])],
    ['an SVG with script', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['a GIF', Buffer.from('GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;', 'latin1')],
    ['a PDF offered as a licence image', pdf()],
    ['a ZIP holding a PNG', Buffer.concat([Buffer.from('504b0304140000000000', 'hex'), png()])],
  ];
  it.each(refused)('refuses %s with 415', async (_what, bytes) => {
    const res = await upload({ file: { bytes, name: 'licence.png', type: 'image/png' }, purpose: 'business_license', accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(415);
    expect(res.body).toMatchObject({ code: 'UPLOAD_TYPE_NOT_ALLOWED' });
  });
});

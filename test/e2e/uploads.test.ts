import { createHash, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { png } from '../../scripts/lib/files';
import { content, jpeg, paddedPng, pdf, uploadTo } from '../support/upload-client';
import { http, KEYS, mainlandId, uniqueAccount, type HttpResult } from '../support/http';

const baseUrl = inject('baseUrl');
const api = http(baseUrl);
const upload = uploadTo(baseUrl);

const FIVE_MB = 5 * 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const expectProblem = (res: HttpResult, status: number, code: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ status, code });
};

async function accountToken(accountId: string): Promise<string> {
  const res = await api.post('/v1/admin/account-tokens', { accountId, ttlSeconds: 600 });
  expect(res.status).toBe(201);
  return res.body.token as string;
}

describe('POST /v1/uploads: what is accepted', () => {
  it('accepts a PNG for a business licence even when named .pdf, and answers its sha256', async () => {
    const bytes = png();
    const res = await upload({ file: { bytes, name: 'x.pdf', type: 'application/pdf' }, purpose: 'business_license', accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ id: expect.stringMatching(/^upl_/), purpose: 'business_license', contentType: 'image/png', size: bytes.length, sha256: sha256(bytes) });
  });

  it('accepts a JPEG', async () => {
    const bytes = jpeg();
    const res = await upload({ file: { bytes, name: 'photo.png' }, purpose: 'id_photo_portrait', accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/jpeg', size: bytes.length, sha256: sha256(bytes) });
  });

  it('refuses text named .jpg with 415', async () => {
    const res = await upload({ file: { bytes: Buffer.from('just some text, not an image'), name: 'x.jpg', type: 'image/jpeg' }, purpose: 'business_license', accountId: uniqueAccount() });
    expectProblem(res, 415, 'UPLOAD_TYPE_NOT_ALLOWED');
  });

  it('takes a PDF only for a change application form', async () => {
    const bytes = pdf();
    expectProblem(await upload({ file: { bytes, name: 'licence.pdf' }, purpose: 'business_license', accountId: uniqueAccount() }), 415, 'UPLOAD_TYPE_NOT_ALLOWED');
    const res = await upload({ file: { bytes, name: 'form.pdf' }, purpose: 'change_application_form', accountId: uniqueAccount() });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ purpose: 'change_application_form', contentType: 'application/pdf', sha256: sha256(bytes) });
  });

  it('accepts exactly 5 MB and refuses one byte more with 413', async () => {
    const exact = paddedPng(FIVE_MB);
    const ok = await upload({ file: { bytes: exact, name: 'big.png' }, purpose: 'business_license', accountId: uniqueAccount() });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ size: FIVE_MB, sha256: sha256(exact) });

    const over = await upload({ file: { bytes: paddedPng(FIVE_MB + 1), name: 'big.png' }, purpose: 'business_license', accountId: uniqueAccount() });
    expectProblem(over, 413, 'UPLOAD_TOO_LARGE');
  });

  it('refuses a declared body far over the limit before reading it', async () => {
    const res = await upload({ file: { bytes: paddedPng(3 * FIVE_MB), name: 'huge.png' }, purpose: 'business_license', accountId: uniqueAccount() });
    expectProblem(res, 413, 'UPLOAD_TOO_LARGE');
  });

  it('lists what is missing or wrong in the form', async () => {
    const noFile = await upload({ purpose: 'business_license', accountId: uniqueAccount() });
    expectProblem(noFile, 422, 'VALIDATION_FAILED');
    expect(noFile.body.errors).toEqual([expect.objectContaining({ path: 'file' })]);

    const badPurpose = await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'selfie', accountId: uniqueAccount() });
    expectProblem(badPurpose, 422, 'VALIDATION_FAILED');
    expect(badPurpose.body.errors).toEqual([expect.objectContaining({ path: 'purpose' })]);

    const neither = await upload({ accountId: uniqueAccount() });
    expect(neither.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['file', 'purpose']);
  });

  it('refuses a body that is not multipart', async () => {
    expectProblem(await api.post('/v1/uploads', { purpose: 'business_license', file: 'aGVsbG8=' }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.call('POST', '/v1/uploads', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }), 422, 'VALIDATION_FAILED');
    // Multipart without a boundary, and a form that ends in the middle of the file.
    expectProblem(await api.call('POST', '/v1/uploads', { rawBody: 'x', headers: { 'content-type': 'multipart/form-data' } }), 422, 'VALIDATION_FAILED');
    const cut = '--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbusiness_license\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG';
    expectProblem(await api.call('POST', '/v1/uploads', { rawBody: cut, headers: { 'content-type': 'multipart/form-data; boundary=b' } }), 422, 'VALIDATION_FAILED');
  });

  it('survives a client that goes away in the middle of the file', async () => {
    const url = new URL(baseUrl);
    const head = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n';
    await new Promise<void>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(
          `POST /v1/uploads HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${KEYS.service}\r\n` +
            `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n${head}`,
        );
        socket.write(png(), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    expect((await api.get('/healthz', { token: null })).status).toBe(200);
    expect((await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId: uniqueAccount() })).status).toBe(201);
  });

  it('wants the file as a file part named `file`', async () => {
    const body = new FormData();
    body.append('purpose', 'business_license');
    body.append('accountId', uniqueAccount());
    body.append('file', 'not a file part');
    body.append('other', new Blob([new Uint8Array(png())]), 'a.png');
    const res = await fetch(`${baseUrl}/v1/uploads`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.service}` }, body });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['file', 'other']);
  });
});

describe('POST /v1/uploads: whose account', () => {
  it('needs accountId from a service token', async () => {
    const res = await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license' });
    expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'accountId' })]);
    const bad = await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId: '../etc' });
    expectProblem(bad, 422, 'VALIDATION_FAILED');
  });

  it('puts an account token’s upload in its own account, and refuses another account with 404', async () => {
    const mine = uniqueAccount('own');
    const token = await accountToken(mine);
    const res = await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license' }, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Its own account, named or not.
    expect((await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId: mine }, { token })).status).toBe(201);
    expectProblem(await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId: uniqueAccount() }, { token }), 404, 'NOT_FOUND');

    // It landed in `mine`: that account reads it, any other account cannot.
    expect((await content(baseUrl, res.body.id, token)).status).toBe(200);
    expect((await content(baseUrl, res.body.id, await accountToken(uniqueAccount()))).status).toBe(404);
  });

  it('keeps reviewers from uploading', async () => {
    expectProblem(await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId: uniqueAccount() }, { token: KEYS.reviewer }), 403, 'FORBIDDEN');
  });
});

describe('GET /v1/uploads/{id}/content', () => {
  it('answers the same bytes with their detected type, not cached, not sniffed', async () => {
    const owner = uniqueAccount();
    for (const [bytes, type] of [[png(), 'image/png'], [jpeg(), 'image/jpeg']] as const) {
      const created = await upload({ file: { bytes, name: 'doc.bin' }, purpose: 'id_photo_emblem', accountId: owner });
      expect(created.status).toBe(201);
      const res = await content(baseUrl, created.body.id);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-disposition')).toBe('inline');
      expect(res.bytes.equals(bytes)).toBe(true);
    }
  });

  it('is readable by the owner, service, reviewer and admin; another account and unknown ids get 404', async () => {
    const owner = uniqueAccount();
    const bytes = pdf();
    const created = await upload({ file: { bytes, name: 'form.pdf' }, purpose: 'change_application_form', accountId: owner });
    expect(created.status).toBe(201);
    for (const token of [await accountToken(owner), KEYS.service, KEYS.reviewer, KEYS.admin]) {
      const res = await content(baseUrl, created.body.id, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.bytes.equals(bytes)).toBe(true);
    }
    expectProblem(await api.get(`/v1/uploads/${created.body.id}/content`, { token: await accountToken(uniqueAccount()) }), 404, 'NOT_FOUND');
    expectProblem(await api.get('/v1/uploads/upl_doesNotExist12345678/content'), 404, 'NOT_FOUND');
  });
});

describe('Idempotency-Key on uploads', () => {
  it('replays the same upload and refuses the key with another file', async () => {
    const accountId = uniqueAccount();
    const key = `upload-${randomUUID()}`;
    const bytes = png();
    const first = await upload({ file: { bytes, name: 'a.png' }, purpose: 'business_license', accountId }, { headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    // The file name is not part of the request: the bytes are.
    const again = await upload({ file: { bytes, name: 'renamed.png' }, purpose: 'business_license', accountId }, { headers: { 'Idempotency-Key': key } });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    expectProblem(
      await upload({ file: { bytes: png(), name: 'a.png' }, purpose: 'business_license', accountId }, { headers: { 'Idempotency-Key': key } }),
      409,
      'IDEMPOTENCY_CONFLICT',
    );
    expectProblem(
      await upload({ file: { bytes, name: 'a.png' }, purpose: 'id_photo_emblem', accountId }, { headers: { 'Idempotency-Key': key } }),
      409,
      'IDEMPOTENCY_CONFLICT',
    );

    // Without the key, the same bytes make a new upload.
    const fresh = await upload({ file: { bytes, name: 'a.png' }, purpose: 'business_license', accountId });
    expect(fresh.status).toBe(201);
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(fresh.body.sha256).toBe(first.body.sha256);
  });

  it('keeps a refusal as the answer to its key', async () => {
    const key = `upload-${randomUUID()}`;
    const form = { file: { bytes: Buffer.from('plain text'), name: 'x.jpg' }, purpose: 'business_license', accountId: uniqueAccount() };
    expectProblem(await upload(form, { headers: { 'Idempotency-Key': key } }), 415, 'UPLOAD_TYPE_NOT_ALLOWED');
    const replay = await upload(form, { headers: { 'Idempotency-Key': key } });
    expectProblem(replay, 415, 'UPLOAD_TYPE_NOT_ALLOWED');
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('POST /v1/ocr/business-license', () => {
  it('reads nothing trustworthy from an unknown image, and the sandbox reading once set', async () => {
    const accountId = uniqueAccount();
    const bytes = png();
    const created = await upload({ file: { bytes, name: 'licence.png' }, purpose: 'business_license', accountId });
    expect(created.status).toBe(201);

    const unknown = await api.post('/v1/ocr/business-license', { uploadId: created.body.id });
    expect(unknown.status, JSON.stringify(unknown.body)).toBe(200);
    expect(unknown.body.confidence).toBeLessThan(0.5);

    const reading = { enterpriseName: '北京示例科技有限公司', creditCode: '91110105MA01ABCD2X' };
    const set = await api.put(`/sandbox/ocr/business-licenses/${created.body.sha256}`, reading, { token: null });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toEqual({ sha256: sha256(bytes), ...reading });

    const read = await api.post('/v1/ocr/business-license', { uploadId: created.body.id }, { token: await accountToken(accountId) });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toEqual({ ...reading, confidence: expect.any(Number) });
    expect(read.body.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('reads business licences only, of accessible uploads, not for reviewers', async () => {
    const accountId = uniqueAccount();
    const photo = await upload({ file: { bytes: jpeg(), name: 'id.jpg' }, purpose: 'id_photo_emblem', accountId });
    expect(photo.status).toBe(201);
    const wrongPurpose = await api.post('/v1/ocr/business-license', { uploadId: photo.body.id });
    expectProblem(wrongPurpose, 422, 'VALIDATION_FAILED');
    expect(wrongPurpose.body.errors).toEqual([expect.objectContaining({ path: 'uploadId' })]);

    const licence = await upload({ file: { bytes: png(), name: 'l.png' }, purpose: 'business_license', accountId });
    expectProblem(await api.post('/v1/ocr/business-license', { uploadId: licence.body.id }, { token: await accountToken(uniqueAccount()) }), 404, 'NOT_FOUND');
    expectProblem(await api.post('/v1/ocr/business-license', { uploadId: licence.body.id }, { token: KEYS.reviewer }), 403, 'FORBIDDEN');
    expectProblem(await api.post('/v1/ocr/business-license', { uploadId: 'not-an-upload' }), 422, 'VALIDATION_FAILED');
  });
});

describe('sandbox: OCR readings and the business registry', () => {
  it('needs a sha256 of 64 lowercase hex characters', async () => {
    const reading = { enterpriseName: '示例', creditCode: '91110105MA01ABCD2X' };
    expectProblem(await api.put(`/sandbox/ocr/business-licenses/${'A'.repeat(64)}`, reading, { token: null }), 422, 'VALIDATION_FAILED');
    expectProblem(await api.put('/sandbox/ocr/business-licenses/abc', reading, { token: null }), 422, 'VALIDATION_FAILED');
  });

  it('registers an enterprise and answers with the ID number masked', async () => {
    const idNumber = mainlandId('1980-05-06');
    const res = await api.put(
      '/sandbox/registry/enterprises/91110105ma01abcd2x',
      { name: '北京示例科技有限公司', legalRepresentative: { name: '张三', idNumber } },
      { token: null },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      creditCode: '91110105MA01ABCD2X',
      name: '北京示例科技有限公司',
      legalRepresentative: { name: '张三', idNumber: `${idNumber.slice(0, 4)}**********${idNumber.slice(-4)}` },
      status: '存续',
      formerCodes: [],
    });
    expect(JSON.stringify(res.body)).not.toContain(idNumber);

    const updated = await api.put(
      '/sandbox/registry/enterprises/91110105MA01ABCD2X',
      { name: '北京示例科技有限公司', legalRepresentative: { name: '张三', idNumber }, status: '注销' },
      { token: null },
    );
    expect(updated.body.status).toBe('注销');
  });
});

describe('OpenAPI', () => {
  it('documents the multipart upload', async () => {
    const doc = (await api.get('/openapi.json')).body;
    const form = doc.paths['/v1/uploads'].post.requestBody.content['multipart/form-data'].schema;
    const resolved = form.$ref ? doc.components.schemas[form.$ref.split('/').pop()] : form;
    expect(resolved.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    expect(resolved.properties.purpose.enum).toContain('change_application_form');
    expect(doc.paths['/v1/uploads/{id}/content'].get).toBeDefined();
    expect(doc.paths['/v1/ocr/business-license'].post).toBeDefined();
    expect(doc.paths['/sandbox/registry/enterprises/{creditCode}'].put).toBeDefined();
  });
});

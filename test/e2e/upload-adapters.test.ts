import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { SandboxOcrProvider } from '../../adapters/sandbox/ocr';
import { SandboxRegistry } from '../../adapters/sandbox/registry';
import { LocalDiskStorage } from '../../adapters/storage';
import { buildUploadService, type UploadService } from '../../api/uploads/service';
import { createBytesSealer, createPiiCipher, type PiiCipher } from '../../platform/crypto';
import { enterprise, organizationCode, registrationNumber } from '../support/enterprise';
import { http, mainlandId, uniqueAccount } from '../support/http';

/**
 * The upload service and the enterprise sandbox providers against the real
 * PostgreSQL (with the API's PII key): what the verification service builds on.
 */
let db: Knex;
let cipher: PiiCipher;
let dir: string;
let uploads: UploadService;
const api = http(inject('baseUrl'));

const jpeg = () => Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.from(randomUUID()), Buffer.from('ffd9', 'hex')]);

beforeAll(() => {
  db = knex({ client: 'pg', connection: inject('databaseUrl'), pool: { min: 0, max: 4 } });
  const secrets = inject('secrets');
  const piiKey = Buffer.from(secrets.piiEncryptionKey, 'base64');
  cipher = createPiiCipher(piiKey, Buffer.from(secrets.piiHashKey, 'base64'));
  dir = mkdtempSync(path.join(os.tmpdir(), 'rnv-uploads-'));
  uploads = buildUploadService({ db, storage: new LocalDiskStorage(dir, createBytesSealer(piiKey)), ocr: new SandboxOcrProvider(db) });
});
afterAll(async () => {
  await db?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('assertUploadOf', () => {
  it('passes an upload of the account with an expected purpose, and answers it', async () => {
    const accountId = uniqueAccount();
    const bytes = jpeg();
    const created = await uploads.create({ role: 'service' }, { accountId, purpose: 'id_photo_emblem', filename: 'x', bytes });
    const record = await uploads.assertUploadOf(accountId, created.id, ['id_photo_emblem', 'id_photo_portrait'], 'remittance.emblemPhotoId');
    expect(record).toEqual({ ...created, accountId, ocr: null });
    expect(record.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it.each([
    ['another account', (id: string) => [uniqueAccount(), id, ['id_photo_emblem']]],
    ['another purpose', (id: string, acct: string) => [acct, id, ['business_license']]],
    ['an unknown id', (_id: string, acct: string) => [acct, 'upl_unknown000000000000', ['id_photo_emblem']]],
  ] as const)('refuses %s with 422 at the given path', async (_label, args) => {
    const accountId = uniqueAccount();
    const created = await uploads.create({ role: 'service' }, { accountId, purpose: 'id_photo_emblem', bytes: jpeg() });
    const [acct, id, purposes] = args(created.id, accountId) as [string, string, string[]];
    await expect(uploads.assertUploadOf(acct, id, purposes, 'enterprise.licenseUploadId')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      extras: { errors: [{ path: 'enterprise.licenseUploadId', message: expect.any(String) }] },
    });
  });

  it('carries the OCR reading once the licence was read', async () => {
    const accountId = uniqueAccount();
    const created = await uploads.create({ role: 'account', accountId }, { purpose: 'business_license', bytes: jpeg() });
    await new SandboxOcrProvider(db).setReading(created.sha256, { enterpriseName: '示例有限公司', creditCode: '91110105MA01ABCD2X' });
    const reading = await uploads.readBusinessLicense(created.id);
    expect(reading).toEqual({ enterpriseName: '示例有限公司', creditCode: '91110105MA01ABCD2X', confidence: 0.98 });
    const record = await uploads.assertUploadOf(accountId, created.id, ['business_license'], 'x');
    expect(record.ocr).toEqual(reading);
  });
});

describe('SandboxRegistry', () => {
  it('keeps the legal representative’s ID number only encrypted, and answers it decrypted', async () => {
    const idNumber = mainlandId('1975-03-04');
    const code = '91110105MA01QQQQ0X';
    const put = await api.put(`/sandbox/registry/enterprises/${code.toLowerCase()}`, { name: '测试有限公司', legalRepresentative: { name: '李四', idNumber } }, { token: null });
    expect(put.status).toBe(200);

    const row = await db('sandbox_registry_enterprises').where({ credit_code: code }).first();
    expect(JSON.stringify(row)).not.toContain(idNumber);
    expect(cipher.decrypt(row.legal_rep_id_enc)).toBe(idNumber);

    const registry = new SandboxRegistry(db, cipher);
    expect(await registry.lookup(` ${code.toLowerCase()} `)).toEqual({
      creditCode: code,
      name: '测试有限公司',
      legalRepresentative: { name: '李四', idNumber },
      status: '存续',
      formerCodes: [],
    });
    expect(await registry.lookup('91110105MA01NONE00')).toBeNull();
  });

  it('updates a record in place', async () => {
    const registry = new SandboxRegistry(db, cipher);
    const code = `9111${randomUUID().replace(/-/g, '').slice(0, 14).toUpperCase()}`;
    await registry.put({ creditCode: code, name: 'A 公司', legalRepresentative: { name: '王五', idNumber: mainlandId() }, status: '存续' });
    await registry.put({ creditCode: code, name: 'B 公司', legalRepresentative: { name: '王五', idNumber: mainlandId() }, status: '注销' });
    expect(await registry.lookup(code)).toMatchObject({ name: 'B 公司', status: '注销' });
    expect(await db('sandbox_registry_enterprises').where({ credit_code: code })).toHaveLength(1);
  });

  it('leads from each former code to the enterprise, normalised; a PUT keeps exactly the codes it lists', async () => {
    const registry = new SandboxRegistry(db, cipher);
    const e = enterprise();
    const [printedOrg, regNo] = [organizationCode(true), registrationNumber()];
    const org = printedOrg.replace('-', '');
    const record = { creditCode: e.code, name: e.name, legalRepresentative: e.legalPerson, status: '存续' };
    expect(await registry.put({ ...record, formerCodes: [printedOrg.toLowerCase(), regNo, org] })).toEqual({ formerCodes: [org, regNo].sort() });
    for (const code of [e.code, org, printedOrg, ` ${printedOrg.toLowerCase()} `, regNo]) {
      expect(await registry.lookup(code), code).toMatchObject({ creditCode: e.code, name: e.name, formerCodes: [org, regNo].sort() });
    }
    expect(await registry.lookup(organizationCode())).toBeNull();

    await registry.put({ ...record, formerCodes: [regNo] });
    expect(await registry.lookup(org)).toBeNull();
    await registry.put(record);
    expect(await registry.lookup(regNo)).toBeNull();
    expect(await registry.lookup(e.code)).toMatchObject({ formerCodes: [] });
  });

  it('moves a former code listed by another enterprise: it leads there, and no longer here', async () => {
    const registry = new SandboxRegistry(db, cipher);
    const [a, b] = [enterprise(), enterprise()];
    const [org, regNo] = [organizationCode(), registrationNumber()];
    await registry.put({ creditCode: a.code, name: a.name, legalRepresentative: a.legalPerson, status: '存续', formerCodes: [org, regNo] });
    await registry.put({ creditCode: b.code, name: b.name, legalRepresentative: b.legalPerson, status: '存续', formerCodes: [org] });
    expect(await registry.lookup(org)).toMatchObject({ creditCode: b.code, formerCodes: [org] });
    expect(await registry.lookup(a.code)).toMatchObject({ formerCodes: [regNo] });
    expect(await registry.lookup(regNo)).toMatchObject({ creditCode: a.code });
  });

  it('refuses a former code that is not a registration number or organisation code', async () => {
    const registry = new SandboxRegistry(db, cipher);
    const e = enterprise();
    await expect(registry.put({ creditCode: e.code, name: e.name, legalRepresentative: e.legalPerson, status: '存续', formerCodes: [enterprise().code] })).rejects.toThrow(/former code/);
    expect(await registry.lookup(e.code)).toBeNull();
  });
});

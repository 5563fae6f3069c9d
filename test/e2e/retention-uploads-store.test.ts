import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStorage } from '../../adapters/storage';
import { assertUploadOf } from '../../api/uploads/service';
import { ERASED } from '../../domain/sealed-value';
import { createBytesSealer } from '../../platform/crypto';
import { migrateLatest, type Db } from '../../platform/db';
import { newId } from '../../platform/ids';
import { createMetrics, type Metrics } from '../../platform/metrics';
import { openReview } from '../../store/reviews';
import { markUnusedUploadsBefore } from '../../store/upload-erasure';
import { insertUpload, isErasedUpload } from '../../store/uploads';
import { completeVerification, finishVerification, openVerification } from '../../store/verifications';
import { RETENTION_DATABASES, runRetention } from '../support/retention-db';

/**
 * Uploads' retention (SPEC §11: an unfinished process's uploads go after
 * RETENTION_UNFINISHED) against PostgreSQL and the embedded PGlite, on a
 * database and a storage folder of the file's own: an upload older than the
 * period that no process still holding personal data uses loses its file (the
 * row stays, `[erased]`); the current subject's and an open process's stay; an
 * upload used by a process that retention erases later goes on the next run;
 * a crash between marking and deleting loses nothing; runs are bounded and a
 * second run changes nothing.
 */
const DAY = 24 * 3600_000;
const PERIOD = 90 * DAY;
const OLD = PERIOD + DAY;
const cutoff = () => new Date(Date.now() - PERIOD).toISOString();
const root = mkdtempSync(path.join(os.tmpdir(), 'rnv-upload-retention-'));
const storage = new LocalDiskStorage(root, createBytesSealer(randomBytes(32)));
const MESSAGE = { title: 't', body: 'b' };
/** How the API refuses a process that names an erased upload (422). */
const ERASED_REFUSAL = { code: 'VALIDATION_FAILED', extras: { errors: [{ path: expect.any(String), message: expect.stringMatching(/erased/) }] } };

let db: Db;
let metrics: Metrics;
let accounts = 0;
const newAccount = () => `acct-uploads-${process.pid}-${++accounts}`;
const run = (args: { batchSize?: number; maxBatches?: number } = {}) => runRetention({ db, storage, metrics }, { category: 'uploads', cutoff: cutoff(), ...args });
const uploadRow = (id: string) => db('uploads').where({ id }).first();
const fileOf = (key: string) => path.join(root, key);

/** An upload of the account, its file on disk, uploaded `ageMs` ago (`id`: one chosen by the test). */
async function upload(accountId: string, ageMs: number, id = `upl_${randomBytes(8).toString('hex')}`): Promise<{ id: string; file: string }> {
  const storageKey = await storage.put(id, Buffer.from(`bytes of ${id}`));
  await insertUpload(db, { id, account_id: accountId, purpose: 'business_license', content_type: 'image/png', size: 20, sha256: 'x', storage_key: storageKey });
  await db('uploads').where({ id }).update({ created_at: new Date(Date.now() - ageMs), ocr: JSON.stringify({ enterpriseName: '某公司', creditCode: 'c', confidence: 1 }) });
  return { id, file: fileOf(storageKey) };
}

/** An enterprise verification of the account whose application names these uploads, ended as `status` (or still running). */
async function enterpriseVerification(accountId: string, uploads: { licence: string; emblem?: string }, status: 'verified' | 'failed' | 'in_progress'): Promise<string> {
  const id = newId('ver');
  const bankAccount = uploads.emblem ? { bankAccount: { accountNumber: '6222****0001', idPhotoEmblemUploadId: uploads.emblem, idPhotoPortraitUploadId: 'upl_other0000001' } } : {};
  await openVerification(db, {
    id,
    accountId,
    workflowId: `verification/${id}`,
    subjectType: 'enterprise',
    method: 'public_remittance',
    subject: { licenseType: 'business_license', licenseUploadId: uploads.licence, name: '上传测试有限公司', creditCode: '91110000600000000X', ...bankAccount },
    idNumberEnc: null,
    identityHash: randomBytes(16).toString('hex'),
    expiresAt: null,
  });
  if (status === 'verified') await completeVerification(db, { verificationId: id, revision: 10, messages: { verified: MESSAGE, quotaExceeded: MESSAGE } });
  if (status === 'failed') await finishVerification(db, { verificationId: id, revision: 10, outcome: { status: 'failed', failureReason: 'REVIEW_REJECTED' }, message: MESSAGE });
  return id;
}

async function expectErased(u: { id: string; file: string }) {
  expect(await uploadRow(u.id)).toMatchObject({ storage_key: ERASED, ocr: null, erased_at: expect.any(Date) });
  expect(existsSync(u.file)).toBe(false);
}
async function expectKept(u: { id: string; file: string }) {
  const row = await uploadRow(u.id);
  expect(row.erased_at).toBeNull();
  expect(row.storage_key).not.toBe(ERASED);
  expect(existsSync(u.file)).toBe(true);
}

describe.each(RETENTION_DATABASES)('uploads on $database', ({ open }) => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrateLatest(db);
  }, 60_000);
  afterAll(() => close?.());
  beforeEach(() => {
    metrics = createMetrics();
  });

  it('deletes the files no process holding personal data uses; keeps the current subject’s, an open process’s and young ones; twice changes nothing', async () => {
    // The current subject: its verification and the account's subject name its licence. An id that begins like it is another upload.
    const current = newAccount();
    const licence = await upload(current, OLD, `upl_${randomBytes(6).toString('hex')}current`);
    const prefix = await upload(current, OLD, licence.id.slice(0, -7));
    await enterpriseVerification(current, { licence: licence.id }, 'verified');
    // A public remittance still in review: its first materials are named only by the review, its corrected ones by the row.
    const reviewing = newAccount();
    const firstMaterials = await upload(reviewing, OLD);
    const corrected = await upload(reviewing, OLD);
    const running = await enterpriseVerification(reviewing, { licence: corrected.id }, 'in_progress');
    await openReview(db, {
      reviewId: newId('rev'),
      kind: 'public_remittance',
      accountId: reviewing,
      processId: running,
      workflowId: `verification/${running}`,
      applicant: {},
      applicantPiiEnc: null,
      materials: [{ purpose: 'business_license', uploadId: firstMaterials.id }],
      dueAt: new Date(Date.now() + DAY),
    });
    // Never used by any process: an old one goes, a young one stays.
    const idle = newAccount();
    const unusedOld = await upload(idle, OLD);
    const unusedYoung = await upload(idle, PERIOD - DAY);

    expect(await run()).toMatchObject({ deleted: 2, more: false });
    for (const gone of [prefix, unusedOld]) await expectErased(gone);
    for (const kept of [licence, firstMaterials, corrected, unusedYoung]) await expectKept(kept);
    expect(await uploadRow(licence.id)).toMatchObject({ in_use_checked_at: expect.any(Date), ocr: { enterpriseName: '某公司' } });
    expect((await metrics.retentionDeleted.get()).values.find((v) => v.labels.category === 'uploads')?.value).toBe(2);
    // An erased upload cannot be taken up by a new process.
    await expect(assertUploadOf(db, idle, unusedOld.id, ['business_license'], 'enterprise.licenseUploadId')).rejects.toMatchObject(ERASED_REFUSAL);

    const before = await db('uploads').orderBy('id');
    expect(await run()).toMatchObject({ deleted: 0, more: false });
    expect(await db('uploads').orderBy('id')).toEqual(before);
  });

  it('an upload of a process that retention erased goes on the next run; one the current subject uses too stays', async () => {
    const accountId = newAccount();
    const emblem = await upload(accountId, OLD);
    const licence = await upload(accountId, OLD);
    const failed = await enterpriseVerification(accountId, { licence: licence.id, emblem: emblem.id }, 'failed');
    await enterpriseVerification(accountId, { licence: licence.id }, 'verified');

    // While the failed process holds its personal data, its uploads are in use.
    expect(await run()).toMatchObject({ deleted: 0 });
    await db('verifications').where({ id: failed }).update({ completed_at: new Date(Date.now() - OLD) });
    expect(await runRetention({ db, storage, metrics }, { category: 'unfinished-processes', cutoff: cutoff() })).toMatchObject({ deleted: 1 });

    expect(await run()).toMatchObject({ deleted: 1 });
    await expectErased(emblem);
    await expectKept(licence);
  });

  it('a crash between marking and deleting loses nothing: the row says erased at once, and the next run deletes the file', async () => {
    const accountId = newAccount();
    const u = await upload(accountId, OLD);
    expect(await markUnusedUploadsBefore(db, new Date(cutoff()), 1000)).toEqual({ examined: 1, marked: 1 });
    const marked = await uploadRow(u.id);
    expect(marked.storage_key).not.toBe(ERASED);
    expect(isErasedUpload(marked)).toBe(true);
    expect(existsSync(u.file)).toBe(true);
    await expect(assertUploadOf(db, accountId, u.id, ['business_license'], 'licenseUploadId')).rejects.toMatchObject(ERASED_REFUSAL);

    expect(await run()).toMatchObject({ deleted: 1 });
    await expectErased(u);
  });

  it('a file stored before sealing, shared by content with another account’s upload, stays until neither uses it', async () => {
    const hash = randomBytes(32).toString('hex');
    const key = `sha256/${hash.slice(0, 2)}/${hash}`;
    mkdirSync(path.dirname(fileOf(key)), { recursive: true });
    writeFileSync(fileOf(key), 'legacy bytes');
    const [old, young] = [newId('upl'), newId('upl')];
    for (const [id, age] of [[old, OLD], [young, DAY]] as const) {
      await insertUpload(db, { id, account_id: newAccount(), purpose: 'business_license', content_type: 'image/png', size: 12, sha256: hash, storage_key: key });
      await db('uploads').where({ id }).update({ created_at: new Date(Date.now() - age) });
    }
    expect(await run()).toMatchObject({ deleted: 1 });
    expect(await uploadRow(old)).toMatchObject({ storage_key: ERASED });
    expect(existsSync(fileOf(key))).toBe(true);

    await db('uploads').where({ id: young }).update({ created_at: new Date(Date.now() - OLD) });
    expect(await run()).toMatchObject({ deleted: 1 });
    expect(existsSync(fileOf(key))).toBe(false);
  });

  it('runs in bounded batches: a run stops at its bound, the next goes on', async () => {
    const accountId = newAccount();
    const old = [await upload(accountId, OLD), await upload(accountId, OLD), await upload(accountId, OLD)];
    expect(await run({ batchSize: 2, maxBatches: 1 })).toEqual({ deleted: 2, more: true, heartbeats: [{ deleted: 2, batches: 1 }] });
    expect(await run({ batchSize: 2, maxBatches: 1 })).toMatchObject({ deleted: 1, more: false });
    for (const u of old) await expectErased(u);
  });
});

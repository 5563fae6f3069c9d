import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalDiskStorage } from '../../adapters/storage';
import { buildPersonalDataService } from '../../api/accounts/personal-data';
import { ERASED } from '../../domain/sealed-value';
import { createBytesSealer, createPiiCipher } from '../../platform/crypto';
import { createProcessKeys } from '../../platform/data-keys';
import { migrateLatest, type Db } from '../../platform/db';
import { createMetrics, type Metrics } from '../../platform/metrics';
import type { AccountRow } from '../../store/accounts';
import { dataKeyStore } from '../../store/data-keys';
import { createReadModel } from '../../store/read-model';
import { accountView } from '../../views/account';
import { RETENTION_DATABASES, runRetention } from '../support/retention-db';
import { completedAgo, enterpriseChange, individualVerification, personChange, revokedChange, type Sealing } from '../support/subject-rows';

/**
 * A replaced subject's record (SPEC §11, RETENTION_REPLACED_SUBJECT) against
 * PostgreSQL and the embedded PGlite, on a database of the file's own: once a
 * change that moved the account to another identity completed longer ago than
 * the period, the verifications and changes created before it are erased
 * (keys destroyed, rows scrubbed, marked); the change, its new subject's
 * verification and the current subject stay readable; a change that keeps the
 * subject, or one too young, erases nothing; each change is handled once, in
 * bounded batches.
 */
const DAY = 24 * 3600_000;
const PERIOD = 90 * DAY;
const cutoff = () => new Date(Date.now() - PERIOD).toISOString();
const cipher = createPiiCipher(randomBytes(32), randomBytes(32));
const storage = new LocalDiskStorage(mkdtempSync(path.join(os.tmpdir(), 'rnv-replaced-')), createBytesSealer(randomBytes(32)));
const ZHANG = { realName: '张旧主', idNumber: '11010519491231002X' };
const LI = { realName: '李新主', idNumber: '110105199202020011' };
const WANG = { realName: '王法人', idNumber: '110105198003030033' };

let db: Db;
let metrics: Metrics;
let s: Sealing;
let account = 0;
const newAccount = () => `acct-replaced-${process.pid}-${++account}`;
const erase = (args: { batchSize?: number; maxBatches?: number } = {}) => runRetention({ db, storage, metrics }, { category: 'replaced-subjects', cutoff: cutoff(), ...args });
/** A reader of its own: the one that sealed caches keys for 10 s, as a service process would. */
const freshKeys = () => createProcessKeys({ store: dataKeyStore(db), master: cipher });
const row = (table: string, id: string) => db(table).where({ id }).first();
const wrappedKey = async (id: string) => (await db('data_keys').where({ process_id: id }).first('wrapped_key'))?.wrapped_key as string | null;
const snapshot = async (accountId: string) => ({
  verifications: await db('verifications').where({ account_id: accountId }).orderBy('id'),
  changes: await db('changes').where({ account_id: accountId }).orderBy('id'),
  keys: await db('data_keys').where({ account_id: accountId }).orderBy('process_id'),
  account: await row('accounts', accountId),
});

/** An individual verified as Zhang after a failed try and a revoked change, then moved to the enterprise by a change completed `completedMsAgo`. */
async function replacedByEnterprise(completedMsAgo: number) {
  const accountId = newAccount();
  const failed = await individualVerification(s, accountId, ZHANG, 'failed');
  const verified = await individualVerification(s, accountId, ZHANG, 'verified');
  const revoked = await revokedChange(s, accountId, ZHANG);
  const { changeId, verificationId } = await enterpriseChange(s, accountId, ZHANG, { name: '北京新主体科技有限公司', licenseUploadId: 'upl_licence000001', legalPerson: WANG });
  await completedAgo(db, changeId, completedMsAgo);
  return { accountId, former: { failed, verified, revoked }, changeId, newSubject: verificationId };
}

describe.each(RETENTION_DATABASES)('replaced subjects on $database', ({ open }) => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrateLatest(db);
    s = { db, cipher, keys: createProcessKeys({ store: dataKeyStore(db), master: cipher }) };
  }, 60_000);
  afterAll(() => close?.());
  beforeEach(() => {
    metrics = createMetrics();
  });

  it('erases the former subject’s processes once the change is due; the change, its new subject and the current subject stay', async () => {
    const due = await replacedByEnterprise(PERIOD + DAY);
    const young = await replacedByEnterprise(PERIOD - DAY);
    const verifiedSealed = (await row('verifications', due.former.verified)).id_number_enc as string;

    expect(await erase()).toMatchObject({ deleted: 3, more: false });
    for (const id of [due.former.failed, due.former.verified]) {
      const v = await row('verifications', id);
      expect(v).toMatchObject({ status: expect.any(String), method: 'wechat_qr', subject: { realName: ERASED, idType: 'mainland_id' }, id_number_enc: null, identity_hash: ERASED });
      expect(v.personal_data_erased_at).not.toBeNull();
      expect(await wrappedKey(id)).toBeNull();
    }
    expect(await row('changes', due.former.revoked)).toMatchObject({ status: 'revoked', request_enc: null, personal_data_erased_at: expect.any(Date) });
    expect(await freshKeys().open(verifiedSealed)).toBe(ERASED);
    expect((await row('changes', due.changeId)).former_subject_erased_at).not.toBeNull();

    // The change and its new subject's verification describe the current subject: untouched, their keys whole.
    expect(await row('changes', due.changeId)).toMatchObject({ status: 'completed', personal_data_erased_at: null, request_enc: expect.any(String) });
    expect(await row('verifications', due.newSubject)).toMatchObject({ status: 'verified', personal_data_erased_at: null, subject: { name: '北京新主体科技有限公司' } });
    const current = (await row('accounts', due.accountId)) as AccountRow;
    expect(JSON.parse(await freshKeys().open(current.pii_enc!))).toEqual({ legalPerson: { idNumber: WANG.idNumber } });
    expect(accountView(due.accountId, current, 0, await freshKeys().readerFor(current.subject)).verification).toMatchObject({ status: 'verified', subjectType: 'enterprise', subject: { name: '北京新主体科技有限公司', legalPerson: { name: WANG.realName } } });

    // A change younger than the period leaves the former subject as it was.
    expect(await row('verifications', young.former.verified)).toMatchObject({ personal_data_erased_at: null, subject: { realName: ZHANG.realName } });
    expect(await wrappedKey(young.former.verified)).not.toBeNull();
    expect((await row('changes', young.changeId)).former_subject_erased_at).toBeNull();
    expect((await metrics.retentionDeleted.get()).values.find((v) => v.labels.category === 'replaced-subjects')?.value).toBe(3);

    // Each change once: a second run finds nothing and changes nothing.
    const before = await snapshot(due.accountId);
    expect(await erase()).toMatchObject({ deleted: 0, more: false });
    expect(await snapshot(due.accountId)).toEqual(before);
  });

  it('an individual → individual change: the person it replaced goes, the new person sealed under the change’s key stays readable', async () => {
    const accountId = newAccount();
    const former = await individualVerification(s, accountId, ZHANG, 'verified');
    const changeId = await personChange(s, accountId, ZHANG, LI);
    await completedAgo(db, changeId, PERIOD + DAY);

    expect(await erase()).toMatchObject({ deleted: 1 });
    expect(await wrappedKey(former)).toBeNull();
    expect(await wrappedKey(changeId)).not.toBeNull();
    const current = (await row('accounts', accountId)) as AccountRow;
    expect(current.id_number_enc).toMatch(new RegExp(`^pd1\\.${changeId}\\.`));
    expect(await freshKeys().open(current.id_number_enc!)).toBe(LI.idNumber);
    expect(accountView(accountId, current, 0, await freshKeys().readerFor(current.subject)).verification.subject).toMatchObject({ realName: LI.realName });

    // The right of access: the former person's process erased, the change that holds the current one kept.
    const service = buildPersonalDataService({ db, readModel: createReadModel(db), keys: freshKeys(), cipher, periods: { 'unfinished-processes': PERIOD, 'replaced-subjects': PERIOD } });
    const document = await service.of({ role: 'admin', name: 'ops' }, accountId);
    expect(document.processes.map((p) => ({ id: p.id, erased: p.erased, retention: p.retention }))).toEqual(
      expect.arrayContaining([
        { id: former, erased: true, retention: 'erased' },
        { id: changeId, erased: false, retention: expect.stringMatching(/^kept while the account is verified with this subject/) },
      ]),
    );
    expect(document.processes.find((p) => p.id === changeId)?.personalData).toMatchObject({ newPerson: { realName: LI.realName, idNumber: LI.idNumber } });
  });

  it('the right of access dates a replaced subject’s erasure from its change', async () => {
    const young = await replacedByEnterprise(10 * DAY);
    const service = buildPersonalDataService({ db, readModel: createReadModel(db), keys: freshKeys(), cipher, periods: { 'unfinished-processes': PERIOD, 'replaced-subjects': PERIOD } });
    const processes = (await service.of({ role: 'service' }, young.accountId)).processes;
    const completedAt = new Date((await row('changes', young.changeId)).completed_at).getTime();
    expect(processes.find((p) => p.id === young.former.verified)).toMatchObject({
      erased: false,
      keptUntil: new Date(completedAt + PERIOD).toISOString(),
      retention: expect.stringMatching(/RETENTION_REPLACED_SUBJECT after a change replaced/),
    });
    expect(processes.find((p) => p.id === young.newSubject)).toMatchObject({ keptUntil: null, retention: expect.stringMatching(/^kept while the account is verified/) });
  });

  it('a change that keeps the subject (a new legal representative, a new name) erases nothing, whatever its age', async () => {
    const { accountId, former, changeId: replacing } = await replacedByEnterprise(PERIOD + DAY);
    await erase();
    const before = await snapshot(accountId);
    for (const type of ['legal_representative_update', 'enterprise_name_change']) {
      const id = `chg_keeps${type.length}${randomBytes(4).toString('hex')}`;
      await db('changes').insert({ id, account_id: accountId, workflow_id: `change/${id}`, type, status: 'completed', request: '{}', completed_at: new Date(Date.now() - 2 * PERIOD) });
    }
    expect(await erase()).toMatchObject({ deleted: 0 });
    expect((await snapshot(accountId)).verifications).toEqual(before.verifications);
    expect(await wrappedKey(former.verified)).toBeNull();
    expect(await db('changes').where({ account_id: accountId }).whereNotNull('former_subject_erased_at').pluck('id')).toEqual([replacing]);
  });

  it('what the current subject is sealed under stays, even where the rows’ times and links do not say it came with the change', async () => {
    const due = await replacedByEnterprise(PERIOD + DAY);
    // As a row written before verifications named their change, stamped by a clock behind the change's.
    await db('verifications').where({ id: due.newSubject }).update({ change_id: null, created_at: new Date(Date.now() - 2 * PERIOD) });
    expect(await erase()).toMatchObject({ deleted: 3 });
    expect(await wrappedKey(due.newSubject)).not.toBeNull();
    expect(await row('verifications', due.newSubject)).toMatchObject({ personal_data_erased_at: null });
    const current = (await row('accounts', due.accountId)) as AccountRow;
    expect(JSON.parse(await freshKeys().open(current.pii_enc!))).toEqual({ legalPerson: { idNumber: WANG.idNumber } });
    expect((await row('changes', due.changeId)).former_subject_erased_at).not.toBeNull();
  });

  it('bounded batches: a run stops at its bound and the next goes on; the change is marked only once all its former processes are erased', async () => {
    const accountId = newAccount();
    const former = [
      await individualVerification(s, accountId, ZHANG, 'failed'),
      await individualVerification(s, accountId, ZHANG, 'failed'),
      await individualVerification(s, accountId, ZHANG, 'failed'),
      await individualVerification(s, accountId, ZHANG, 'verified'),
    ];
    const changeId = await personChange(s, accountId, ZHANG, LI);
    await completedAgo(db, changeId, PERIOD + DAY);

    const first = await erase({ batchSize: 2, maxBatches: 1 });
    expect(first).toEqual({ deleted: 2, more: true, heartbeats: [{ deleted: 2, batches: 1 }] });
    expect((await row('changes', changeId)).former_subject_erased_at).toBeNull();
    expect(await erase({ batchSize: 2, maxBatches: 10 })).toMatchObject({ deleted: 2, more: false });
    expect((await row('changes', changeId)).former_subject_erased_at).not.toBeNull();
    for (const id of former) expect(await wrappedKey(id)).toBeNull();
    expect(await wrappedKey(changeId)).not.toBeNull();
    expect(await erase({ batchSize: 2 })).toMatchObject({ deleted: 0, more: false });
  });
});

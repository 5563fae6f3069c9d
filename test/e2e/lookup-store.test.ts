import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERASED } from '../../domain/sealed-value';
import { migrateLatest, type Db } from '../../platform/db';
import { eraseAccountRecords } from '../../store/account-erasure';
import { completeLookup, finishLookup, openLookup, recordLookupProgress, type NewLookup } from '../../store/lookups';
import { RETENTION_DATABASES, runRetention } from '../support/retention-db';

/**
 * The "find my accounts" lookups' rows (SPEC §12) against PostgreSQL (a
 * database of this file's own: retention by age would reach other tests'
 * rows) and the embedded PGlite of `npm start`: the daily limit counted under
 * a lock as a lookup opens, the accounts written at completion, and erasure —
 * by retention RETENTION_UNFINISHED after a lookup ended whatever its outcome
 * (its key, its identity hash, its result), of keys whose lookup was refused,
 * and by the closure of the account whose token made it.
 */
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms);
let db: Db;

let seq = 0;
const lookup = (identityHash: string, overrides: Partial<NewLookup> = {}): NewLookup => {
  const id = `lkp_test${String(++seq).padStart(8, '0')}${randomBytes(2).toString('hex')}`;
  return { id, workflowId: `lookup/${id}`, accountId: null, subjectType: 'individual', identityHash, expiresAt: new Date(Date.now() + 15 * 60_000), ...overrides };
};

/** Retention's activity for the unfinished-processes category, as the schedule runs it. */
const retention = (cutoff: Date) => runRetention({ db, storage: { delete: async () => {} } }, { category: 'unfinished-processes', cutoff: cutoff.toISOString(), batchSize: 100, maxBatches: 10 });

const row = (id: string) => db('identity_lookups').where({ id }).first();
const keyOf = (id: string) => db('data_keys').where({ process_id: id }).first<{ wrapped_key: string | null; erased_by: string | null }>('wrapped_key', 'erased_by');
const withKey = (id: string, accountId: string, createdAgo = 0) => db('data_keys').insert({ process_id: id, account_id: accountId, wrapped_key: 'v1.wrapped', created_at: ago(createdAgo) });

describe.each(RETENTION_DATABASES)('lookups on $database', ({ open, concurrent }) => {
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ db, close } = await open());
    await migrateLatest(db);
  }, 60_000);
  afterAll(() => close?.());
  beforeEach(async () => {
    await db.raw('truncate identity_lookups, data_keys, audit_events, identity_bindings, identities, accounts cascade');
  });

  it('opens five lookups of an identity in 24 hours and refuses the sixth until the oldest leaves the window; a retry of one opened is opened', async () => {
    const now = new Date();
    const first = lookup('hash-a');
    expect(await openLookup(db, first, new Date(now.getTime() - 20 * HOUR))).toEqual({ opened: true });
    for (let i = 0; i < 4; i++) expect(await openLookup(db, lookup('hash-a'), now)).toEqual({ opened: true });
    expect(await openLookup(db, lookup('hash-a'), now)).toEqual({ opened: false, code: 'RATE_LIMITED', retryAfterSeconds: 4 * 3600 });
    // Another identity is not held back; a retried open of a lookup that opened is answered opened.
    expect(await openLookup(db, lookup('hash-b'), now)).toEqual({ opened: true });
    expect(await openLookup(db, first, now)).toEqual({ opened: true });
    // Once the oldest left the window, one more.
    expect(await openLookup(db, lookup('hash-a'), new Date(now.getTime() + 4 * HOUR + 1000))).toEqual({ opened: true });
    expect(await db('identity_lookups').where({ identity_hash: 'hash-a' }).count({ n: '*' }).first()).toEqual({ n: concurrent ? '6' : 6 });
    expect(await db('audit_events').where({ action: 'lookup.opened' }).count({ n: '*' }).first()).toEqual({ n: concurrent ? '7' : 7 });
  });

  it.runIf(concurrent)('ten lookups of one identity opening at once: exactly five open', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => openLookup(db, lookup('hash-race'), new Date())));
    expect(results.filter((r) => r.opened)).toHaveLength(5);
    expect(results.filter((r) => !r.opened)).toHaveLength(5);
  });

  it('completes with the accounts the identity holds verified now (a released slot is not one), in the order bound; a failure writes none', async () => {
    await db('accounts').insert([
      { id: 'acct-1', verification_status: 'verified', subject_type: 'individual', verified_at: ago(3 * DAY) },
      { id: 'acct-2', verification_status: 'verified', subject_type: 'individual', verified_at: ago(DAY) },
      { id: 'acct-3', verification_status: 'unverified' },
    ]);
    await db('identities').insert({ identity_hash: 'hash-c', subject_type: 'individual' });
    await db('identity_bindings').insert([
      { identity_hash: 'hash-c', account_id: 'acct-2', verification_id: 'ver_2', bound_at: ago(DAY) },
      { identity_hash: 'hash-c', account_id: 'acct-1', verification_id: 'ver_1', bound_at: ago(3 * DAY) },
      { identity_hash: 'hash-c', account_id: 'acct-3', verification_id: 'ver_3', bound_at: ago(5 * DAY), released_at: ago(4 * DAY) },
    ]);
    const found = lookup('hash-c');
    const failed = lookup('hash-c');
    for (const l of [found, failed]) await openLookup(db, l, new Date());
    await recordLookupProgress(db, { lookupId: found.id, revision: 1, step: 'awaiting_face', nextAction: { type: 'scan_qr', ticket: 't1' } });
    expect(await row(found.id)).toMatchObject({ status: 'in_progress', step: 'awaiting_face', revision: 1 });

    expect(await completeLookup(db, { lookupId: found.id, revision: 2 })).toEqual({ status: 'completed', failureReason: null });
    const completed = await row(found.id);
    expect(completed).toMatchObject({ status: 'completed', step: null, next_action: null, completed_at: expect.any(Date) });
    expect(completed.accounts).toEqual([
      { accountId: 'acct-1', subjectType: 'individual', verifiedAt: expect.any(String) },
      { accountId: 'acct-2', subjectType: 'individual', verifiedAt: expect.any(String) },
    ]);
    // Idempotent: a retried completion (or a late failure) changes nothing.
    expect(await finishLookup(db, { lookupId: found.id, revision: 3, outcome: { status: 'failed', failureReason: 'FACE_MISMATCH' } })).toEqual({ status: 'completed', failureReason: null });

    expect(await finishLookup(db, { lookupId: failed.id, revision: 1, outcome: { status: 'failed', failureReason: 'FACE_MISMATCH' } })).toEqual({ status: 'failed', failureReason: 'FACE_MISMATCH' });
    expect(await row(failed.id)).toMatchObject({ status: 'failed', failure_reason: 'FACE_MISMATCH', accounts: null });
    const audit = JSON.stringify(await db('audit_events').whereIn('process_id', [found.id, failed.id]).select('action', 'detail', 'account_id'));
    expect(audit).toContain('lookup.closed');
    expect(audit).not.toContain('hash-c');
  });

  it('retention erases a lookup RETENTION_UNFINISHED after it ended, whatever its outcome, and one stopped outside its code once it expired that long ago', async () => {
    const cutoff = ago(90 * DAY);
    const at = (l: NewLookup, opened: Date) => openLookup(db, l, opened);
    const completedOld = lookup('hash-d');
    const failedOld = lookup('hash-d');
    const completedYoung = lookup('hash-d');
    const stuckOld = lookup('hash-d', { expiresAt: ago(91 * DAY) });
    const runningNow = lookup('hash-d');
    for (const l of [completedOld, failedOld, stuckOld]) await at(l, ago(92 * DAY));
    for (const l of [completedYoung, runningNow]) await at(l, new Date());
    await completeLookup(db, { lookupId: completedOld.id, revision: 1 });
    await finishLookup(db, { lookupId: failedOld.id, revision: 1, outcome: { status: 'expired', failureReason: null } });
    await completeLookup(db, { lookupId: completedYoung.id, revision: 1 });
    await db('identity_lookups').whereIn('id', [completedOld.id, failedOld.id]).update({ completed_at: ago(91 * DAY) });
    for (const l of [completedOld, failedOld, completedYoung, stuckOld, runningNow]) await withKey(l.id, 'lookup/' + l.id, 92 * DAY);

    expect(await retention(cutoff)).toMatchObject({ deleted: 3, more: false });
    for (const l of [completedOld, failedOld, stuckOld]) {
      expect(await row(l.id)).toMatchObject({ identity_hash: ERASED, accounts: null, next_action: null, personal_data_erased_at: expect.any(Date) });
      expect(await keyOf(l.id)).toEqual({ wrapped_key: null, erased_by: 'retention' });
    }
    // Status and times stay.
    expect(await row(completedOld.id)).toMatchObject({ status: 'completed', completed_at: expect.any(Date) });
    for (const l of [completedYoung, runningNow]) {
      expect(await row(l.id)).toMatchObject({ identity_hash: 'hash-d', personal_data_erased_at: null });
      expect((await keyOf(l.id)).wrapped_key).toBe('v1.wrapped');
    }
    expect(await retention(cutoff)).toMatchObject({ deleted: 0 });
  });

  it('retention erases the key of a lookup refused at open (no row) once as old as the period', async () => {
    await withKey('lkp_refused000001', 'lookup/lkp_refused000001', 91 * DAY);
    await withKey('lkp_young00000001', 'acct-young', 1000);
    expect(await retention(ago(90 * DAY))).toMatchObject({ deleted: 1 });
    expect(await keyOf('lkp_refused000001')).toEqual({ wrapped_key: null, erased_by: 'retention' });
    expect((await keyOf('lkp_young00000001')).wrapped_key).toBe('v1.wrapped');
  });

  it("an account's closure erases the lookups its token made, and no one else's", async () => {
    await db('accounts').insert([{ id: 'acct-closing' }, { id: 'acct-other' }]);
    const mine = lookup('hash-e', { accountId: 'acct-closing' });
    const theirs = lookup('hash-e', { accountId: 'acct-other' });
    const service = lookup('hash-e');
    for (const l of [mine, theirs, service]) await openLookup(db, l, new Date());
    const counts = await eraseAccountRecords(db, 'acct-closing');
    expect(counts.lookups).toBe(1);
    expect(await row(mine.id)).toMatchObject({ identity_hash: ERASED, personal_data_erased_at: expect.any(Date) });
    for (const l of [theirs, service]) expect(await row(l.id)).toMatchObject({ identity_hash: 'hash-e', personal_data_erased_at: null });
    expect((await eraseAccountRecords(db, 'acct-closing')).lookups).toBe(0);
  });
});
